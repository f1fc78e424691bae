/**
 * Test helper run as a child process (`node --import tsx writer-child.ts <db> <prefix> <count> [startAt]`): puts
 * `count` originals into the SQLite store at <db> (a FileStore with HEADROOM_TEST_BACKEND=file) and prints `<i> <key>` after each put has committed.
 * With HEADROOM_TEST_PEER=<prefix>, it waits after its first put until that writer's first original is
 * in the store, so the two writers' puts overlap however the machine schedules their processes.
 * The multi-process and kill -9 tests read those lines to know what must be in the file.
 */
import { ccrKey } from "@headroom/core";
import { FileStore } from "../file-store.js";
import { SqliteStore } from "../sqlite-store.js";

/** The value a writer stores for item `i` (the parent recomputes it to check bytes). */
export function childValue(prefix: string, i: number): string {
  return `${prefix} item ${i}: ${"lorem ipsum dolor sit amet ".repeat(1 + (i % 40))}é✓😀`;
}

/** Waits (up to 60 s) until `key` is in the store: another process put it. */
async function untilStored(store: FileStore | SqliteStore, key: string): Promise<void> {
  for (const end = Date.now() + 60_000; !(await store.has(key)); await new Promise((r) => setTimeout(r, 1)))
    if (Date.now() > end) throw new Error(`the peer writer's first original (${key}) never arrived`);
}

async function main(): Promise<void> {
  const [path, prefix = "w", countArg = "100", startAt] = process.argv.slice(2);
  if (!path) throw new Error("usage: writer-child <db> <prefix> <count> [startAtEpochMs]");
  const peer = process.env.HEADROOM_TEST_PEER;
  // HEADROOM_TEST_BACKEND=file: the same writes into a FileStore directory.
  const store = process.env.HEADROOM_TEST_BACKEND === "file" ? new FileStore(path) : new SqliteStore(path);
  // A start barrier, so that two writers really write at the same time (startup times differ).
  if (startAt) while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
  const count = Number(countArg);
  for (let i = 0; i < count; i++) {
    const value = childValue(prefix, i);
    const key = ccrKey(value);
    await store.put(key, value);
    process.stdout.write(`${i} ${key}\n`);
    if (i === 0 && peer) await untilStored(store, ccrKey(childValue(peer, 0)));
  }
  store.close();
}

if (process.argv[1] && /writer-child\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
