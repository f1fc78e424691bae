/**
 * Units' token counts and compression outcomes, remembered across `compress()` calls.
 *
 * Why: a chat client sends the whole conversation on every turn, so a proxy compresses every earlier
 * tool output again on each request, to the same bytes (prefix stability). With a cache only the new
 * units cost a compression; the rest cost a map lookup by their text and the re-put of their originals
 * (so a marker always points at a stored original, and its TTL starts again as it did before).
 *
 * An outcome is reused only for the same unit text in the same context: tokenizer, plugins (by object
 * identity), settings after `beforePipeline` hooks, the unit's place, role, source and query, and its
 * aggressiveness after `beforeUnit` hooks. Hooks still run on every call. Outcomes that involved an
 * error, a cut-off or a cancellation are never kept. Entries are evicted least recently used first,
 * within a budget of bytes.
 */
import type { CompressorResultV2, UnitV2 } from "./spec/v2/index.js";

/** Options of `createUnitCache`. */
export interface UnitCacheOptions {
  /** Memory for remembered texts and outcomes, in bytes (UTF-16: two per character). Default 64 MB. */
  maxBytes?: number;
}

/** How the cache has been used since it was made (or cleared). */
export interface UnitCacheStats {
  /** Outcomes and counts served from the cache. */
  hits: number;
  /** Lookups that found nothing usable. */
  misses: number;
  /** Entries dropped to stay within `maxBytes`. */
  evictions: number;
  entries: number;
  bytes: number;
}

/** A remembered outcome: an accepted result with its output tokens, or the reason none was taken. */
export type CachedOutcome = { kind?: string; language?: string } & (
  | { result: CompressorResultV2; compressor: string; tokensAfter: number }
  | { result: null; reason: string }
);

/** What is remembered of one text: its counts by tokenizer and its outcomes by context. */
interface Entry {
  values: Map<string, number | CachedOutcome>;
  bytes: number;
}

/** Texts shorter than this are neither remembered nor looked up: counting them is cheaper. */
const MIN_TEXT = 256;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A bounded, least-recently-used memory of unit counts and outcomes, to pass as `compress({ cache })`.
 * One cache may serve many calls and pipelines (plugins are told apart by identity); it holds no timers.
 */
export class UnitCache {
  /** The memory budget, in bytes. */
  readonly maxBytes: number;
  // Keyed by the text itself: the engine hashes and compares strings natively, far faster than a
  // hash written here (and a text is never mistaken for another).
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private used = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: UnitCacheOptions = {}) {
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(max >= 0)) throw new RangeError("UnitCache: maxBytes must be a number ≥ 0");
    this.maxBytes = max;
  }

  /** Counters and size (`entries`: texts remembered, each with its counts and outcomes). */
  stats(): UnitCacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, entries: this.entries.size, bytes: this.used };
  }

  /** Forgets every entry and resets the counters. */
  clear(): void {
    this.entries.clear();
    this.used = 0;
    this.hits = this.misses = this.evictions = 0;
  }

  /** @internal A small number naming an object (a plugin set, a detector, a tokenizer) for keys. */
  idOf(o: object | undefined): number {
    if (o === undefined) return 0;
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** @internal Whether `text` is long enough to be remembered (and the cache has room at all). */
  remembers(text: string): boolean {
    return text.length >= MIN_TEXT && this.maxBytes > 0;
  }

  /** @internal The remembered token count of `text` under tokenizer `scope`. */
  tokens(scope: string, text: string): number | undefined {
    const v = this.lookup(text, `t${scope}`);
    return typeof v === "number" ? v : undefined;
  }

  /** @internal Remembers a token count. */
  setTokens(scope: string, text: string, tokens: number): void {
    this.store(text, `t${scope}`, tokens, 0);
  }

  /** @internal The remembered outcome for `text` in context `context`. */
  outcome(context: string, text: string): CachedOutcome | undefined {
    const v = this.lookup(text, `o${context}`);
    return typeof v === "object" ? v : undefined;
  }

  /** @internal Remembers an outcome. */
  setOutcome(context: string, text: string, outcome: CachedOutcome): void {
    let extra = 0;
    if (outcome.result) {
      extra += outcome.result.text.length;
      // Originals are often the unit text itself (one string, already counted).
      for (const o of outcome.result.originals ?? []) if (o.content !== text) extra += o.content.length;
    } else extra += outcome.reason.length;
    this.store(text, `o${context}`, outcome, extra);
  }

  private lookup(text: string, key: string): number | CachedOutcome | undefined {
    const e = this.entries.get(text);
    const v = e?.values.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    // Most recently used last: Map keeps insertion order, so eviction takes the first entries.
    this.entries.delete(text);
    this.entries.set(text, e!);
    this.hits++;
    return v;
  }

  private store(text: string, key: string, value: number | CachedOutcome, extraChars: number): void {
    const add = 2 * (key.length + extraChars) + VALUE_OVERHEAD;
    let e = this.entries.get(text);
    // Known already: a value is the same whenever it is worked out.
    if (e?.values.has(key)) return;
    if ((e ? e.bytes : 2 * text.length + ENTRY_OVERHEAD) + add > this.maxBytes) return;
    if (e) this.entries.delete(text);
    else {
      e = { values: new Map(), bytes: 2 * text.length + ENTRY_OVERHEAD };
      this.used += e.bytes;
    }
    e.values.set(key, value);
    e.bytes += add;
    this.used += add;
    this.entries.set(text, e);
    for (const [t, old] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(t);
      this.used -= old.bytes;
      this.evictions++;
    }
  }
}

/** Bytes charged per text beyond its characters (the entry, its map), and per remembered value. */
const ENTRY_OVERHEAD = 160;
const VALUE_OVERHEAD = 64;

/** Creates a `UnitCache` (see there). */
export function createUnitCache(options?: UnitCacheOptions): UnitCache {
  return new UnitCache(options);
}

/**
 * The unit's part of an outcome's context: everything of the unit a compressor sees besides its text.
 * (The call's part, with plugins and the tokenizer named by identity, is built by the pipeline.)
 */
export function outcomeContext(unit: UnitV2, aggressiveness: number): string {
  return JSON.stringify([unit.id, unit.messageIndex, unit.role, unit.source, unit.query ?? null, aggressiveness]);
}
