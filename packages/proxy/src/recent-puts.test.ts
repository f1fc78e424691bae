import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { FileStore } from "@headroom/ccr/node";
import { ccrKey } from "@headroom/core";
import { RecentPuts, REPUT_WINDOW_MS, withRecentPuts } from "./recent-puts.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-recent-puts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stores = 0;

/** A real file store whose writes are counted. */
function countedFileStore(defaultTtlSeconds?: number) {
  const store = new FileStore(join(dir, `store-${++stores}`), { onWarning: () => undefined, ...(defaultTtlSeconds !== undefined ? { defaultTtlSeconds } : {}) });
  const writes: string[] = [];
  const put = store.put.bind(store);
  store.put = (k, v, o) => {
    writes.push(k);
    return put(k, v, o);
  };
  return { store, writes };
}

describe("RecentPuts", () => {
  const value = "line\n".repeat(500);
  const key = ccrKey(value);

  it("writes an original to a persistent store once per window, with the same options", async () => {
    let now = 0;
    const recent = new RecentPuts(() => now);
    const { store, writes } = countedFileStore();
    expect(store.persistent).toBe(true);
    await recent.put(store, key, value, { ttlSeconds: 3600 });
    now += 1_000;
    await recent.put(store, key, value, { ttlSeconds: 3600 });
    expect(writes).toHaveLength(1);
    await recent.put(store, key, value, { ttlSeconds: 60 }); // other options: written
    expect(writes).toHaveLength(2);
    now += REPUT_WINDOW_MS;
    await recent.put(store, key, value, { ttlSeconds: 60 }); // the window passed: the TTL restarts
    expect(writes).toHaveLength(3);
    expect(await store.get(key)).toBe(value);
  });

  it("narrows the window to a tenth of a short TTL, and skips nothing when the TTL is unknown", async () => {
    let now = 0;
    const recent = new RecentPuts(() => now);
    const short = countedFileStore(10); // a 10 s TTL: a 1 s window
    await recent.put(short.store, key, value);
    now = 500;
    await recent.put(short.store, key, value);
    expect(short.writes).toHaveLength(1);
    now = 1_500;
    await recent.put(short.store, key, value);
    expect(short.writes).toHaveLength(2);
    const unknown = countedFileStore();
    Object.defineProperty(unknown.store, "defaultTtlSeconds", { value: undefined });
    await recent.put(unknown.store, key, value);
    await recent.put(unknown.store, key, value);
    expect(unknown.writes).toHaveLength(2);
    // Given per put, the TTL decides too.
    await recent.put(unknown.store, key, value, { ttlSeconds: 3600 });
    await recent.put(unknown.store, key, value, { ttlSeconds: 3600 });
    expect(unknown.writes).toHaveLength(3);
  });

  it("always writes to a memory store (it may evict at any time)", async () => {
    const recent = new RecentPuts(() => 0);
    const store = new MemoryStore();
    await recent.put(store, key, value);
    await store.delete(key);
    await recent.put(store, key, value);
    expect(await store.get(key)).toBe(value);
  });

  it("a wrapped store reads, checks and deletes straight through", async () => {
    const { store, writes } = countedFileStore();
    const wrapped = withRecentPuts(store, new RecentPuts(() => 0));
    await wrapped.put(key, value);
    await wrapped.put(key, value);
    expect(writes).toHaveLength(1);
    expect(await wrapped.get(key)).toBe(value);
    expect(await wrapped.has(key)).toBe(true);
    expect(await wrapped.status!(key)).toBe("present");
    expect(await wrapped.delete(key)).toBe(true);
    expect(await store.has(key)).toBe(false);
  });
});
