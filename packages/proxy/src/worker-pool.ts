import { Worker } from "node:worker_threads";
import type { CompressResult, Store } from "@headroom/core";
import type { CompressOutcome, RouteName } from "./compress-step.js";
import { failOpen, type CompressionEngine, type MessagesTask, type RequestInput } from "./engine.js";
import { RecentPuts } from "./recent-puts.js";
import type { StoredOriginal, WorkerInit, WorkerReply, WorkerTask } from "./worker-protocol.js";

type TaskBody = { kind: "request"; route: RouteName; body: Uint8Array } | { kind: "messages"; task: MessagesTask };

/** Options of the pool. */
export interface WorkerPoolOptions {
  /** Threads. Each builds its own pipeline. */
  size: number;
  init: WorkerInit;
  /** Where originals collected by workers are put before the request goes on. */
  store: () => Promise<Store>;
  /** Reports a worker that failed to start or died. */
  onProblem?: (message: string) => void;
}

interface Job {
  id: number;
  body: TaskBody;
  settle(reply: WorkerReply | Error): void;
  slot?: Slot;
  /** When a worker started on it (`performance.now()`); unset while it waits behind another job. */
  startedAt?: number;
  timeoutMs: number;
  /** Settled at its deadline while it waited in a worker: the worker is told to skip it. */
  cancelled?: boolean;
}

interface Slot {
  worker: Worker;
  ready: Promise<string[]>;
  /** Settles once the worker warmed up (or right after `ready` without a warm-up). */
  warm: Promise<void>;
  /** Built and warmed: jobs go only to such workers, so a cold start never eats a job's budget. */
  isReady: boolean;
  /** Jobs sent to the worker, in order: the first is running, the rest wait in its queue. */
  jobs: Job[];
}

/**
 * Jobs a busy worker holds at most: while one runs, the next waits inside the worker, so it starts the
 * moment the last one ends instead of after the main thread (busy with sockets, stores and other
 * requests) gets round to sending it. Only a queue longer than the idle workers fills the second place.
 */
const DEPTH = 2;

// Sources run by the tests use the built worker: a worker thread cannot load TypeScript.
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "../dist/worker.js" : "./worker.js", import.meta.url);

/**
 * Compression in worker threads. Jobs queue for a free worker; each job has a deadline counted from
 * when it was queued, and at the deadline the caller gets the fail-open answer. A worker is terminated
 * and replaced only when its job has itself run for the whole budget (a synchronous compressor that
 * never yields is cut off for real); a job that merely waited in the queue is left to finish, because
 * killing a healthy worker would make its replacement pay a cold start and fall further behind. The
 * main thread (health checks, bypassed and streaming requests) never waits either way.
 */
export class WorkerPool implements CompressionEngine {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  private readonly recent = new RecentPuts();
  /** Requests run in workers: large bodies are parsed there too. */
  readonly offThread = true;

  constructor(private readonly o: WorkerPoolOptions) {
    if (!(o.size >= 1)) throw new RangeError("worker pool size must be ≥ 1");
    for (let i = 0; i < o.size; i++) this.slots.push(this.spawn());
  }

  /** Names of the compressors the workers loaded (waits for the first worker to be ready). */
  compressorNames(): Promise<string[]> {
    return this.slots[0]!.ready;
  }

  /** Resolves once every worker built its pipeline; rejects with the first startup error. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Resolves once every worker finished its warm-up and takes jobs. */
  async warm(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.warm));
  }

  async request(route: RouteName, input: RequestInput, timeoutMs: number): Promise<CompressOutcome> {
    // One copy, moved to the worker: the caller keeps `raw` to forward if compression fails open.
    // `input.text` is read only then (the caller may decode it lazily: the worker decodes its own copy).
    const reply = await this.submit({ kind: "request", route, body: input.raw.slice() }, timeoutMs);
    if (reply instanceof Error) return failOpen(route, input.text, input.body, reply.message);
    if (!("ok" in reply) || !reply.ok) return failOpen(route, input.text, input.body, "error" in reply ? reply.error : "worker failed");
    const outcome: CompressOutcome = { changed: false, injected: false, ...reply.outcome };
    // The new body stays bytes: it goes upstream as is (decoded only if a retrieve continuation needs it).
    if (reply.body) outcome.bytes = reply.body;
    return outcome;
  }

  async messages(task: MessagesTask, timeoutMs: number): Promise<CompressResult> {
    const reply = await this.submit({ kind: "messages", task }, timeoutMs);
    if (reply instanceof Error) throw reply;
    if (!("ok" in reply) || !reply.ok) throw new Error("error" in reply ? reply.error : "worker failed");
    return reply.result as CompressResult;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.settle(new Error("proxy is closing"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Queues a job; settles with the reply (originals already stored) or an Error at the deadline. */
  private submit(body: TaskBody, timeoutMs: number): Promise<WorkerReply | Error> {
    if (this.closed) return Promise.resolve(new Error("proxy is closing"));
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, body, settle: () => undefined, timeoutMs };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(job);
        if (i >= 0) this.queue.splice(i, 1);
        else if (job.slot && job.slot.jobs[0] === job) this.cutOffLater(job);
        else if (job.slot) {
          job.cancelled = true;
          job.slot.worker.postMessage({ id: job.id, kind: "cancel" } satisfies WorkerTask);
        }
        job.settle(new Error(`compression exceeded its ${timeoutMs} ms budget`));
      }, timeoutMs);
      let done = false;
      job.settle = (r) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    // Idle workers first, then a second job for busy ones (see DEPTH).
    for (let depth = 1; depth <= DEPTH; depth++)
      for (const slot of this.slots) {
        if (slot.jobs.length >= depth || !slot.isReady || !this.queue.length) continue;
        const job = this.queue.shift()!;
        job.slot = slot;
        if (!slot.jobs.length) job.startedAt = performance.now();
        slot.jobs.push(job);
        const msg: WorkerTask = { id: job.id, ...job.body };
        // The request bytes are moved into the worker, not copied.
        slot.worker.postMessage(msg, msg.kind === "request" ? [msg.body.buffer as ArrayBuffer] : []);
      }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { workerData: this.o.init });
    let readyResolve!: (names: string[]) => void;
    let readyReject!: (e: Error) => void;
    let warmResolve!: () => void;
    const ready = new Promise<string[]>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    const warm = new Promise<void>((res) => {
      warmResolve = res;
    });
    const slot: Slot = { worker, isReady: false, ready, warm, jobs: [] };
    slot.ready.catch(() => warmResolve()); // reported through onProblem; jobs on this worker fail open
    worker.unref();
    worker.on("message", (m: WorkerReply) => {
      if ("warm" in m) {
        if (m.errors.length) this.o.onProblem?.(`compression worker warm-up: ${m.errors.join("; ")}`);
        slot.isReady = true;
        warmResolve();
        this.pump();
        return;
      }
      if ("ready" in m) {
        if (m.ready) readyResolve(m.compressors);
        else {
          this.o.onProblem?.(`compression worker failed to start: ${m.error}`);
          readyReject(new Error(m.error));
        }
        return;
      }
      // A worker answers its jobs in order; anything else is the late answer of a worker already replaced.
      const job = slot.jobs[0];
      if (!job || job.id !== m.id) return;
      slot.jobs.shift();
      if (slot.jobs[0]) slot.jobs[0].startedAt = performance.now();
      // The worker is free before its originals are stored: storing is the main thread's part.
      this.pump();
      if (!job.cancelled) void this.finish(job, m);
    });
    worker.on("error", (e) => {
      this.o.onProblem?.(`compression worker crashed: ${e.message}`);
      readyReject(e);
    });
    worker.on("exit", () => {
      if (this.closed || !this.slots.includes(slot)) return;
      const job = this.takeBack(slot);
      this.replace(slot);
      job?.settle(new Error("compression worker exited"));
    });
    return slot;
  }

  /** Stores the originals the worker collected, then answers the caller. */
  private async finish(job: Job, m: WorkerReply): Promise<void> {
    const puts: StoredOriginal[] = "puts" in m ? m.puts : [];
    try {
      if (puts.length) {
        const store = await this.o.store();
        for (const [k, v, opts] of puts) await this.recent.put(store, k, v, opts);
      }
      job.settle(m);
    } catch (e) {
      // An original that cannot be stored must not leave a marker behind: fail open.
      job.settle(new Error(`store failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  /**
   * The caller has its fail-open answer; the worker is cut off once the job has run for its whole
   * budget on it (now, or later if it spent part of the budget queued).
   */
  private cutOffLater(job: Job): void {
    const ranFor = performance.now() - job.startedAt!;
    const check = () => {
      if (job.slot && job.slot.jobs[0] === job) this.recycle(job.slot);
    };
    if (ranFor >= job.timeoutMs) check();
    else setTimeout(check, job.timeoutMs - ranFor).unref();
  }

  /** Terminates a worker stuck on a job past its deadline and starts a fresh one in its place. */
  private recycle(slot: Slot): void {
    this.takeBack(slot);
    void slot.worker.terminate();
    this.replace(slot);
  }

  /**
   * Empties a slot whose worker is going away: the jobs waiting behind the running one go back to the
   * front of the queue (they never started); returns the running one.
   */
  private takeBack(slot: Slot): Job | undefined {
    const [running, ...waiting] = slot.jobs.splice(0);
    const back = waiting.filter((j) => !j.cancelled);
    for (const j of back) {
      j.slot = undefined;
      j.startedAt = undefined;
    }
    this.queue.unshift(...back);
    return running;
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    this.slots[i] = this.spawn();
    this.pump();
  }
}
