/**
 * A `worker_threads` pool for text-ml: each worker loads the model once and serves jobs one at a time,
 * so inference never runs on the caller's event loop. A worker that crashes (exits, throws, runs out
 * of memory) fails the job it held and is restarted for the next one; a worker that cannot load the
 * model fails the pool with that error (a broken model directory is not retried in a loop).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { EngineOptions } from "./engine.js";
import type { ModelSpec } from "./model.js";
import type { JobRequest, JobResult, WorkerReply } from "./protocol.js";

/** Options of a pool. */
export interface PoolOptions {
  /** Workers (each holds one session). Default 1. */
  size?: number;
  engine?: EngineOptions;
  /** Path of the worker script; default the `worker.js`/`worker.cjs` built beside this module. */
  workerFile?: string;
}

/** Facts the pool measured. */
export interface PoolInfo {
  /** Model load time of the first worker (tokenizer + session), ms. */
  loadMs?: number;
  /** Inference time of one full-length chunk (measured at load, then a running mean), ms. */
  chunkMs?: number;
  restarts: number;
}

interface Pending {
  job: Omit<JobRequest, "id">;
  resolve(r: JobResult | undefined): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy?: Pending & { id: number };
}

/** The worker script beside this module (dist), or the built one when running from source. */
export function defaultWorkerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "worker.js"), join(here, "worker.cjs"), join(here, "node", "worker.js"), join(here, "../../dist/node/worker.js")];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`text-ml: worker script not found (looked for ${candidates.join(", ")}); build the package first`);
  return found;
}

export class TextMlPool {
  readonly info: PoolInfo = { restarts: 0 };
  private readonly slots: (Slot | undefined)[];
  private readonly queue: Pending[] = [];
  private readonly file: string;
  private failure: Error | undefined;
  private nextId = 1;
  private closed = false;
  private readyWaiters: { resolve(i: PoolInfo): void; reject(e: Error): void }[] = [];

  constructor(
    private readonly spec: ModelSpec,
    private readonly options: PoolOptions = {},
  ) {
    this.file = options.workerFile ?? defaultWorkerFile();
    this.slots = new Array(Math.max(1, Math.floor(options.size ?? 1))).fill(undefined);
    for (let i = 0; i < this.slots.length; i++) this.spawn(i);
  }

  /** Resolves when a worker has loaded the model; rejects with the load error. */
  ready(): Promise<PoolInfo> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.some((s) => s?.ready)) return Promise.resolve(this.info);
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** True once a worker has loaded the model. */
  get isReady(): boolean {
    return this.slots.some((s) => s?.ready);
  }

  /** The load error, when the model could not be loaded. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Runs a job; resolves `undefined` when it was cancelled through `job.cancel`. */
  run(job: Omit<JobRequest, "id">): Promise<JobResult | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("text-ml: pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Crash drill (for operators and recovery tests): worker `index` exits abnormally at its next batch
   * boundary, leaving its job unanswered; the job fails and the pool starts a new worker. (Not
   * `terminate()`: tearing a thread down under a running onnxruntime session aborts the process.)
   */
  kill(index = 0): Promise<void> {
    const slot = this.slots[index];
    if (!slot) return Promise.resolve();
    return new Promise((resolve) => {
      slot.worker.once("exit", () => resolve());
      slot.worker.postMessage({ type: "crash" });
    });
  }

  /** Number of jobs waiting or running. */
  get load(): number {
    return this.queue.length + this.slots.filter((s) => s?.busy).length;
  }

  /** Stops the workers once their current native call (loading, a run) is done. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error("text-ml: pool closed"));
    await Promise.all(this.slots.map((s) => (s ? this.stop(s) : undefined)));
  }

  private stop(s: Slot): Promise<void> {
    return new Promise((resolve) => {
      s.worker.once("exit", () => resolve());
      s.worker.ref();
      s.worker.postMessage({ type: "close" });
    });
  }

  private spawn(i: number): void {
    const worker = new Worker(this.file, { workerData: { spec: this.spec, engine: this.options.engine ?? {} } });
    const slot: Slot = { worker, ready: false };
    this.slots[i] = slot;
    worker.on("message", (m: WorkerReply) => this.onMessage(slot, m));
    worker.on("error", (e) => this.onExit(i, slot, `threw: ${e.message}`));
    worker.on("exit", (code) => this.onExit(i, slot, `exited with code ${code}`));
    this.refState();
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (m.type === "ready") {
      slot.ready = true;
      this.info.loadMs ??= m.loadMs;
      this.info.chunkMs ??= m.chunkMs;
      for (const w of this.readyWaiters.splice(0)) w.resolve(this.info);
      this.dispatch();
      return;
    }
    if (m.type === "init-error") {
      this.fail(new Error(m.message));
      return;
    }
    const busy = slot.busy;
    if (!busy || busy.id !== m.id) return;
    slot.busy = undefined;
    if (m.type === "done") {
      const { type: _t, id: _i, ...result } = m;
      if (result.timings.chunks) {
        const per = result.timings.inferMs / result.timings.chunks;
        this.info.chunkMs = this.info.chunkMs === undefined ? per : this.info.chunkMs * 0.8 + per * 0.2;
      }
      busy.resolve(result);
    } else if (m.type === "cancelled") busy.resolve(undefined);
    else busy.reject(new Error(m.message));
    this.dispatch();
  }

  private onExit(i: number, slot: Slot, how: string): void {
    if (this.slots[i] !== slot) return; // already handled ("error" is followed by "exit")
    this.slots[i] = undefined;
    const busy = slot.busy;
    if (busy) busy.reject(new Error(`text-ml: worker ${how} while compressing; unit left unchanged`));
    if (this.closed || this.failure) return;
    if (!slot.ready) {
      this.fail(new Error(`text-ml: worker ${how} while loading ${this.spec.modelPath}`));
      return;
    }
    this.info.restarts++;
    this.spawn(i);
    this.dispatch();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.readyWaiters.splice(0)) w.reject(this.failure);
    for (const p of this.queue.splice(0)) p.reject(this.failure);
    for (const s of this.slots) if (s) void this.stop(s);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot?.ready || slot.busy || !this.queue.length) continue;
      const p = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { ...p, id };
      slot.worker.postMessage({ ...p.job, id } satisfies JobRequest);
    }
    this.refState();
  }

  // Idle workers must not keep the process alive; loading or busy ones must (someone awaits them).
  private refState(): void {
    for (const s of this.slots) {
      if (!s) continue;
      if (!s.ready || s.busy) s.worker.ref();
      else s.worker.unref();
    }
  }
}
