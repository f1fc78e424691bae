/** Messages between the pool (main thread) and its workers. */
import type { EngineTimings } from "./engine.js";

/** A unit to compress. `cancel` is a one-element Int32Array buffer the caller sets to give up. */
export interface JobRequest {
  id: number;
  text: string;
  query?: string;
  /** Share of compressible words to keep (from the size-aware budget). */
  ratio: number;
  cancel: SharedArrayBuffer;
}

/** Timings of one job inside the worker. */
export interface JobTimings extends EngineTimings {
  segmentMs: number;
  totalMs: number;
}

/** What a finished job returns. */
export interface JobResult {
  body: string;
  keptWords: number;
  totalWords: number;
  timings: JobTimings;
}

export type WorkerReply =
  | { type: "ready"; loadMs: number; chunkMs: number }
  | { type: "init-error"; message: string }
  | ({ type: "done"; id: number } & JobResult)
  | { type: "cancelled"; id: number }
  | { type: "error"; id: number; message: string };
