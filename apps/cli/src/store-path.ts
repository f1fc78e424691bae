/**
 * Checks a CCR store path before the store opens it, so that a mistyped or odd path never harms what
 * the user already has. Which store a path names is `@headroom/ccr/node`'s `resolveStoreLocation` (a
 * directory holds our store and never gets its mode changed; an existing file that is not a store is
 * refused, never moved aside or replaced); on top of it, virtual filesystems (/proc, /sys, /dev), where
 * SQLite and directory scans spin forever, are refused here.
 */
import { realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./command.js";

const VIRTUAL = ["/proc", "/sys", "/dev"];

/** The nearest existing ancestor of `p`, with symlinks resolved (`HOME=/proc/self` → `/proc/<pid>`). */
function realAncestor(p: string): string {
  let dir = p;
  for (;;) {
    try {
      return realpathSync(dir);
    } catch {
      const up = dirname(dir);
      if (up === dir) return dir;
      dir = up;
    }
  }
}

/**
 * Returns the store location to open for `path` (resolved against `cwd`): a file-store directory, or a
 * SQLite file for a SQLite path. Throws a one-line usage error for a path that must not be used.
 * `origin` names where the path came from, for the message (`--store`, `HEADROOM_STORE`, the default).
 */
export async function checkStorePath(path: string, cwd: string, origin = "--store"): Promise<string> {
  const file = resolve(cwd, path);
  const real = realAncestor(file);
  const bad = VIRTUAL.find((v) => real === v || real.startsWith(`${v}/`) || file === v || file.startsWith(`${v}/`));
  if (bad) throw new UsageError(`store path ${file} (${origin}) is on the ${bad} virtual filesystem: give a path in a regular directory (--store PATH or HEADROOM_STORE)`);
  const ccr = await import("@headroom/ccr/node");
  try {
    return ccr.resolveStoreLocation(file).path;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/^CCR store (\S+)/, "store path $1")} (${origin})`);
  }
}
