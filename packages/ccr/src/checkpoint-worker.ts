// The checkpoint thread of a SqliteStore: its own connection to the store's file, copying the WAL back
// into the database when the store asks, so that the copy and its fsync never run on the store's thread.
import { parentPort, workerData } from "node:worker_threads";
import { findSqliteDriver, type SqliteDb } from "./sqlite-driver.js";
import type { CheckpointInit, CheckpointReply } from "./checkpointer.js";

const init = workerData as CheckpointInit;
const port = parentPort!;
const post = (m: CheckpointReply) => port.postMessage(m);

let db: SqliteDb | undefined;
let pageBytes = 4096;
try {
  const { driver, failures } = findSqliteDriver(init.driver);
  if (!driver) throw new Error(failures.join("; "));
  db = driver.open(init.path);
  db.exec(`PRAGMA busy_timeout = ${init.busyTimeoutMs}`);
  pageBytes = Number((db.prepare("PRAGMA page_size").get() as { page_size?: unknown } | undefined)?.page_size) || pageBytes;
  post({ ready: true });
} catch (e) {
  post({ ready: false, error: e instanceof Error ? e.message : String(e) });
}

/** PASSIVE checkpoints per request at most, while puts land during the last one. */
const PASSES = 4;
/** WAL frames past which a checkpoint waits for the writer (RESTART): the WAL cannot grow unbounded. */
const MAX_WAL_BYTES = 64 * 1024 * 1024;

/**
 * PASSIVE checkpoints copy what no reader still needs and never wait for the writer or block it. The
 * WAL starts over from its beginning (instead of growing) only when a write finds every frame copied,
 * and a pass copies the WAL as it was when the pass began: while puts landed during a pass, another
 * follows. Under puts faster than the copy, the WAL would still grow: past `MAX_WAL_BYTES`, one RESTART
 * checkpoint holds the writer off until it has copied everything (a stall like SQLite's own checkpoint)
 * and the WAL starts over.
 */
function checkpoint(conn: SqliteDb): void {
  const passive = conn.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  let frames = -1;
  for (let i = 0; i < PASSES; i++) {
    const r = passive.get() as { log?: unknown } | undefined;
    const log = Number(r?.log);
    if (!Number.isFinite(log) || log === frames) return; // nothing new since the last pass
    frames = log;
  }
  if (frames * pageBytes > MAX_WAL_BYTES) conn.prepare("PRAGMA wal_checkpoint(RESTART)").get();
}

let pending = false;
port.on("message", () => {
  // Requests that came while a checkpoint ran are served by one more: the WAL holds all they asked for.
  if (pending || !db) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    try {
      checkpoint(db!);
    } catch (e) {
      post({ failed: e instanceof Error ? e.message : String(e) });
    }
  });
});
