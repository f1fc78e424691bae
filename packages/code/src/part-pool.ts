/**
 * Worker threads for the parts of a very large file (parts.ts): a pool started by the first such file,
 * whose threads load each grammar once, hold no event loop open while idle, and end after a while idle
 * (a grammar's WASM memory, grown by a megabyte parse, is only freed with its thread).
 */
import { availableParallelism } from "node:os";
import { isMainThread, Worker } from "node:worker_threads";
import type { CodeCompressOptions, Outcome } from "./compress.js";
import type { ParseSignal } from "./grammars.js";
import type { LanguageId } from "./languages.js";

/** One part to compress: its text and how (`fallbacks`: whether other grammars may read it). */
export interface PartJob {
  text: string;
  language: LanguageId;
  options: Omit<CodeCompressOptions, "signal" | "threads">;
  fallbacks: boolean;
}

/** A worker's answer: the outcome (null: nothing to gain, or unreadable), a fault, or a cancelled job. */
export type PartReply = { outcome: Outcome | null } | { failed: string } | { aborted: true };

/** To a worker: a job and the flag that cancels it (element 0 of a shared Int32Array; 1 = cancelled). */
export interface PartRequest {
  id: number;
  job: PartJob;
  cancel: Int32Array;
}
export type PartResponse = { id: number } & PartReply;

// From src (tests), the built worker: worker threads run JavaScript.
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "../dist/part-worker.js" : "./part-worker.js", import.meta.url);
const IDLE_MS = 30_000;
/** How often a running call reads its caller's signal (which checks the pipeline's deadline on each read). */
const POLL_MS = 5;

/**
 * Threads for the parts when the caller does not say: on the main thread one per core, at most 4, since
 * each thread holds a grammar and a part's trees (about 85 MB for C++ parts of 512 KB); none in a
 * worker thread.
 */
export function defaultThreads(): number {
  return isMainThread ? Math.min(MAX_DEFAULT_THREADS, availableParallelism()) : 0;
}
const MAX_DEFAULT_THREADS = 4;

interface Slot {
  worker: Worker;
  current?: { id: number; done: (r: PartReply) => void };
  idle?: ReturnType<typeof setTimeout>;
}

const slots: Slot[] = [];
const queue: { request: PartRequest; done: (r: PartReply) => void }[] = [];
let nextId = 0;
/** Why threads cannot start in this process, once one failed before answering. */
let unavailable: string | undefined;
const stats = { spawned: 0, jobs: 0 };

/** Threads started and jobs they answered since the process began (for tests). */
export function poolStats(): Readonly<typeof stats> {
  return { ...stats };
}

/**
 * Runs the jobs on up to `threads` worker threads, answers in job order. A job whose worker fails comes
 * back `failed` (the caller runs it itself); a cancelled signal cancels every job and throws its reason.
 */
export async function runInWorkers(jobs: readonly PartJob[], threads: number, signal?: ParseSignal): Promise<PartReply[]> {
  if (unavailable) return jobs.map(() => ({ failed: unavailable! }));
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const aborted = (s: ParseSignal) => {
    if (s.aborted) return true;
    try {
      s.throwIfAborted();
      return false;
    } catch {
      return true;
    }
  };
  const poll = signal
    ? setInterval(() => {
        if (aborted(signal)) Atomics.store(cancel, 0, 1);
      }, POLL_MS)
    : undefined;
  try {
    // Longest parts first: the threads then finish close together (the order does not change the bytes).
    const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.text.length - jobs[a]!.text.length || a - b);
    const replies: PartReply[] = new Array(jobs.length);
    const run = (i: number) =>
      new Promise<void>((settled) => {
        const done = (r: PartReply) => {
          replies[i] = r;
          settled();
        };
        queue.push({ request: { id: nextId++, job: jobs[i]!, cancel }, done });
        pump(threads);
      });
    await Promise.all(order.map(run));
    if (replies.some((r) => "aborted" in r)) {
      signal?.throwIfAborted();
      throw new Error("code: a part's compression was cancelled");
    }
    return replies;
  } finally {
    if (poll) clearInterval(poll);
  }
}

/** Hands queued jobs to idle threads, starting threads up to `threads`. */
function pump(threads: number): void {
  while (queue.length) {
    const slot = slots.find((s) => !s.current) ?? (slots.length < threads ? spawn() : undefined);
    if (!slot) return;
    const next = queue.shift()!;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = undefined;
    slot.current = { id: next.request.id, done: next.done };
    slot.worker.ref();
    slot.worker.postMessage(next.request);
  }
}

function spawn(): Slot | undefined {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_URL);
  } catch (e) {
    unavailable = e instanceof Error ? e.message : String(e);
    for (const q of queue.splice(0)) q.done({ failed: unavailable });
    return undefined;
  }
  let answered = false;
  const slot: Slot = { worker };
  stats.spawned++;
  slots.push(slot);
  const settle = (r: PartReply) => {
    const c = slot.current;
    slot.current = undefined;
    c?.done(r);
  };
  const drop = (why: string) => {
    // A thread that fails before its first answer cannot start here (a bundle without part-worker.js):
    // later files are compressed in turn without trying again.
    if (!answered) unavailable = why;
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (slot.idle) clearTimeout(slot.idle);
    settle({ failed: why });
    // With no thread left, nothing would take the queue: its callers run those parts themselves.
    if (!slots.length) for (const q of queue.splice(0)) q.done({ failed: why });
  };
  worker.on("message", (m: PartResponse) => {
    if (m.id !== slot.current?.id) return;
    answered = true;
    stats.jobs++;
    const { id: _, ...reply } = m;
    settle(reply);
    pump(slots.length);
    if (!slot.current) {
      worker.unref();
      slot.idle = setTimeout(() => void worker.terminate(), IDLE_MS);
      slot.idle.unref();
    }
  });
  worker.on("error", (e) => drop(e.message));
  worker.on("exit", (code) => drop(`part worker exited (${code})`));
  return slot;
}
