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

/**
 * Opens (creating if needed) the SQLite store at `path`, by default `defaultStorePath()`. Never throws
 * for a corrupt or unreadable file: see `SqliteStore`.
 */
export function openStore(path?: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path || defaultStorePath(), options);
}
