import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { extname, join, posix, win32 } from "node:path";
import { FileStore, isFileStoreDir, type FileStoreOptions } from "./file-store.js";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";

/** Name of the store directory inside the data directory (and inside a foreign directory given as a path). */
export const STORE_DIR_NAME = "ccr";
/** @deprecated The default store is the file store now (`STORE_DIR_NAME`); kept for SQLite paths. */
export const STORE_FILE_NAME = "ccr.sqlite";
const SQLITE_HEADER = "SQLite format 3\0";
/** Extensions that ask for the SQLite store. */
const SQLITE_EXTENSIONS = new Set([".sqlite", ".sqlite3", ".db"]);

/**
 * Where the CCR store lives by default (a file-store directory):
 * - `$HEADROOM_STORE` when set;
 * - else `$XDG_DATA_HOME/headroom/ccr` when `XDG_DATA_HOME` is set (any platform);
 * - macOS: `~/Library/Application Support/headroom/ccr`;
 * - Windows: `%LOCALAPPDATA%\headroom\ccr` (else `%APPDATA%`, else `~\AppData\Local`);
 * - elsewhere: `~/.local/share/headroom/ccr`.
 */
export function defaultStorePath(
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  home: string = env.HOME || env.USERPROFILE || homedir(),
): string {
  if (env.HEADROOM_STORE) return env.HEADROOM_STORE;
  const path = platform === "win32" ? win32 : posix;
  if (env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)) return path.join(env.XDG_DATA_HOME, "headroom", STORE_DIR_NAME);
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "headroom", STORE_DIR_NAME);
  if (platform === "win32") {
    const base = env.LOCALAPPDATA || env.APPDATA || path.join(home, "AppData", "Local");
    return path.join(base, "headroom", STORE_DIR_NAME);
  }
  return path.join(home, ".local", "share", "headroom", STORE_DIR_NAME);
}

/** Which store a path names, and where exactly it lives. */
export interface StoreLocation {
  backend: "file" | "sqlite";
  path: string;
}

function header(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(16);
    return buf.subarray(0, readSync(fd, buf, 0, 16, 0)).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/**
 * Decides which store `path` names, never harming what is already there (throws one line instead):
 * - an existing SQLite database, or a new path ending in `.sqlite`, `.sqlite3` or `.db` → the SQLite store;
 * - any other existing file → refused (it is the user's, not a store);
 * - a Headroom store directory, an empty directory, or a path that does not exist → the file store there;
 * - any other directory → the file store in `<dir>/ccr` (the directory holds our store, its mode and
 *   contents are left alone).
 */
export function resolveStoreLocation(path: string): StoreLocation {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    // ENOTDIR: a parent is a file; the store then refuses it when it opens (one line, memory).
    if (!["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "")) throw new Error(`CCR store ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st) return { backend: SQLITE_EXTENSIONS.has(extname(path).toLowerCase()) ? "sqlite" : "file", path };
  if (st.isDirectory()) {
    if (isFileStoreDir(path)) return { backend: "file", path };
    let entries: string[];
    try {
      entries = readdirSync(path);
    } catch (e) {
      throw new Error(`CCR store ${path} is a directory this user cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return entries.length === 0 ? { backend: "file", path } : resolveStoreLocation(join(path, STORE_DIR_NAME));
  }
  if (!st.isFile()) throw new Error(`CCR store ${path} is not a regular file or directory: refusing to use it`);
  let head: string;
  try {
    head = st.size === 0 ? "" : header(path);
  } catch (e) {
    throw new Error(`CCR store ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): refusing to touch it`);
  }
  if (head === SQLITE_HEADER || (st.size === 0 && SQLITE_EXTENSIONS.has(extname(path).toLowerCase()))) return { backend: "sqlite", path };
  throw new Error(`CCR store ${path} exists and is not a Headroom store: refusing to touch it; give a new path or a directory`);
}

/** The stores `openStore` opens. */
export type DurableStore = FileStore | SqliteStore;

/** Options of `openStore`. */
export interface OpenStoreOptions extends SqliteStoreOptions, FileStoreOptions {
  /**
   * Throw (one line) instead of falling back to memory when originals cannot be kept on disk (no SQLite
   * driver for a SQLite path, or the path is unusable). Default false: the store warns and works in memory.
   */
  requirePersistent?: boolean;
}

/**
 * Opens (creating if needed) the CCR store at `path`, by default `defaultStorePath()`: the file store
 * (no native module, any runtime), or the SQLite store for a SQLite path (see `resolveStoreLocation`).
 * Never throws for an unusable path or a missing SQLite driver — it warns once and keeps originals in
 * memory (`persistent` false) — unless `requirePersistent` is set.
 */
export function openStore(path?: string, options: OpenStoreOptions = {}): DurableStore {
  const { requirePersistent, ...rest } = options;
  const given = path || defaultStorePath();
  const warnings: string[] = [];
  const sink = requirePersistent ? (m: string) => void warnings.push(m) : (rest.onWarning ?? ((m: string) => process.stderr.write(`headroom: ${m}\n`)));
  let where: StoreLocation;
  try {
    where = resolveStoreLocation(given);
  } catch (e) {
    if (requirePersistent) throw e;
    return new FileStore(given, { ...rest, onWarning: sink, refuse: (e as Error).message });
  }
  const store = where.backend === "sqlite" ? new SqliteStore(where.path, { ...rest, onWarning: sink }) : new FileStore(where.path, { ...rest, onWarning: sink });
  if (requirePersistent && !store.persistent) {
    store.close();
    throw new Error(warnings[warnings.length - 1] ?? `CCR store ${store.path} cannot be kept on disk`);
  }
  if (requirePersistent && rest.onWarning) for (const m of warnings) rest.onWarning(m);
  return store;
}
