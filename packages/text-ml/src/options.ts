/** Options and events of the text-ml compressor (shared by the edge-safe root and `./node`). */
import type { ProseOptions } from "@headroom/prose";

/** Why text-ml did not use the model for a unit. */
export type FallbackReason = "budget" | "loading" | "estimate" | "busy";

/** Something text-ml did with a unit, for logs, metrics and the bench. */
export type TextMlEvent =
  | { type: "decline"; unitId: string; reason: string }
  | { type: "fallback"; unitId: string; reason: FallbackReason; detail: string; elapsedMs: number }
  | { type: "compressed"; unitId: string; keptWords: number; totalWords: number; elapsedMs: number; timings: Record<string, number> }
  | { type: "error"; unitId: string; message: string };

/** Options of `headroomPlugin()` / `createTextMlCompressor()`. */
export interface TextMlOptions {
  /** Model directory (`model.onnx`, `tokenizer.json`, `config.json`). Default `$HEADROOM_TEXT_ML_MODEL`. */
  model?: string;
  /** Opt-in download: a directory URL the model files are fetched from once, into `cacheDir`. */
  modelUrl?: string;
  /** Where `modelUrl` downloads go. Default `~/.cache/headroom/text-ml/<hash of the URL>`. */
  cacheDir?: string;
  /**
   * Wall-time budget per unit, ms, from the call to the result (queueing and loading included). Past
   * it the unit gets the extractive `@headroom/prose` result instead. Default 200.
   */
  timeBudgetMs?: number;
  /** Worker threads, each with its own session. Default 1. */
  poolSize?: number;
  /** onnxruntime execution providers, passed through (`["cuda", "cpu"]`, `["coreml", "cpu"]`). Default `["cpu"]`. */
  executionProviders?: unknown[];
  /** Threads per inference. Default 1. */
  intraOpNumThreads?: number;
  /** Chunks per inference call. Default 8. */
  batchSize?: number;
  /** Options of the `@headroom/prose` fallback. */
  prose?: ProseOptions;
  /**
   * Units longer than this (characters) get their prose fallback computed in a worker, so that the
   * event loop never runs prose on a large text. Default 16,000.
   */
  inlineFallbackChars?: number;
  /**
   * A worker-side prose fallback still running after this many ms is abandoned (its worker ended) and
   * the unit is left to the next compressor, with the error reported. Default 5000.
   */
  fallbackTimeoutMs?: number;
  /** Priority among compressors for `prose`/`text` (higher runs first). Default 10, above `@headroom/prose`. */
  priority?: number;
  /** Called for every unit text-ml handles (declines, fallbacks, results, errors). */
  onEvent?: (event: TextMlEvent) => void;
}

/** Default per-unit time budget, ms. */
export const DEFAULT_TIME_BUDGET_MS = 200;
