import type { Store, StoreKeyStatus, StorePutOptions } from "@headroom/core";

/** Options of `MemoryStore`. */
export interface MemoryStoreOptions {
  /** Upper bound on the UTF-8 bytes of all values held. Default 256 MiB. */
  maxBytes?: number;
  /** Upper bound on the number of entries. Default 10 000. */
  maxEntries?: number;
  /** TTL for a `put` without `ttlSeconds`. Default 24 hours. `0` or `Infinity` means no expiry. */
  defaultTtlSeconds?: number;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
}

/** Counters a store reports about itself. */
export interface StoreStats {
  entries: number;
  bytes: number;
  maxBytes?: number;
  maxEntries?: number;
  /** Entries dropped to respect the bounds since the store was created. */
  evictions: number;
  /** Entries found expired (and dropped) since the store was created. */
  expirations: number;
}

interface Entry {
  value: string;
  bytes: number;
  /** Epoch ms after which the entry is gone; Infinity when it never expires. */
  expiresAt: number;
  meta?: Record<string, string | number | boolean>;
}

export const DEFAULT_MEMORY_TTL_SECONDS = 24 * 60 * 60;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 10_000;
/** How many dropped keys are remembered so a miss can say "expired" rather than "unknown". */
const TOMBSTONES = 10_000;

const encoder = new TextEncoder();
/** UTF-8 byte length without allocating a buffer for ASCII-only strings. */
export function utf8Length(s: string): number {
  // Fast path: pure ASCII strings are one byte per UTF-16 unit.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, controls included.
  if (/^[\x00-\x7f]*$/.test(s)) return s.length;
  return encoder.encode(s).length;
}

/** Expiry instant for a TTL in seconds (`0`, negative-free `Infinity` → never). */
export function expiryFor(now: number, ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds === 0) return Infinity;
  if (ttlSeconds < 0) throw new RangeError(`ttlSeconds must be >= 0, got ${ttlSeconds}`);
  return now + ttlSeconds * 1000;
}

/**
 * An in-process CCR store: a `Map` kept in least-recently-used order, bounded by total value bytes and
 * by entry count, with a TTL per entry. Expired entries are dropped lazily when touched and whenever a
 * `put` needs room. Keys dropped by TTL or by the LRU bounds are remembered (a bounded list), so
 * `status(key)` can tell the model "expired, re-run the tool" instead of "unknown".
 */
export class MemoryStore implements Store {
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly defaultTtlSeconds: number;
  /** Originals live in this process only. See `isPersistentStore`. */
  readonly persistent = false;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly dropped = new Map<string, true>();
  private totalBytes = 0;
  private evictions = 0;
  private expirations = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? DEFAULT_MEMORY_TTL_SECONDS;
    this.now = options.now ?? Date.now;
    if (!(this.maxBytes > 0)) throw new RangeError("maxBytes must be > 0");
    if (!(this.maxEntries > 0)) throw new RangeError("maxEntries must be > 0");
  }

  /** The original stored under `key`, byte-identical, or undefined when absent or expired. */
  async get(key: string): Promise<string | undefined> {
    const e = this.live(key);
    if (!e) return undefined;
    // Touch: move to the most-recently-used end.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Full entry (value, meta, expiry) without touching LRU order. */
  async entry(key: string): Promise<{ value: string; meta?: Record<string, string | number | boolean>; expiresAt?: number } | undefined> {
    const e = this.live(key);
    if (!e) return undefined;
    return { value: e.value, ...(e.meta ? { meta: e.meta } : {}), ...(Number.isFinite(e.expiresAt) ? { expiresAt: e.expiresAt } : {}) };
  }

  /**
   * Stores `value`. Putting an existing key (same content, since keys are content hashes) refreshes its
   * expiry and recency. Throws a RangeError when a single value is larger than `maxBytes`: the pipeline
   * then keeps the unit uncompressed rather than emit a marker nothing answers.
   */
  async put(key: string, value: string, options: StorePutOptions = {}): Promise<void> {
    const now = this.now();
    const old = this.entries.get(key);
    // A re-put (clients resend every earlier original each turn) compares the strings instead of
    // measuring the value again: far cheaper than encoding it to count its UTF-8 bytes.
    const bytes = old && old.value === value ? old.bytes : utf8Length(value);
    if (bytes > this.maxBytes) throw new RangeError(`value of ${bytes} bytes exceeds the store's maxBytes (${this.maxBytes})`);
    const expiresAt = expiryFor(now, options.ttlSeconds ?? this.defaultTtlSeconds);
    if (old) {
      this.entries.delete(key);
      this.totalBytes -= old.bytes;
    }
    const e: Entry = { value, bytes, expiresAt: old ? Math.max(old.expiresAt, expiresAt) : expiresAt };
    const meta = options.meta ?? old?.meta;
    if (meta) e.meta = meta;
    this.entries.set(key, e);
    this.totalBytes += bytes;
    this.dropped.delete(key);
    this.makeRoom(now);
  }

  async has(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.totalBytes -= e.bytes;
    return true;
  }

  /** `present`, `expired` (stored once, dropped by TTL or the LRU bounds) or `unknown`. */
  async status(key: string): Promise<StoreKeyStatus> {
    if (this.live(key)) return "present";
    return this.dropped.has(key) ? "expired" : "unknown";
  }

  /** Entry and byte counts, bounds, and eviction/expiry counters. */
  stats(): StoreStats {
    this.purgeExpired(this.now());
    return {
      entries: this.entries.size,
      bytes: this.totalBytes,
      maxBytes: this.maxBytes,
      maxEntries: this.maxEntries,
      evictions: this.evictions,
      expirations: this.expirations,
    };
  }

  /** Drops every entry (the expiry memory too). */
  clear(): void {
    this.entries.clear();
    this.dropped.clear();
    this.totalBytes = 0;
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.drop(key, e);
      this.expirations++;
      return undefined;
    }
    return e;
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.totalBytes -= e.bytes;
    this.dropped.set(key, true);
    if (this.dropped.size > TOMBSTONES) this.dropped.delete(this.dropped.keys().next().value as string);
  }

  private purgeExpired(now: number): void {
    for (const [k, e] of this.entries)
      if (e.expiresAt <= now) {
        this.drop(k, e);
        this.expirations++;
      }
  }

  private makeRoom(now: number): void {
    if (this.totalBytes <= this.maxBytes && this.entries.size <= this.maxEntries) return;
    // Expired entries go first, then the least recently used.
    this.purgeExpired(now);
    for (const [k, e] of this.entries) {
      if (this.totalBytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.drop(k, e);
      this.evictions++;
    }
  }
}

/**
 * True when `store` keeps originals beyond this process: a `SqliteStore` with a working file, or any
 * store that declares `persistent: true`. A one-shot program (a CLI run) that emits markers should only
 * do so into a persistent store; otherwise nothing can redeem them after it exits.
 */
export function isPersistentStore(store: unknown): boolean {
  return typeof store === "object" && store !== null && (store as { persistent?: unknown }).persistent === true;
}
