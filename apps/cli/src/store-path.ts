/**
 * Checks a CCR store path before the store opens it, so that a mistyped or odd path never harms what
 * the user already has: a directory holds our file (never gets its mode changed), an existing file that
 * is not a SQLite database is refused (never moved aside and replaced), and virtual filesystems
 * (/proc, /sys, /dev), where SQLite spins forever, are refused.
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./command.js";

/** File name of the store inside a directory given as the store path. */
export const STORE_FILE = "ccr.sqlite";
const SQLITE_HEADER = "SQLite format 3\0";
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

function readHeader(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/**
 * Returns the store file to open for `path` (resolved against `cwd`), or throws a one-line error.
 * `origin` names where the path came from, for the message (`--store`, `HEADROOM_STORE`, the default).
 */
export function checkStorePath(path: string, cwd: string, origin = "--store"): string {
  let file = resolve(cwd, path);
  const real = realAncestor(file);
  const bad = VIRTUAL.find((v) => real === v || real.startsWith(`${v}/`) || file === v || file.startsWith(`${v}/`));
  if (bad) throw new UsageError(`store path ${file} (${origin}) is on the ${bad} virtual filesystem: give a path in a regular directory (--store PATH or HEADROOM_STORE)`);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) {
    // A directory is where the store goes, not the store: our file lives inside it.
    file = join(file, STORE_FILE);
    try {
      st = statSync(file);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) throw new UsageError(`store path ${file} (${origin}) is a directory`);
  }
  if (st && !st.isFile()) throw new UsageError(`store path ${file} (${origin}) is not a regular file`);
  if (st && st.size > 0) {
    let header: string;
    try {
      header = readHeader(file);
    } catch (e) {
      throw new UsageError(`cannot read store ${file} (${origin}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (header !== SQLITE_HEADER)
      throw new UsageError(`${file} (${origin}) exists and is not a Headroom store (not a SQLite database): refusing to touch it; give a new file name or a directory`);
  }
  return file;
}
