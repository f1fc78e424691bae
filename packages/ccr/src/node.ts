/**
 * @headroom/ccr/node — the Node-side parts of CCR: the durable stores (`FileStore`, dependency-free, the
 * default; `SqliteStore` on `bun:sqlite`, better-sqlite3 or `node:sqlite` for SQLite paths, with an
 * in-memory fallback), `openStore` and the default store path. Everything edge-safe (memory store,
 * markers, retrieval, the tool, retrieve-call handling) is in `@headroom/ccr` and re-exported here, so a
 * Node program can import everything from one place.
 */
export * from "./index.js";
export { FileStore, DEFAULT_FILE_TTL_SECONDS, FILE_STORE_TAG, isFileStoreDir } from "./file-store.js";
export type { FileStoreOptions } from "./file-store.js";
export { SqliteStore, DEFAULT_SQLITE_TTL_SECONDS } from "./sqlite-store.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { findSqliteDriver } from "./sqlite-driver.js";
export type { SqliteDriverName, SqliteDriverProbe, SqliteDriver } from "./sqlite-driver.js";
export { defaultStorePath, openStore, resolveStoreLocation, STORE_DIR_NAME, STORE_FILE_NAME } from "./paths.js";
export type { DurableStore, OpenStoreOptions, StoreLocation } from "./paths.js";
