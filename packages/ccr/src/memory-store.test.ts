import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ccrKey } from "@headroom/core";
import { MemoryStore, utf8Length } from "./memory-store.js";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("utf8Length", () => {
  it("equals TextEncoder's byte count for any string, lone surrogates and pairs included", () => {
    const enc = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => utf8Length(s) === enc.encode(s).length), { numRuns: 500 });
    for (const s of ["", "a", "é", "€", "😀", "\ud800", "\udc00", "\udc00\ud800", "a\ud83d", "\ud83d\ude00\ud83d"]) expect(utf8Length(s)).toBe(enc.encode(s).length);
  });
});

describe("MemoryStore", () => {
  it("returns values byte-identical (any string, lone surrogates included)", async () => {
    const store = new MemoryStore();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (s) => {
        await store.put(ccrKey(s), s);
        expect(await store.get(ccrKey(s))).toBe(s);
      }),
      { numRuns: 100 },
    );
  });

  it("expires entries after their TTL and says so", async () => {
    const c = clock();
    const store = new MemoryStore({ defaultTtlSeconds: 60, now: c.now });
    await store.put("a".repeat(24), "alpha");
    await store.put("b".repeat(24), "beta", { ttlSeconds: 600 });
    c.advance(59_999);
    expect(await store.get("a".repeat(24))).toBe("alpha");
    c.advance(1);
    expect(await store.get("a".repeat(24))).toBeUndefined();
    expect(await store.has("a".repeat(24))).toBe(false);
    expect(await store.status("a".repeat(24))).toBe("expired");
    expect(await store.status("b".repeat(24))).toBe("present");
    expect(await store.status("c".repeat(24))).toBe("unknown");
    expect(store.stats()).toMatchObject({ entries: 1, bytes: 4, expirations: 1 });
  });

  it("re-putting the same value keeps its byte count (measured once), a new value is measured again", async () => {
    const store = new MemoryStore();
    await store.put("k", "é".repeat(10));
    await store.put("k", "é".repeat(10));
    expect(store.stats()).toMatchObject({ entries: 1, bytes: 20 });
    await store.put("k", "a".repeat(10));
    expect(store.stats()).toMatchObject({ entries: 1, bytes: 10 });
  });

  it("re-putting a key keeps the later expiry; ttl 0 never expires", async () => {
    const c = clock();
    const store = new MemoryStore({ defaultTtlSeconds: 10, now: c.now });
    await store.put("k1", "v", { ttlSeconds: 100 });
    await store.put("k1", "v", { ttlSeconds: 1 });
    c.advance(50_000);
    expect(await store.get("k1")).toBe("v");
    await store.put("k2", "forever", { ttlSeconds: 0 });
    c.advance(10 ** 12);
    expect(await store.get("k2")).toBe("forever");
  });

  it("evicts least recently used entries beyond maxEntries", async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    for (const k of ["a", "b", "c"]) await store.put(k, k.toUpperCase());
    await store.get("a"); // a becomes most recent: b is now the oldest
    await store.put("d", "D");
    expect(await store.has("b")).toBe(false);
    expect(await store.status("b")).toBe("expired");
    expect(await Promise.all(["a", "c", "d"].map((k) => store.get(k)))).toEqual(["A", "C", "D"]);
    expect(store.stats()).toMatchObject({ entries: 3, evictions: 1 });
  });

  it("keeps total bytes within maxBytes (UTF-8 bytes)", async () => {
    const store = new MemoryStore({ maxBytes: 100 });
    await store.put("x1", "é".repeat(20)); // 40 bytes
    await store.put("x2", "a".repeat(40));
    await store.put("x3", "b".repeat(40)); // 120 > 100: x1 goes
    expect(await store.has("x1")).toBe(false);
    expect(store.stats().bytes).toBe(80);
    await expect(store.put("big", "z".repeat(101))).rejects.toThrow(/exceeds the store's maxBytes/);
    expect(await store.has("x2")).toBe(true);
  });

  it("stays within both bounds under random workloads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), fc.string({ maxLength: 30 }), fc.boolean()), { maxLength: 60 }),
        async (ops) => {
          const store = new MemoryStore({ maxEntries: 4, maxBytes: 60 });
          for (const [k, v, read] of ops) {
            if (read) await store.get(k);
            else if (utf8Length(v) <= 60) await store.put(k, v);
            const s = store.stats();
            expect(s.entries).toBeLessThanOrEqual(4);
            expect(s.bytes).toBeLessThanOrEqual(60);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("delete and clear", async () => {
    const store = new MemoryStore();
    await store.put("k", "v");
    expect(await store.delete("k")).toBe(true);
    expect(await store.delete("k")).toBe(false);
    await store.put("k", "v");
    store.clear();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
