// The worker thread of the compression pool: builds its own pipeline from a module, compresses what
// the main thread sends, and hands back the new body and the originals to store.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Pipeline, Store, StoreKeyStatus, StorePutOptions } from "@headroom/core";
import { warmUp } from "@headroom/router";
import { compressRequest } from "./compress-step.js";
import { messagesOptions } from "./engine.js";
import { unitCacheFor } from "./options.js";
import type { StoredOriginal, WorkerInit, WorkerReply, WorkerTask } from "./worker-protocol.js";

const init = workerData as WorkerInit;
// One per worker: a conversation's earlier units are found in any worker that compressed it before.
const cache = unitCacheFor(init.unitCacheMB ?? 0);
const port = parentPort!;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The pipeline only ever `put`s. Originals are collected per job and written to the real store by the
 * main thread before the request goes upstream, so a marker never points at nothing.
 */
class CollectingStore implements Store {
  puts: StoredOriginal[] = [];
  private readonly map = new Map<string, string>();
  async put(key: string, value: string, options: StorePutOptions = {}): Promise<void> {
    this.map.set(key, value);
    this.puts.push([key, value, options]);
  }
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async has(key: string): Promise<boolean> {
    return this.map.has(key);
  }
  async delete(key: string): Promise<boolean> {
    return this.map.delete(key);
  }
  async status(key: string): Promise<StoreKeyStatus> {
    return this.map.has(key) ? "present" : "unknown";
  }
}

const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

type Job = Exclude<WorkerTask, { kind: "cancel" }>;

async function run(pipeline: Pipeline, t: Job): Promise<void> {
  const store = new CollectingStore();
  const settings = { ...(init.minTokens !== undefined ? { minTokens: init.minTokens } : {}), ...(init.excludeTools ? { excludeTools: init.excludeTools } : {}), ...(cache ? { cache } : {}) };
  try {
    if (t.kind === "messages") {
      const result = await pipeline.compress(t.task.messages, messagesOptions(t.task, store, settings));
      return post({ id: t.id, ok: true, result, puts: store.puts });
    }
    const text = decoder.decode(t.body);
    const outcome = await compressRequest(t.route, text, undefined, { pipeline, store, ...settings });
    const { text: out, ...rest } = outcome;
    const body = out !== undefined ? encoder.encode(out) : undefined;
    post({ id: t.id, ok: true, outcome: rest, ...(body ? { body } : {}), puts: store.puts }, body ? [body.buffer as ArrayBuffer] : []);
  } catch (e) {
    post({ id: t.id, ok: false, error: e instanceof Error ? e.message : String(e), puts: store.puts });
  }
}

/**
 * Runs jobs one at a time, in the order they came (the pool sends the next while one runs, and expects
 * answers in order); a job cancelled before its turn is answered at once, unrun.
 */
function serveInOrder(pipeline: Pipeline): (t: WorkerTask) => void {
  const waiting: Job[] = [];
  const cancelled = new Set<number>();
  let running = false;
  const drain = async () => {
    // A turn of the event loop before each job: the port delivers every message it holds, so a cancel
    // sent while the last job ran (a synchronous compressor lets no message in) is seen before the job
    // it cancels starts.
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const t = waiting.shift();
      if (!t) break;
      if (cancelled.delete(t.id)) post({ id: t.id, ok: false, error: "cancelled", puts: [] });
      else await run(pipeline, t);
    }
    running = false;
  };
  return (t) => {
    if (t.kind === "cancel") {
      if (waiting.some((w) => w.id === t.id)) cancelled.add(t.id);
      return;
    }
    waiting.push(t);
    if (!running) {
      running = true;
      void drain();
    }
  };
}

/**
 * Lowers this thread's scheduling priority (Linux: `/proc/thread-self` names the thread, and
 * `setpriority` on a thread id affects that thread alone). With as many workers as cores, compression
 * would otherwise compete with the main thread for every core, and bypassed requests, `/health` and
 * streams would queue behind it in the kernel; niced workers yield to the main thread and still use
 * every idle cycle. Returns why it could not (other systems, no permission), or `undefined`.
 */
function lowerPriority(nice: number): string | undefined {
  if (!nice || process.platform !== "linux") return undefined;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return "no thread id";
    setPriority(tid, nice);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Builds the pipeline, then serves jobs (a function: the CJS build has no top-level await). */
async function main(): Promise<void> {
  const niceProblem = lowerPriority(init.nice ?? 0);
  try {
    const mod = (await import(init.url)) as Record<string, unknown>;
    const make = mod[init.exportName];
    if (typeof make !== "function") throw new Error(`${init.url} has no function export "${init.exportName}"`);
    const pipeline = (await (make as (o: unknown) => Pipeline | Promise<Pipeline>)(init.options)) as Pipeline;
    post({ id: -1, ready: true, compressors: pipeline.compressors.map((c) => c.name) });
    // Warm before taking jobs (the pool sends none until `warm`): the first request pays no cold start.
    const w = init.warmUpMs ? await warmUp(pipeline, { budgetMs: init.warmUpMs }) : { ms: 0, errors: [] };
    const serve = serveInOrder(pipeline);
    port.on("message", serve);
    post({ id: -1, warm: true, ms: w.ms, errors: niceProblem ? [`could not lower the worker's priority: ${niceProblem}`, ...w.errors] : w.errors });
  } catch (e) {
    post({ id: -1, ready: false, error: e instanceof Error ? e.message : String(e) });
  }
}

void main();
