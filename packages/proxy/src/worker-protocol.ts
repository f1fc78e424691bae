import type { StorePutOptions } from "@headroom/core";
import type { CompressOutcome, RouteName } from "./compress-step.js";
import type { MessagesTask } from "./engine.js";

/** What a worker is started with (`workerData`). */
export interface WorkerInit {
  /** Module that builds the pipeline, and its export (called with `options`). */
  url: string;
  exportName: string;
  options: unknown;
  minTokens?: number;
  excludeTools?: string[];
  /** Warm-up budget in ms before the worker takes jobs (`0`: none). */
  warmUpMs?: number;
  /** Niceness of the worker thread (Linux; `0` leaves it as it is). */
  nice?: number;
  /** MiB of the worker's unit cache (`0` or unset: none). */
  unitCacheMB?: number;
}

/**
 * One job: a model request (body bytes moved in) or a `/v1/compress` call; or `cancel`, for a job sent
 * earlier that is still waiting in the worker's queue (its caller already had its fail-open answer).
 */
export type WorkerTask =
  | { id: number; kind: "request"; route: RouteName; body: Uint8Array }
  | { id: number; kind: "messages"; task: MessagesTask }
  | { id: number; kind: "cancel" };

/** An original the pipeline stored inside the worker: the main thread puts it into the real store. */
export type StoredOriginal = [key: string, value: string, options: StorePutOptions];

/** A job's answer. `text` of a request outcome comes back as bytes (moved, not copied). */
export type WorkerReply =
  | { id: number; ok: true; outcome?: Omit<CompressOutcome, "text">; body?: Uint8Array; result?: unknown; puts: StoredOriginal[] }
  | { id: number; ok: false; error: string; puts: StoredOriginal[] }
  | { id: -1; ready: true; compressors: string[] }
  | { id: -1; ready: false; error: string }
  | { id: -1; warm: true; ms: number; errors: string[] };
