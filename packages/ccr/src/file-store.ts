import { createHash } from "node:crypto";
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Store, StoreKeyStatus, StorePutOptions } from "@headroom/core";
import { expiryFor, MemoryStore, type StoreStats } from "./memory-store.js";

/** Options of `FileStore`. */
export interface FileStoreOptions {
  /** TTL for a `put` without `ttlSeconds`. Default 7 days. `0` or `Infinity` means no expiry. */
  defaultTtlSeconds?: number;
  /** Called with a readable one-line message when the directory cannot be used. Default: stderr. */
  onWarning?: (message: string) => void;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
  /**
   * Do not touch `path` at all: work in memory and warn with this reason. `openStore` passes it for a path
   * that names no store (a user's file), so the caller still gets a working, non-persistent store.
   */
  refuse?: string;
}

/** The file that marks a directory as a Headroom store (its first line is checked). */
export const FILE_STORE_TAG = "HEADROOM-CCR";
const TAG_TEXT = "Headroom CCR file store v1: one file per original. Safe to delete when no headroom process runs.\n";
export const DEFAULT_FILE_TTL_SECONDS = 7 * 24 * 60 * 60;
const TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60_000;
/** A temporary file older than this was left by a killed writer. */
const STALE_TMP_MS = 60 * 60 * 1000;

type Meta = Record<string, string | number | boolean>;
const MAGIC = "headroom-ccr 1";
/** Suffix of a tombstone: an expired key, remembered (by its mtime) for 30 days. */
const GONE = ".gone";

const SAFE_KEY = /^[A-Za-z0-9_-]{1,100}$/;
const errLine = (e: unknown) => (e instanceof Error ? `${(e as NodeJS.ErrnoException).code ? `${(e as NodeJS.ErrnoException).code}: ` : ""}${e.message.split("\n")[0]}` : String(e));

/** True when `dir` is a directory holding our tag file. */
export function isFileStoreDir(dir: string): boolean {
  try {
    return readFileSync(join(dir, FILE_STORE_TAG), "utf8").startsWith("Headroom CCR file store");
  } catch {
    return false;
  }
}

/** Names another process creating the same store may have put there before its tag is complete. */
const isTagName = (name: string) => name === FILE_STORE_TAG || (name.startsWith(`${FILE_STORE_TAG}.`) && name.endsWith(".tmp"));

/**
 * True when `dir` is empty or holds only tag files (a store another process is creating right now, or
 * one whose creator died before its tag was linked): waits briefly for such a tag to be complete. A
 * directory with anything else in it is foreign.
 */
function awaitTag(dir: string): boolean {
  for (let i = 0; i < 20; i++) {
    const names = readdirSync(dir);
    if (names.length === 0 || isFileStoreDir(dir)) return true;
    if (!names.every(isTagName)) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return true;
}

/**
 * Writes the tag whole or not at all: a temporary file hard-linked into place (fails if the tag exists),
 * so a second process starting at the same moment never reads a half-written tag. Where hard links are
 * not supported, a rename puts the same bytes in place.
 */
function writeTag(dir: string): void {
  const tmp = join(dir, `${FILE_STORE_TAG}.${process.pid}.tmp`);
  writeFileSync(tmp, TAG_TEXT, { mode: 0o600 });
  try {
    linkSync(tmp, join(dir, FILE_STORE_TAG));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EEXIST") {
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw e;
      renameSync(tmp, join(dir, FILE_STORE_TAG));
      return;
    }
  }
  unlinkSync(tmp);
}

/**
 * The dependency-free durable CCR store: a directory with one file per original, written to a
 * temporary file and renamed into place, so a reader sees a whole entry or none and several processes
 * (the proxy, the MCP server, one-shot CLI runs) can share it without locks. Runs on every runtime with
 * `node:fs` (Node 20+, Bun, Deno); no native module.
 *
 * - Layout: `<dir>/HEADROOM-CCR` (the tag), `<dir>/<ab>/<key>` (first line `headroom-ccr 1 <expiry ms|inf>`,
 *   then `{key, meta}` and the original as JSON), `<dir>/<ab>/<key>.gone` (an expired key's tombstone),
 *   `<dir>/tmp/` for writes in flight. Purging reads only first lines, in the background.
 * - A `put` is on disk when it resolves; a killed process loses nothing it had written. Re-putting a
 *   key keeps the later of the two expiries.
 * - It creates what is missing with modes 0700 (directories) and 0600 (files), and never changes the
 *   mode of, moves or deletes anything it did not create: a directory that is not ours and not empty, a
 *   file in the way, or a directory it cannot write is refused with one warning line, and the store
 *   then works in memory (`persistent` false).
 * - Values come back byte-identical (JSON escapes lone surrogates).
 */
export class FileStore implements Store {
  readonly path: string;
  readonly defaultTtlSeconds: number;
  readonly warnings: string[] = [];
  private readonly onWarning: (message: string) => void;
  private readonly now: () => number;
  private mem: MemoryStore | undefined;
  private lastPurge = -Infinity;
  private seq = 0;

  constructor(path: string, options: FileStoreOptions = {}) {
    if (!path) throw new TypeError("FileStore: path is required");
    this.path = path;
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? DEFAULT_FILE_TTL_SECONDS;
    this.onWarning = options.onWarning ?? ((m) => process.stderr.write(`headroom: ${m}\n`));
    this.now = options.now ?? Date.now;
    const why = options.refuse ?? this.prepare();
    if (why) {
      this.mem = new MemoryStore({ defaultTtlSeconds: this.defaultTtlSeconds, now: this.now });
      this.warn(`${options.refuse ?? `CCR store ${path}: ${why}`}; originals are kept in memory and die with this process (give another --store / HEADROOM_STORE path).`);
    }
  }

  /** True when originals outlive this process (the directory is usable). See `isPersistentStore`. */
  get persistent(): boolean {
    return !this.mem;
  }

  /** Makes (or checks) the directory; returns why it cannot be used, or undefined. */
  private prepare(): string | undefined {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return `cannot be read (${errLine(e)})`;
    }
    try {
      if (!st) mkdirSync(this.path, { recursive: true, mode: 0o700 });
      else if (!st.isDirectory()) return "is a file, not a store directory: refusing to touch it";
      else if (!isFileStoreDir(this.path) && !awaitTag(this.path)) return "is a directory that is not a Headroom store and not empty: refusing to touch it";
      if (!isFileStoreDir(this.path)) writeTag(this.path);
      mkdirSync(join(this.path, "tmp"), { mode: 0o700, recursive: true });
      // Prove it is writable now, not on the first put.
      this.writeAtomic(join(this.path, "tmp", "probe"), "");
      unlinkSync(join(this.path, "tmp", "probe"));
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && isFileStoreDir(this.path)) return this.prepare();
      return `cannot be used (${errLine(e)})`;
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.entry(key))?.value;
  }

  /** Full entry (value, meta, expiry) or undefined. */
  async entry(key: string): Promise<{ value: string; meta?: Meta; expiresAt?: number } | undefined> {
    if (this.mem) return this.mem.entry(key);
    const file = this.fileOf(key);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") this.warn(`CCR store ${this.path}: entry ${key} is unreadable (${errLine(e)})`);
      return undefined;
    }
    const parsed = parseEntry(text);
    if (!parsed || parsed.key !== key) return undefined;
    if (parsed.expiresAt <= this.now()) {
      this.expire(file);
      return undefined;
    }
    return { value: parsed.value, ...(parsed.meta ? { meta: parsed.meta } : {}), ...(Number.isFinite(parsed.expiresAt) ? { expiresAt: parsed.expiresAt } : {}) };
  }

  /** Stores `value`; written and renamed into place before resolving. Re-putting keeps the later expiry. */
  async put(key: string, value: string, options: StorePutOptions = {}): Promise<void> {
    if (this.mem) return this.mem.put(key, value, options);
    const now = this.now();
    const file = this.fileOf(key);
    const before = readExpiry(file);
    const exp = Math.max(expiryFor(now, options.ttlSeconds ?? this.defaultTtlSeconds), before !== undefined && before > now ? before : -Infinity);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const head = `${MAGIC} ${Number.isFinite(exp) ? exp : "inf"}\n${JSON.stringify({ key, ...(options.meta ? { meta: options.meta } : {}) })}\n`;
    this.writeAtomic(file, head + JSON.stringify(value));
    this.unlink(`${file}${GONE}`);
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      // In the background, so a put never waits for a scan of the whole store.
      void this.purgeExpired().catch((e: unknown) => this.warn(`CCR store ${this.path}: purge failed (${errLine(e)})`));
    }
  }

  async has(key: string): Promise<boolean> {
    return (await this.status(key)) === "present";
  }

  async delete(key: string): Promise<boolean> {
    if (this.mem) return this.mem.delete(key);
    const exp = readExpiry(this.fileOf(key));
    return this.unlink(this.fileOf(key)) && exp !== undefined && exp > this.now();
  }

  /** `present`, `expired` (stored once, TTL passed) or `unknown`. */
  async status(key: string): Promise<StoreKeyStatus> {
    if (this.mem) return this.mem.status(key);
    const file = this.fileOf(key);
    const exp = readExpiry(file);
    if (exp !== undefined && exp > this.now()) return "present";
    if (exp !== undefined) this.expire(file);
    return existsSync(`${file}${GONE}`) ? "expired" : "unknown";
  }

  /**
   * Deletes every expired entry (keeping a tombstone for 30 days, so a miss can say "expired") and the
   * temporary files of killed writers. Asynchronous: it reads only each file's first line. Returns how
   * many entries went. A `put` starts one at most once a minute.
   */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    this.lastPurge = now;
    if (this.mem) return 0;
    let n = 0;
    for (const sub of (await listAsync(this.path)).filter((d) => d.length === 2)) {
      const dir = join(this.path, sub);
      for (const name of await listAsync(dir)) {
        const file = join(dir, name);
        if (name.endsWith(GONE)) {
          if ((await mtimeOf(file)) < now - TOMBSTONE_MS) this.unlink(file);
          continue;
        }
        const exp = await readExpiryAsync(file);
        if (exp !== undefined && exp <= now && this.expire(file)) n++;
      }
    }
    for (const name of await listAsync(join(this.path, "tmp")))
      if ((await mtimeOf(join(this.path, "tmp", name))) < now - STALE_TMP_MS) this.unlink(join(this.path, "tmp", name));
    return n;
  }

  /** Live entry count and the bytes of their files (the JSON of each original plus a short header). */
  stats(): StoreStats & { path: string; inMemory: boolean; backend: "file" } {
    if (this.mem) return { ...this.mem.stats(), path: this.path, inMemory: true, backend: "file" };
    const now = this.now();
    let entries = 0;
    let bytes = 0;
    for (const sub of safeList(this.path).filter((d) => d.length === 2))
      for (const name of safeList(join(this.path, sub))) {
        const file = join(this.path, sub, name);
        const exp = name.endsWith(GONE) ? undefined : readExpiry(file);
        if (exp === undefined || exp <= now) continue;
        entries++;
        try {
          bytes += statSync(file).size;
        } catch (e) {
          void e; // removed meanwhile
        }
      }
    return { entries, bytes, evictions: 0, expirations: 0, path: this.path, inMemory: false, backend: "file" };
  }

  /** Nothing to release (no handles are held between calls); present so every store closes alike. */
  close(): void {}

  /** `<dir>/<ab>/<key>`: hex and other safe keys as they are, any other key by its SHA-256. */
  private fileOf(key: string): string {
    const name = SAFE_KEY.test(key) ? key : `~${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
    return join(this.path, name.replace(/^~/, "").slice(0, 2).toLowerCase().padEnd(2, "_"), name);
  }

  /** An expired entry becomes its tombstone (a rename: atomic, and harmless if another process won). */
  private expire(file: string): boolean {
    try {
      renameSync(file, `${file}${GONE}`);
      const t = new Date(this.now());
      utimesSync(`${file}${GONE}`, t, t);
      return true;
    } catch (e) {
      void e; // another process expired or re-put it first
      return false;
    }
  }

  private writeAtomic(target: string, text: string): void {
    const tmp = join(this.path, "tmp", `${process.pid}-${++this.seq}-${process.hrtime.bigint()}`);
    writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
    try {
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  private unlink(p: string): boolean {
    try {
      unlinkSync(p);
      return true;
    } catch (e) {
      void e; // already gone (another process purged it)
      return false;
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    try {
      this.onWarning(message);
    } catch (e) {
      void e; // a failing warning sink must not break the store
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    void e; // a missing sub-directory is an empty one
    return [];
  }
}

async function listAsync(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    void e;
    return [];
  }
}

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (e) {
    void e;
    return Infinity;
  }
}

const HEAD_BYTES = 64;

/** The expiry on an entry file's first line (`headroom-ccr 1 <ms|inf>`); undefined when missing or not ours. */
function expiryOfHead(head: string): number | undefined {
  const m = /^headroom-ccr 1 (\d+|inf)\n/.exec(head);
  return m ? (m[1] === "inf" ? Infinity : Number(m[1])) : undefined;
}

function readExpiry(file: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    void e; // no entry
    return undefined;
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return expiryOfHead(buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0)).toString("latin1"));
  } finally {
    closeSync(fd);
  }
}

async function readExpiryAsync(file: string): Promise<number | undefined> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, "r");
  } catch (e) {
    void e;
    return undefined;
  }
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return expiryOfHead(buffer.subarray(0, bytesRead).toString("latin1"));
  } finally {
    await fh.close();
  }
}

/** `headroom-ccr 1 <exp>\n{key, meta}\n<JSON value>` → its parts, or undefined when damaged. */
function parseEntry(text: string): { key: string; meta?: Meta; value: string; expiresAt: number } | undefined {
  const a = text.indexOf("\n");
  const b = text.indexOf("\n", a + 1);
  const expiresAt = expiryOfHead(text.slice(0, a + 1));
  if (a < 0 || b < 0 || expiresAt === undefined) return undefined;
  try {
    const head = JSON.parse(text.slice(a + 1, b)) as { key: string; meta?: Meta };
    const value = JSON.parse(text.slice(b + 1)) as unknown;
    return typeof value === "string" ? { key: head.key, meta: head.meta, value, expiresAt } : undefined;
  } catch (e) {
    void e; // damaged: a miss
    return undefined;
  }
}
