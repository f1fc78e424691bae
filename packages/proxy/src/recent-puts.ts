import type { Store, StorePutOptions } from "@headroom/core";
import { isPersistentStore } from "@headroom/ccr";

/**
 * Within this window a second put of the same original into a persistent store is skipped: its TTL
 * (7 days by default) restarts at most this much late. A short TTL narrows it to a tenth of the TTL.
 */
export const REPUT_WINDOW_MS = 60_000;
/** Keys remembered at most (oldest forgotten first). */
const MAX_KEYS = 20_000;

/**
 * Clients resend the whole conversation every turn, so every request puts the originals of every
 * earlier tool output again (the unit cache serves their compression, not their storage). A CCR key is
 * the SHA-256 of its original (the pipeline checks it), so a key put moments ago holds this very value:
 * writing it again to a file or SQLite store only costs the event loop (~0.5 ms per 50 KB). Only
 * persistent stores are spared, and only while the last write is young against the TTL: a memory store
 * may evict an entry at any time (and its put is cheap), and an entry must not expire under a marker.
 */
export class RecentPuts {
  private readonly last = new Map<string, { at: number; options: string }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** `store.put`, unless this key went into this store with the same options within the window. */
  async put(store: Store, key: string, value: string, options: StorePutOptions = {}): Promise<void> {
    const window = isPersistentStore(store) ? windowFor(options.ttlSeconds ?? (store as { defaultTtlSeconds?: unknown }).defaultTtlSeconds) : 0;
    if (window === 0) return store.put(key, value, options);
    const opts = JSON.stringify([options.ttlSeconds ?? null, options.meta ?? null]);
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && seen.options === opts && t - seen.at < window) return;
    await store.put(key, value, options);
    this.last.delete(key);
    this.last.set(key, { at: t, options: opts });
    if (this.last.size > MAX_KEYS) this.last.delete(this.last.keys().next().value!);
  }
}

/**
 * How long a put stands for the next ones (ms): a tenth of the TTL, at most `REPUT_WINDOW_MS`; the whole
 * window when entries never expire; none when the TTL is not known (a store of another kind).
 */
function windowFor(ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== "number" || Number.isNaN(ttlSeconds) || ttlSeconds < 0) return 0;
  if (ttlSeconds === 0 || !Number.isFinite(ttlSeconds)) return REPUT_WINDOW_MS;
  return Math.min(REPUT_WINDOW_MS, ttlSeconds * 100);
}

/** A store whose puts go through `recent`; everything else goes straight to `store`. */
export function withRecentPuts(store: Store, recent: RecentPuts): Store {
  const wrapped: Store = {
    get: (key) => store.get(key),
    put: (key, value, options) => recent.put(store, key, value, options),
    has: (key) => store.has(key),
    delete: (key) => store.delete(key),
  };
  if (store.status) wrapped.status = (key) => store.status!(key);
  return wrapped;
}
