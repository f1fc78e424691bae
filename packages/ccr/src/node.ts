/**
 * @headroom/ccr/node — the Node-side parts of CCR: the SQLite store (better-sqlite3, `node:sqlite` or
 * `bun:sqlite`, with an in-memory fallback) and the default store path. Everything edge-safe (memory
 * store, markers, retrieval, the tool, retrieve-call handling) is in `@headroom/ccr` and re-exported here,
 * so a Node program can import everything from one place.
 */
export * from "./index.js";
export { SqliteStore, DEFAULT_SQLITE_TTL_SECONDS } from "./sqlite-store.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { findSqliteDriver } from "./sqlite-driver.js";
export type { SqliteDriverName, SqliteDriverProbe, SqliteDriver } from "./sqlite-driver.js";
export { defaultStorePath, openStore, STORE_FILE_NAME } from "./paths.js";
export type { OpenStoreOptions } from "./paths.js";
