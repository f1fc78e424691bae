import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Store, StoreKeyStatus, StorePutOptions } from "@headroom/core";
import { BackgroundCheckpoints } from "./checkpointer.js";
import { expiryFor, MemoryStore, utf8Length, type StoreStats } from "./memory-store.js";
import { decode, errText, isBadFile, isCorrupt, isWellFormed, type Row } from "./sqlite-codes.js";
import { findSqliteDriver, type SqliteDb, type SqliteDriver, type SqliteDriverName, type SqliteStatement } from "./sqlite-driver.js";

/** Options of `SqliteStore`. */
export interface SqliteStoreOptions {
  /** TTL for a `put` without `ttlSeconds`. Default 7 days. `0` or `Infinity` means no expiry. */
  defaultTtlSeconds?: number;
  /** How long a writer waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * Called with a readable message when the file was corrupt or unreadable and a fresh store replaced
   * it. Default: prints `headroom: <message>` on stderr. Every message is also kept in `warnings`.
   */
  onWarning?: (message: string) => void;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
  /** Use only this SQLite driver. Default: the first that works of bun:sqlite, better-sqlite3, node:sqlite. */
  driver?: SqliteDriverName;
  /**
   * Run WAL checkpoints on a worker thread with its own connection (default true), so the thread that
   * puts never stalls while SQLite copies the WAL back and fsyncs (10–15 ms every ~4 MB written). With
   * `false`, or where the thread cannot start, SQLite checkpoints on the committing thread as usual.
   */
  backgroundCheckpoints?: boolean;
}

export const DEFAULT_SQLITE_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Expired keys are remembered this long, so a miss can say "expired" rather than "unknown". */
const TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;
/** A bulk purge of expired rows runs at most this often (per process); single keys purge on touch. */
const PURGE_EVERY_MS = 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ccr_entries (
  key        TEXT PRIMARY KEY,
  value      BLOB NOT NULL,
  encoding   TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  meta       TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS ccr_entries_expires_at ON ccr_entries(expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ccr_expired (
  key        TEXT PRIMARY KEY,
  expired_at INTEGER NOT NULL
);
`;

type Meta = Record<string, string | number | boolean>;

/**
 * The SQLite CCR store: one SQLite file in WAL mode, created with mode 0600. Runs on Bun's `bun:sqlite`,
 * better-sqlite3 (an optional peer the user installs) or Node's `node:sqlite` (Node ≥ 22.5), whichever
 * works here; with none of them it warns once and keeps originals in memory (`persistent` is then
 * false). The default store is the dependency-free `FileStore`; `openStore` picks this one for SQLite paths.
 *
 * - Several processes may share the file: SQLite's locking serialises writers, and each write waits up
 *   to `busyTimeoutMs` for the lock instead of failing.
 * - A `put` is committed when it resolves (WAL + `synchronous=NORMAL`): a killed process loses nothing
 *   it had committed. (Power loss may lose the last transactions; this is a cache of re-creatable data.)
 * - TTL: an expired entry is deleted when it is touched, and in bulk at most once a minute on `put`.
 *   Expired keys are remembered for 30 days so `status()` can say "expired".
 * - It never changes the mode of, moves or writes to a file it did not make its own: an unreadable file,
 *   a file that is not a SQLite database, or another program's SQLite database (tables, none of ours) is
 *   refused with one warning line, and the store works in memory. Only our own store found damaged
 *   (SQLITE_CORRUPT after it opened with our tables) is moved aside to `<path>.corrupt-<time>-<pid>` and
 *   replaced by a fresh one, with a warning.
 * - Values are returned byte-identical, including strings that are not well-formed UTF-16.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly defaultTtlSeconds: number;
  /** Warnings raised so far (corrupt file moved aside, fallback to memory…). */
  readonly warnings: string[] = [];
  private readonly busyTimeoutMs: number;
  private readonly onWarning: (message: string) => void;
  private readonly now: () => number;
  /** The driver in use; undefined when none could be loaded (then `mem` holds the originals). */
  readonly driver: SqliteDriverName | undefined;
  private readonly sqlite: SqliteDriver | undefined;
  private db!: SqliteDb;
  private mem: MemoryStore | undefined;
  /** Inode of the file this process opened: recovery never moves aside a file another process created. */
  private ino: number | undefined;
  private statements = new Map<string, SqliteStatement>();
  private lastPurge = -Infinity;
  /** True once the open file proved to hold our tables: only then may damage move it aside. */
  private ours = false;
  private closed = false;
  private inMemory = false;
  private readonly wantsBackgroundCheckpoints: boolean;
  private checkpoints: BackgroundCheckpoints | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (!path) throw new TypeError("SqliteStore: path is required");
    this.path = path;
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? DEFAULT_SQLITE_TTL_SECONDS;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.onWarning = options.onWarning ?? ((m) => process.stderr.write(`headroom: ${m}\n`));
    this.now = options.now ?? Date.now;
    this.wantsBackgroundCheckpoints = options.backgroundCheckpoints ?? true;
    const probe = findSqliteDriver(options.driver);
    this.sqlite = probe.driver;
    this.driver = probe.driver?.name;
    if (!this.sqlite) {
      this.mem = new MemoryStore({ defaultTtlSeconds: this.defaultTtlSeconds, now: this.now });
      this.inMemory = true;
      this.warn(
        `CCR store ${this.path}: no SQLite driver works here (${probe.failures.join("; ")}); originals are kept in memory and die with this process. A SQLite store needs better-sqlite3 (npm i better-sqlite3), Node ≥ 22.5 or Bun; or give a directory path for the built-in file store.`,
      );
      return;
    }
    try {
      this.openFile();
    } catch (e) {
      // Whatever went wrong (bad file, unwritable folder, a path that is a directory…), never crash.
      this.recover(e);
    }
  }

  /** True when the file could not be used and originals live only in this process's memory. */
  get isInMemory(): boolean {
    return this.inMemory;
  }

  /**
   * True while WAL checkpoints run on the store's worker thread (see `backgroundCheckpoints`); false
   * before that thread is ready, after it failed, and for a store in memory.
   */
  get checkpointsInBackground(): boolean {
    return this.checkpoints?.active ?? false;
  }

  /** True when originals outlive this process (a SQLite file is in use). See `isPersistentStore`. */
  get persistent(): boolean {
    return !this.inMemory;
  }

  async get(key: string): Promise<string | undefined> {
    if (this.mem) return this.mem.get(key);
    return this.guard(() => {
      const row = this.stmt("SELECT value, encoding, expires_at, meta FROM ccr_entries WHERE key = ?").get(key) as Row | undefined;
      if (!row) return undefined;
      const now = this.now();
      if (row.expires_at !== null && row.expires_at <= now) {
        this.expireKey(key, now);
        return undefined;
      }
      return decode(row);
    });
  }

  /** Full entry (value, meta, expiry) or undefined. */
  async entry(key: string): Promise<{ value: string; meta?: Meta; expiresAt?: number } | undefined> {
    if (this.mem) return this.mem.entry(key);
    return this.guard(() => {
      const row = this.stmt("SELECT value, encoding, expires_at, meta FROM ccr_entries WHERE key = ?").get(key) as Row | undefined;
      if (!row || (row.expires_at !== null && row.expires_at <= this.now())) return undefined;
      return {
        value: decode(row),
        ...(row.meta ? { meta: JSON.parse(row.meta) as Meta } : {}),
        ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
      };
    });
  }

  /** Stores `value` and commits before resolving. Re-putting a key keeps the later of the two expiries. */
  async put(key: string, value: string, options: StorePutOptions = {}): Promise<void> {
    if (this.mem) return this.mem.put(key, value, options);
    const now = this.now();
    const exp = expiryFor(now, options.ttlSeconds ?? this.defaultTtlSeconds);
    const expiresAt = Number.isFinite(exp) ? exp : null;
    // Well-formed strings are stored as TEXT (readable with the sqlite3 shell); others as UTF-16LE bytes,
    // because UTF-8 cannot carry lone surrogates and the store promises byte-identical values.
    const wellFormed = isWellFormed(value);
    const stored: string | Buffer = wellFormed ? value : Buffer.from(value, "utf16le");
    const meta = options.meta ? JSON.stringify(options.meta) : null;
    const bytes = utf8Length(value);
    this.guard(() =>
      this.immediate(() => {
        this.stmt(
            `INSERT INTO ccr_entries (key, value, encoding, bytes, meta, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET
               value = excluded.value, encoding = excluded.encoding, bytes = excluded.bytes,
               meta = coalesce(excluded.meta, ccr_entries.meta),
               expires_at = CASE
                 WHEN excluded.expires_at IS NULL OR ccr_entries.expires_at IS NULL THEN NULL
                 WHEN ccr_entries.expires_at > excluded.expires_at THEN ccr_entries.expires_at
                 ELSE excluded.expires_at END`,
          )
          .run(key, stored, wellFormed ? "utf8" : "utf16le", bytes, meta, now, expiresAt);
        this.stmt("DELETE FROM ccr_expired WHERE key = ?").run(key);
      }),
    );
    this.checkpoints?.wrote(bytes);
    if (now - this.lastPurge >= PURGE_EVERY_MS) this.purgeExpired();
  }

  async has(key: string): Promise<boolean> {
    return (await this.status(key)) === "present";
  }

  async delete(key: string): Promise<boolean> {
    if (this.mem) return this.mem.delete(key);
    return this.guard(() => this.stmt("DELETE FROM ccr_entries WHERE key = ?").run(key).changes > 0);
  }

  /** `present`, `expired` (stored once, TTL passed) or `unknown`. */
  async status(key: string): Promise<StoreKeyStatus> {
    if (this.mem) return this.mem.status(key);
    return this.guard(() => {
      const row = this.stmt("SELECT expires_at FROM ccr_entries WHERE key = ?").get(key) as { expires_at: number | null } | undefined;
      const now = this.now();
      if (row) {
        if (row.expires_at === null || row.expires_at > now) return "present";
        this.expireKey(key, now);
        return "expired";
      }
      return this.stmt("SELECT 1 FROM ccr_expired WHERE key = ?").get(key) ? "expired" : "unknown";
    });
  }

  /** Deletes every expired entry now (remembering the keys as expired). Returns how many went. */
  purgeExpired(): number {
    const now = this.now();
    this.lastPurge = now;
    if (this.mem) return 0; // the memory store purges on its own
    return this.guard(() =>
      this.immediate(() => {
        this.stmt("INSERT OR REPLACE INTO ccr_expired (key, expired_at) SELECT key, expires_at FROM ccr_entries WHERE expires_at IS NOT NULL AND expires_at <= ?")
          .run(now);
        const n = this.stmt("DELETE FROM ccr_entries WHERE expires_at IS NOT NULL AND expires_at <= ?").run(now).changes;
        this.stmt("DELETE FROM ccr_expired WHERE expired_at <= ?").run(now - TOMBSTONE_MS);
        return n;
      }),
    );
  }

  /** Entry count and total UTF-8 bytes of live values. */
  stats(): StoreStats & { path: string; inMemory: boolean; driver: SqliteDriverName | undefined } {
    if (this.mem) return { ...this.mem.stats(), path: this.path, inMemory: true, driver: undefined };
    return this.guard(() => {
      const r = this.stmt("SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM ccr_entries WHERE expires_at IS NULL OR expires_at > ?").get(this.now()) as { n: number; b: number };
      return { entries: r.n, bytes: r.b, evictions: 0, expirations: 0, path: this.path, inMemory: this.inMemory, driver: this.driver };
    });
  }

  /** Closes the database. Later calls throw. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpoints?.stop();
    if (!this.mem) this.db.close();
  }

  /**
   * Runs `fn` in a transaction that takes the write lock up front (`BEGIN IMMEDIATE`), so the busy timeout
   * applies instead of a snapshot error. Written with plain SQL so every driver behaves the same.
   */
  private immediate<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const r = fn();
      this.db.exec("COMMIT");
      return r;
    } catch (e) {
      try {
        this.db.exec("ROLLBACK");
      } catch (rollbackError) {
        // SQLite already rolled back (some errors end the transaction themselves): report the first error.
        void rollbackError;
      }
      throw e;
    }
  }

  /** Prepared statements are cached per connection (recovery opens a new one and clears the cache). */
  private stmt(sql: string): SqliteStatement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private expireKey(key: string, now: number): void {
    this.immediate(() => {
      const gone = this.stmt("DELETE FROM ccr_entries WHERE key = ? AND expires_at IS NOT NULL AND expires_at <= ?").run(key, now).changes;
      if (gone) this.stmt("INSERT OR REPLACE INTO ccr_expired (key, expired_at) VALUES (?, ?)").run(key, now);
    });
  }

  private openFile(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Create it ourselves (mode 0600; SQLite gives the -wal and -shm files the same mode). An existing
    // file keeps its mode: it is not ours to change.
    if (!existsSync(this.path)) {
      try {
        closeSync(openSync(this.path, "wx", 0o600));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e; // another process just created it
      }
    }
    this.ino = statSync(this.path).ino;
    const db = this.sqlite!.open(this.path);
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
      // Before anything writes (WAL mode, our tables): a database with tables and none of ours is another
      // program's, never to be changed.
      const t = db.prepare("SELECT count(*) AS n, coalesce(sum(name = 'ccr_entries'), 0) AS ours FROM sqlite_master WHERE type = 'table'").get() as { n: number; ours: number };
      if (Number(t.n) > 0 && Number(t.ours) === 0) throw new Error("is another program's SQLite database (it has tables, none of them Headroom's): refusing to touch it");
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec(SCHEMA);
      this.ours = true;
      // Touch both tables so a file with a valid header but damaged pages fails here, not later.
      db.prepare("SELECT count(*) FROM ccr_entries").get();
      db.prepare("SELECT count(*) FROM ccr_expired").get();
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
    this.statements = new Map();
    this.purgeExpired();
    if (this.wantsBackgroundCheckpoints) this.checkpoints = new BackgroundCheckpoints(db, { path: this.path, driver: this.driver!, busyTimeoutMs: this.busyTimeoutMs });
  }

  /** Runs an operation; if the file turns out corrupt, recovers to a fresh store and retries once. */
  private guard<T>(fn: () => T): T {
    if (this.closed) throw new Error(`SqliteStore ${this.path} is closed`);
    try {
      return fn();
    } catch (e) {
      if (!isBadFile(e) || this.inMemory) throw e;
      this.recover(e);
      return fn();
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    try {
      this.onWarning(message);
    } catch {
      // A failing warning sink must not turn a recovered store into a crash.
    }
  }

  private recover(cause: unknown): void {
    this.checkpoints?.stop();
    this.checkpoints = undefined;
    try {
      this.db?.close();
    } catch {
      // Already unusable.
    }
    let current: ReturnType<typeof statSync> | undefined;
    try {
      current = statSync(this.path);
    } catch {
      current = undefined;
    }
    // Only our own damaged store is moved aside, and only if it is still the file we opened: another
    // process may already have replaced it with a fresh store, which must not be thrown away.
    if (!isCorrupt(cause) || !this.ours || !current?.isFile()) {
      this.fallBackToMemory(cause);
      return;
    }
    if (current.ino === this.ino) {
      const aside = `${this.path}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
      try {
        renameSync(this.path, aside);
        for (const sfx of ["-wal", "-shm"]) if (existsSync(this.path + sfx)) renameSync(this.path + sfx, aside + sfx);
        this.warn(`CCR store ${this.path} is corrupt (${errText(cause)}); moved it to ${aside} and started a fresh store. Originals stored before are no longer retrievable.`);
      } catch (e) {
        this.fallBackToMemory(cause, e);
        return;
      }
    } else {
      this.warn(`CCR store ${this.path} was replaced by another process after an error (${errText(cause)}); reopening it.`);
    }
    try {
      this.openFile();
    } catch (e) {
      this.fallBackToMemory(cause, e);
    }
  }

  private fallBackToMemory(cause: unknown, second?: unknown): void {
    this.db = this.sqlite!.open(":memory:");
    this.statements = new Map();
    this.db.exec(SCHEMA);
    this.inMemory = true;
    this.warn(`CCR store ${this.path} is unusable (${errText(cause)}${second === undefined ? "" : `; ${errText(second)}`}): left untouched; using a temporary in-memory store for this process: originals will not outlive it.`);
  }
}
