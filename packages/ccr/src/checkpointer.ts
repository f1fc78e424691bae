import { Worker } from "node:worker_threads";
import type { SqliteDb, SqliteDriverName } from "./sqlite-driver.js";

/** What the checkpoint thread is started with (`workerData`). */
export interface CheckpointInit {
  path: string;
  driver: SqliteDriverName;
  busyTimeoutMs: number;
}

/** The checkpoint thread's messages: its connection opened (or not), or a checkpoint failed. */
export type CheckpointReply = { ready: true } | { ready: false; error: string } | { failed: string };

/** SQLite's default `wal_autocheckpoint` (pages), restored when the thread is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** Bytes written between two checkpoint requests: about SQLite's default of 1000 pages of 4 KiB. */
export const CHECKPOINT_EVERY_BYTES = 4 * 1024 * 1024;
/**
 * Bytes written before the thread starts: a store that never fills a quarter of SQLite's first
 * checkpoint (a CLI run, a test) never pays for a thread, and one that does has it ready in time.
 */
export const START_AFTER_BYTES = 1024 * 1024;

// Sources run by the tests use the built worker: a worker thread cannot load TypeScript.
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "../dist/checkpoint-worker.js" : "./checkpoint-worker.js", import.meta.url);

/**
 * WAL checkpoints of one SQLite connection, moved to a thread of their own. SQLite checkpoints on the
 * commit that grows the WAL past 1000 pages, on the committing thread: copying ~4 MB back into the
 * database and fsyncing it stalls that thread for 10–15 ms every few dozen puts of 50 KB originals (the
 * proxy's event loop, which every other request waits on). Here a second connection in a worker runs a
 * PASSIVE checkpoint every `CHECKPOINT_EVERY_BYTES` written (started once `START_AFTER_BYTES` are),
 * and the store's connection stops checkpointing on its own, but only once that worker is ready: until
 * then, and again if it fails or exits, SQLite's own checkpoints run as before. Durability is unchanged
 * (WAL, `synchronous=NORMAL`).
 */
export class BackgroundCheckpoints {
  private worker: Worker | undefined;
  private written = 0;
  private stopped = false;
  /** True while the worker checkpoints and the store's connection does not. */
  active = false;
  /** Why checkpoints run inline, once the worker failed. */
  problem: string | undefined;

  constructor(
    private readonly db: SqliteDb,
    private readonly init: CheckpointInit,
  ) {}

  /** Counts bytes the store committed; starts the thread, then asks it for a checkpoint every `CHECKPOINT_EVERY_BYTES`. */
  wrote(bytes: number): void {
    this.written += bytes;
    if (!this.active) {
      if (!this.worker && !this.problem && !this.stopped && this.written >= START_AFTER_BYTES) this.start();
      return;
    }
    if (this.written < CHECKPOINT_EVERY_BYTES) return;
    this.written = 0;
    this.worker?.postMessage(0);
  }

  private start(): void {
    try {
      // No inherited flags: some (--input-type, loaders) are refused by or useless to this plain-JS thread.
      const w = new Worker(WORKER_URL, { workerData: this.init, execArgv: [] });
      w.unref(); // never keeps a process alive
      w.on("message", (m: CheckpointReply) => this.onMessage(m));
      w.on("error", (e) => this.fail(e.message));
      w.on("exit", (code) => this.fail(`checkpoint thread exited (${code})`));
      this.worker = w;
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
    }
  }

  /** Ends the thread (before the store's connection closes). */
  stop(): void {
    this.stopped = true;
    this.active = false;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private onMessage(m: CheckpointReply): void {
    if (this.stopped) return;
    if ("ready" in m) {
      if (!m.ready) {
        this.fail(m.error);
        return;
      }
      try {
        this.db.exec("PRAGMA wal_autocheckpoint = 0");
        this.active = true;
        this.written = 0;
      } catch (e) {
        this.fail(e instanceof Error ? e.message : String(e));
      }
      return;
    }
    this.fail(m.failed);
  }

  /** Back to SQLite's own checkpoints on the store's connection (later events of the thread are ignored). */
  private fail(why: string): void {
    const w = this.worker;
    if (this.stopped || !w) return;
    this.worker = undefined;
    this.problem = why;
    void w.terminate();
    if (!this.active) return;
    this.active = false;
    try {
      this.db.exec(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // The connection is gone (closed or recovering): the next one starts with SQLite's default.
    }
  }
}
