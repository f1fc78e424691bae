import { homedir } from "node:os";
import { posix, win32 } from "node:path";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";

/** File name of the store inside the data directory. */
export const STORE_FILE_NAME = "ccr.sqlite";

/**
 * Where the CCR store lives by default:
 * - `$HEADROOM_STORE` when set (a file path);
 * - else `$XDG_DATA_HOME/headroom/ccr.sqlite` when `XDG_DATA_HOME` is set (any platform);
 * - macOS: `~/Library/Application Support/headroom/ccr.sqlite`;
 * - Windows: `%LOCALAPPDATA%\headroom\ccr.sqlite` (else `%APPDATA%`, else `~\AppData\Local`);
 * - elsewhere: `~/.local/share/headroom/ccr.sqlite`.
 */
export function defaultStorePath(
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  home: string = env.HOME || env.USERPROFILE || homedir(),
): string {
  if (env.HEADROOM_STORE) return env.HEADROOM_STORE;
  const path = platform === "win32" ? win32 : posix;
  if (env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)) return path.join(env.XDG_DATA_HOME, "headroom", STORE_FILE_NAME);
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "headroom", STORE_FILE_NAME);
  if (platform === "win32") {
    const base = env.LOCALAPPDATA || env.APPDATA || path.join(home, "AppData", "Local");
    return path.join(base, "headroom", STORE_FILE_NAME);
  }
  return path.join(home, ".local", "share", "headroom", STORE_FILE_NAME);
}

/** Options of `openStore`. */
export interface OpenStoreOptions extends SqliteStoreOptions {
  /**
   * Throw (one line) instead of falling back to memory when originals cannot be kept on disk (no SQLite
   * driver, or the file is unusable). Default false: the store warns and works in memory.
   */
  requirePersistent?: boolean;
}

/**
 * Opens (creating if needed) the SQLite store at `path`, by default `defaultStorePath()`. Never throws
 * for a corrupt or unreadable file or a missing SQLite driver (see `SqliteStore`: it warns and keeps
 * originals in memory), unless `requirePersistent` is set.
 */
export function openStore(path?: string, options: OpenStoreOptions = {}): SqliteStore {
  const { requirePersistent, ...rest } = options;
  const warnings: string[] = [];
  const onWarning = options.onWarning;
  const store = new SqliteStore(path || defaultStorePath(), requirePersistent ? { ...rest, onWarning: (m) => warnings.push(m) } : rest);
  if (requirePersistent && !store.persistent) {
    store.close();
    throw new Error(warnings[warnings.length - 1] ?? `CCR store ${store.path} cannot be kept on disk`);
  }
  if (requirePersistent && onWarning) for (const m of warnings) onWarning(m);
  return store;
}
