/**
 * The text-ml compressor for Node: model resolution, the worker pool, the per-unit time budget and the
 * `@headroom/prose` fallback. The event loop only posts the unit to a worker and awaits the answer; if
 * the answer is not there within the budget, the worker is told to stop after its current batch and
 * the unit gets the extractive prose result, with the reason in its transforms and in `onEvent`.
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { createOriginals, hasMarker, marker, type CompressContextV2 as CompressContext, type CompressorV2 as Compressor, type CompressorResultV2 as CompressorResult, type CompressorDeclineV2, type UnitV2 as Unit } from "@headroom/core";
import { keepRatio } from "../budget.js";
import { DEFAULT_TIME_BUDGET_MS, type FallbackReason, type TextMlEvent, type TextMlOptions } from "../options.js";
import type { EngineOptions } from "./engine.js";
import { ProseFallback } from "./fallback.js";
import { configuredModelDir, fetchModel, resolveModel, type ModelSpec } from "./model.js";
import { TextMlPool, type PoolInfo } from "./pool.js";
import type { JobResult } from "./protocol.js";

/** Counters a running compressor keeps (for the bench and for operators). */
export interface TextMlStats {
  units: number;
  compressed: number;
  declined: number;
  errors: number;
  fallbacks: Record<FallbackReason, number>;
  /** Sums over compressed units, ms (worker side). */
  tokenizeMs: number;
  inferMs: number;
  segmentMs: number;
  chunks: number;
  /** Words the model scored, over compressed units. */
  words: number;
}

/** A text-ml compressor with its pool. */
export interface TextMlCompressor extends Compressor {
  /** Starts loading the model now (it otherwise loads on the first unit); resolves when ready. */
  ready(): Promise<PoolInfo>;
  /** Load and chunk timings the pool measured. */
  readonly info: PoolInfo | undefined;
  readonly stats: TextMlStats;
  /** The pool, once created (for `kill()` in crash drills). */
  readonly pool: TextMlPool | undefined;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Characters per model token, for the up-front cost estimate (sub-word vocabularies are finer than o200k). */
const CHARS_PER_MODEL_TOKEN = 3.2;

const emptyStats = (): TextMlStats => ({ units: 0, compressed: 0, declined: 0, errors: 0, fallbacks: { budget: 0, loading: 0, estimate: 0, busy: 0 }, tokenizeMs: 0, inferMs: 0, segmentMs: 0, chunks: 0, words: 0 });

/**
 * Creates the compressor. Throws at once when the configured model directory is broken (one error
 * naming the path and what is missing). Without any model configured it declines every unit.
 */
export function createTextMlCompressor(options: TextMlOptions = {}): TextMlCompressor {
  const budgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  if (!(budgetMs > 0)) throw new Error(`text-ml: timeBudgetMs must be a positive number of milliseconds, got ${String(options.timeBudgetMs)}`);
  const dir = configuredModelDir(options.model);
  // Validate now so that a broken directory fails loudly at startup, not per unit.
  let spec: ModelSpec | undefined = dir ? resolveModel(dir) : undefined;
  const prose = new ProseFallback(options.prose, options.inlineFallbackChars ?? 16_000, options.fallbackTimeoutMs ?? 5000);
  const stats = emptyStats();
  const emit = (e: TextMlEvent) => options.onEvent?.(e);
  const engine: EngineOptions = {
    ...(options.executionProviders ? { executionProviders: options.executionProviders as EngineOptions["executionProviders"] } : {}),
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  let pool: TextMlPool | undefined;
  let starting: Promise<TextMlPool> | undefined;
  const start = (): Promise<TextMlPool> =>
    (starting ??= (async () => {
      if (!spec && options.modelUrl) spec = resolveModel(await fetchModel(options.modelUrl, options.cacheDir ?? defaultCacheDir(options.modelUrl)));
      if (!spec) throw new Error("text-ml: no model configured");
      pool = new TextMlPool(spec, { size: options.poolSize ?? 1, engine });
      return pool;
    })());
  const configured = !!spec || !!options.modelUrl;

  // A decline is the normal answer (no model, too small, already compressed), not a problem: it carries
  // its reason to `units[i].reason` and stays out of `errors`.
  const decline = (unit: Unit, reason: string): CompressorDeclineV2 => {
    stats.declined++;
    emit({ type: "decline", unitId: unit.id, reason });
    return { decline: reason };
  };

  const fallback = async (unit: Unit, ctx: CompressContext, reason: FallbackReason, detail: string, t0: number): Promise<CompressorResult | null> => {
    stats.fallbacks[reason]++;
    emit({ type: "fallback", unitId: unit.id, reason, detail, elapsedMs: performance.now() - t0 });
    report(ctx, `text-ml fell back to prose: ${detail}`);
    const r = await prose.run(unit, ctx);
    return r ? { ...r, transforms: [`text-ml:fallback:${reason}`, ...(r.transforms ?? ["prose"])] } : null;
  };

  async function compress(unit: Unit, ctx: CompressContext): Promise<CompressorResult | CompressorDeclineV2 | null> {
    const t0 = performance.now();
    stats.units++;
    if (!configured) return decline(unit, "no model configured (set the model option or HEADROOM_TEXT_ML_MODEL)");
    if (hasMarker(unit.text)) return decline(unit, "already compressed (marker present)");
    if (!ctx.allowLossy) return decline(unit, "lossy output needs a CCR store");
    const inputTokens = ctx.inputTokens;
    const ratio = keepRatio(inputTokens, ctx.aggressiveness);
    if (ratio >= 0.999) return decline(unit, `${inputTokens} tokens: the budget keeps every word`);
    const p = await start();
    const left = () => budgetMs - (performance.now() - t0);
    if (!p.isReady) {
      const ok = await within(p.ready().then(() => true), left());
      if (!ok) return fallback(unit, ctx, "loading", `model still loading after ${budgetMs} ms`, t0);
    }
    const info = p.info;
    const capacity = Math.max(1, (spec?.maxLength ?? 512) - 2);
    const chunks = Math.ceil(unit.text.length / CHARS_PER_MODEL_TOKEN / capacity);
    const estimate = chunks * (info.chunkMs ?? 0);
    if (estimate > left()) return fallback(unit, ctx, "estimate", `estimated ${Math.round(estimate)} ms of inference (${chunks} chunks) exceeds the ${budgetMs} ms budget`, t0);
    const cancel = new SharedArrayBuffer(4);
    const job = p.run({ text: unit.text, ...(unit.query ? { query: unit.query } : {}), ratio, cancel });
    let result: JobResult | undefined | "timeout";
    try {
      result = await within(job, left(), "timeout" as const);
    } catch (e) {
      stats.errors++;
      emit({ type: "error", unitId: unit.id, message: e instanceof Error ? e.message : String(e) });
      throw e; // the pipeline reports it and leaves the unit to the next compressor (fail open)
    }
    if (result === "timeout" || result === undefined) {
      Atomics.store(new Int32Array(cancel), 0, 1);
      job.catch(() => undefined); // a crash after we gave up is the pool's business, not this unit's
      return fallback(unit, ctx, "budget", `no model result within ${budgetMs} ms`, t0);
    }
    return finish(unit, result, t0);
  }

  const finish = (unit: Unit, r: JobResult, t0: number): CompressorResult | null => {
    stats.compressed++;
    stats.tokenizeMs += r.timings.tokenizeMs;
    stats.inferMs += r.timings.inferMs;
    stats.segmentMs += r.timings.segmentMs;
    stats.chunks += r.timings.chunks;
    stats.words += r.totalWords;
    emit({ type: "compressed", unitId: unit.id, keptWords: r.keptWords, totalWords: r.totalWords, elapsedMs: performance.now() - t0, timings: { ...r.timings } });
    if (r.keptWords >= r.totalWords) return null;
    const originals = createOriginals();
    const key = originals.stash(unit.text, { kind: "text", compressor: "text-ml", words: r.totalWords, kept: r.keptWords });
    const trailing = r.body.endsWith("\n") ? "" : "\n";
    const text = `${r.body}${trailing}\n${marker(`text-ml: ${r.keptWords} of ${r.totalWords} words kept, the rest dropped`, key)}`;
    if (text.length >= unit.text.length) return null;
    return { text, lossless: false, originals: originals.list(), transforms: ["text-ml:tokens"] };
  };

  return {
    specificationVersion: "v2",
    name: "text-ml",
    kinds: ["prose", "text"],
    priority: options.priority ?? 10,
    compress,
    ready: () => start().then((p) => p.ready()),
    get info() {
      return pool?.info;
    },
    stats,
    get pool() {
      return pool;
    },
    close: async () => {
      await prose.close();
      if (starting) await (await starting.catch(() => undefined))?.close();
    },
  };
}

/** Resolves with `p`'s value, or with `onTimeout` (default `false`) after `ms`. The timer never outlives the race. */
function within<T, U = false>(p: Promise<T>, ms: number, onTimeout: U = false as U): Promise<T | U> {
  if (ms <= 0) return Promise.resolve(onTimeout);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<U>((resolve) => (timer = setTimeout(() => resolve(onTimeout), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Passes a message to `ctx.report` (a direct caller's hand-made context may lack it). */
function report(ctx: CompressContext, message: string): void {
  if (typeof ctx.report === "function") ctx.report(message);
}

function defaultCacheDir(url: string): string {
  return join(homedir(), ".cache", "headroom", "text-ml", createHash("sha256").update(url).digest("hex").slice(0, 16));
}
