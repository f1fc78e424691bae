import { createPipeline, createUnitCache, type CompressError, type CompressOptions, type CompressResult, type MessageFormat, type Pipeline, type Store, type UnitCache } from "@headroom/core";
import { MemoryStore } from "./memory-store.js";
import type { RetrieveCallResult } from "./calls.js";

/**
 * The option handling every in-process SDK adapter (@headroom/openai, anthropic, ai-sdk, langchain)
 * shares: resolving store and pipeline, fail-open compression with a time budget, and the callbacks.
 */

/**
 * Options of an SDK adapter: the pipeline's own (`store`, `compressors`, `hooks`, `model`, `detect`,
 * `tokenizer`, `minTokens`…) plus the retrieval loop's and the reporting callbacks.
 */
export interface AdapterOptions extends CompressOptions {
  /** A ready pipeline, such as `createRouter(...)` from `@headroom/router`; else one is made from these options. */
  pipeline?: Pick<Pipeline, "compress">;
  /** Most `headroom_retrieve` rounds answered in-process per call. Default 3. */
  maxRounds?: number;
  /** Compression that takes longer is abandoned and the request sent as it was (fail open). Default 5000 ms. */
  timeoutMs?: number;
  /** After each request was compressed: the savings (`tokensBefore`, `tokensAfter`, `ccrHashes`…). */
  onCompress?(result: CompressResult): void;
  /** For each retrieve call answered from the store. */
  onRetrieve?(call: RetrieveCallResult): void;
  /** For each error the adapter recovered from (the request went out uncompressed, or a unit unchanged). Default: `console.warn`. */
  onError?(error: AdapterError): void;
}

/** A recovered failure: a unit the pipeline left unchanged, or a whole compression step that threw. */
export interface AdapterError {
  stage: CompressError["stage"] | "pipeline";
  message: string;
  unitId?: string;
  compressor?: string;
}

/** The resolved options: a store, a pipeline and a unit cache always exist. */
export interface ResolvedAdapter {
  store: Store;
  /**
   * `options.cache`, else one of its own (64 MB): an app sends the whole conversation on every call, and
   * earlier tool outputs then cost a lookup instead of a compression (`createUnitCache({ maxBytes: 0 })`
   * turns it off).
   */
  cache: UnitCache;
  pipeline: Pick<Pipeline, "compress">;
  maxRounds: number;
  timeoutMs: number;
  options: AdapterOptions;
}

export function resolveAdapterOptions(options: AdapterOptions = {}): ResolvedAdapter {
  const store = options.store ?? new MemoryStore();
  const { pipeline, maxRounds, timeoutMs, onCompress: _c, onRetrieve: _r, onError: _e, cache, ...rest } = options;
  return { store, cache: cache ?? createUnitCache(), pipeline: pipeline ?? createPipeline({ ...rest, store }), maxRounds: maxRounds ?? 3, timeoutMs: timeoutMs ?? 5000, options };
}

const report = (r: ResolvedAdapter, e: AdapterError) => (r.options.onError ? r.options.onError(e) : console.warn(`headroom: ${e.message}`));

/**
 * Compresses a messages array; never throws. A failing pipeline (or callback) leaves the messages as
 * they were (fail open) and reports why; per-unit errors inside a result are reported too.
 */
export async function compressAdapterMessages<M extends unknown[]>(r: ResolvedAdapter, messages: M, format: MessageFormat, model: string | undefined): Promise<M> {
  let result: CompressResult<M>;
  try {
    const opts: CompressOptions = { format, store: r.store, cache: r.cache };
    const m = model ?? r.options.model;
    if (m) opts.model = m;
    result = await withTimeout(r.pipeline.compress(messages, opts), r.timeoutMs);
  } catch (e) {
    report(r, { stage: "pipeline", message: `compression failed, request sent uncompressed: ${e instanceof Error ? e.message : String(e)}` });
    return messages;
  }
  for (const e of result.errors) report(r, e);
  try {
    r.options.onCompress?.(result);
  } catch (e) {
    report(r, { stage: "hook", message: `onCompress: ${e instanceof Error ? e.message : String(e)}` });
  }
  return result.messages;
}

/** Tells the app about answered retrieve calls; a throwing callback never breaks the loop. */
export function reportRetrievals(r: ResolvedAdapter, results: RetrieveCallResult[]): void {
  for (const c of results) {
    try {
      r.options.onRetrieve?.(c);
    } catch (e) {
      report(r, { stage: "hook", message: `onRetrieve: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
}

/** The late result of an abandoned compression is ignored; the request does not wait for it. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`compression exceeded its ${ms} ms budget`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
