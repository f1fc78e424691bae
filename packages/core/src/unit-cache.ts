/**
 * Units' token counts and compression outcomes, remembered across `compress()` calls.
 *
 * Why: a chat client sends the whole conversation on every turn, so a proxy compresses every earlier
 * tool output again on each request, to the same bytes (prefix stability). With a cache only the new
 * units cost a compression; the rest cost a lookup (a sketch of the text, then a compare of the whole
 * text) and the re-put of their originals (so a marker always points at a stored original, and its TTL
 * starts again as it did before).
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
  text: string;
  values: Map<string, number | CachedOutcome>;
  bytes: number;
}

/**
 * Texts of one sketch held at most (near-identical texts of one length, such as one command's output
 * run again): the oldest goes first. A lookup compares each up to its first differing character.
 */
const BUCKET = 16;
/** Characters a sketch samples across the text, besides its length, head and tail. */
const SAMPLES = 64;
const EDGE = 32;

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
  // Keyed by a sketch of the text (its length and a sample of its characters), each key holding the
  // few texts that share it; a hit compares the whole text, natively. Hashing every character in
  // script cost a third of a hit, and a Map keyed by the text itself is worse: the engine gives long
  // strings of one length the same hash, so those lookups walk every such text.
  private readonly buckets = new Map<string, Entry[]>();
  private size = 0;
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
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, entries: this.size, bytes: this.used };
  }

  /** Forgets every entry and resets the counters. */
  clear(): void {
    this.buckets.clear();
    this.size = 0;
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

  /** The entry of `text` and its sketch; the bucket moves to the most recently used end. */
  private find(text: string): { entry: Entry | undefined; sketch: string; bucket: Entry[] | undefined } {
    const sketch = sketchOf(text);
    const bucket = this.buckets.get(sketch);
    if (!bucket) return { entry: undefined, sketch, bucket };
    // Map keeps insertion order: eviction takes the first buckets.
    this.buckets.delete(sketch);
    this.buckets.set(sketch, bucket);
    return { entry: bucket.find((e) => e.text === text), sketch, bucket };
  }

  private lookup(text: string, key: string): number | CachedOutcome | undefined {
    const v = this.find(text).entry?.values.get(key);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  private store(text: string, key: string, value: number | CachedOutcome, extraChars: number): void {
    const add = 2 * (key.length + extraChars) + VALUE_OVERHEAD;
    const found = this.find(text);
    let e = found.entry;
    // Known already: a value is the same whenever it is worked out.
    if (e?.values.has(key)) return;
    if ((e ? e.bytes : 2 * text.length + ENTRY_OVERHEAD) + add > this.maxBytes) return;
    if (!e) {
      e = { text, values: new Map(), bytes: 2 * text.length + ENTRY_OVERHEAD };
      const bucket = found.bucket ?? [];
      if (!found.bucket) this.buckets.set(found.sketch, bucket);
      bucket.push(e);
      this.size++;
      this.used += e.bytes;
      if (bucket.length > BUCKET) this.drop(bucket, found.sketch);
    }
    e.values.set(key, value);
    e.bytes += add;
    this.used += add;
    // Least recently used buckets first, oldest text first within one; `e` alone fits (checked above).
    while (this.used > this.maxBytes) {
      const [sketch, bucket] = this.buckets.entries().next().value!;
      this.drop(bucket, sketch);
    }
  }

  /** Forgets the oldest entry of a bucket (and the bucket once empty). */
  private drop(bucket: Entry[], sketch: string): void {
    const old = bucket.shift()!;
    if (!bucket.length) this.buckets.delete(sketch);
    this.size--;
    this.used -= old.bytes;
    this.evictions++;
  }
}

/** The text's length, head, tail and characters sampled evenly across it: a cheap key for a text. */
function sketchOf(text: string): string {
  const n = text.length;
  let out = `${n.toString(36)}:${text.slice(0, EDGE)}${text.slice(-EDGE)}`;
  const step = n / SAMPLES;
  for (let k = 0; k < SAMPLES; k++) out += text[Math.floor(k * step)];
  return out;
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
