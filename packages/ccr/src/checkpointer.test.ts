import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackgroundCheckpoints, START_AFTER_BYTES } from "./checkpointer.js";
import { findSqliteDriver } from "./sqlite-driver.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-ccr-checkpoint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}`, "ccr.sqlite");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const driver = findSqliteDriver().driver;

/** Polls `test` every 10 ms for up to `ms`; resolves with its last answer. */
async function eventually(test: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await sleep(10)) if (test()) return true;
  return test();
}

/** `count` distinct values of `bytes` characters, put `gapMs` apart (the pace of a busy proxy). */
async function fill(store: SqliteStore, prefix: string, count: number, bytes: number, gapMs: number): Promise<string[]> {
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = `${prefix}${i}:`.padEnd(bytes, String.fromCharCode(97 + (i % 26)));
    values.push(v);
    await store.put(`${prefix}-${i}`, v);
    await sleep(gapMs);
  }
  return values;
}

describe.skipIf(!driver)("SqliteStore background checkpoints", () => {
  it("start once 1 MB is written, copy the WAL into the database off the putting thread, and keep every value", async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await fill(store, "small", 10, 1000, 0);
    await sleep(200);
    // Below the threshold no thread was started.
    expect(store.checkpointsInBackground).toBe(false);
    const first = await fill(store, "a", 12, 100_000, 1);
    expect(await eventually(() => store.checkpointsInBackground)).toBe(true);
    const dbBefore = statSync(path).size;
    // 12 MB more: with the connection's own checkpoints off, only the thread copies pages into the file.
    const rest = await fill(store, "b", 120, 100_000, 5);
    expect(await eventually(() => statSync(path).size > dbBefore + 6_000_000)).toBe(true);
    // The WAL started over instead of holding all 13 MB (the thread's passes caught up with the puts).
    expect(statSync(`${path}-wal`).size).toBeLessThan(12_000_000);
    for (const [i, v] of first.entries()) expect(await store.get(`a-${i}`)).toBe(v);
    for (const [i, v] of rest.entries()) expect(await store.get(`b-${i}`)).toBe(v);
    store.close();
    const again = new SqliteStore(path, { backgroundCheckpoints: false });
    expect(await again.get("b-119")).toBe(rest[119]);
    again.close();
  });

  it("with backgroundCheckpoints: false, leaves checkpoints to SQLite on the putting thread", async () => {
    const path = fresh();
    const store = new SqliteStore(path, { backgroundCheckpoints: false });
    await fill(store, "a", 60, 100_000, 0);
    await sleep(100);
    expect(store.checkpointsInBackground).toBe(false);
    // SQLite's auto-checkpoint (1000 pages) kept the WAL near 4 MB.
    expect(statSync(`${path}-wal`).size).toBeLessThan(6_000_000);
    store.close();
  });

  it("keeps SQLite's own checkpoints when the thread cannot open the database", async () => {
    const path = fresh();
    mkdirSync(join(path, ".."), { recursive: true });
    const db = driver!.open(path);
    db.exec("PRAGMA journal_mode = WAL");
    // The thread is pointed at a directory: its open fails and it says so.
    const bg = new BackgroundCheckpoints(db, { path: dir, driver: driver!.name, busyTimeoutMs: 0 });
    bg.wrote(START_AFTER_BYTES);
    expect(await eventually(() => bg.problem !== undefined)).toBe(true);
    expect(bg.active).toBe(false);
    expect(Number((db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint)).toBe(1000);
    bg.wrote(START_AFTER_BYTES); // no second thread
    bg.stop();
    db.close();
  });
});
