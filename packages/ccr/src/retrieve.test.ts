import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ccrKey, marker } from "@headroom/core";
// Retrieval ranks with @headroom/text's BM25: these pin the behaviour retrieve() relies on.
import { rankBm25 as bm25, queryWords as queryTerms, tokenize } from "@headroom/text";
import { findMarkerHashes, parseMarkers } from "./markers.js";
import { MemoryStore } from "./memory-store.js";
import { formatRetrieveResult, normalizeHash, retrieve } from "./retrieve.js";

const LOG = [
  "2024-01-01 10:00:00 INFO  server started on port 8080",
  "2024-01-01 10:00:01 INFO  connected to database primary",
  "2024-01-01 10:00:02 WARN  slow query took 2300ms",
  "2024-01-01 10:00:03 ERROR connection refused to replica-2",
  "2024-01-01 10:00:04 INFO  request served in 12ms",
  "2024-01-01 10:00:05 ERROR timeout waiting for lookupKeyRead lock",
  "",
].join("\n");

describe("parseMarkers", () => {
  it("reads core markers with their summaries and positions", () => {
    const k1 = ccrKey("one");
    const k2 = ccrKey("two");
    const text = `head\n${marker("85 items compressed to 15", k1)}\nmid ${marker("120 lines omitted", k2)} end ${marker("again", k1)}`;
    const ms = parseMarkers(text);
    expect(ms.map((m) => [m.hash, m.summary])).toEqual([
      [k1, "85 items compressed to 15"],
      [k2, "120 lines omitted"],
      [k1, "again"],
    ]);
    for (const m of ms) expect(text.slice(m.index, m.index + m.length)).toMatch(/^\[.*hash=[a-f0-9]{24}\]$/);
    expect(findMarkerHashes(text)).toEqual([k1, k2]);
  });

  it("reads a bare hash= mention as a marker without summary", () => {
    const k = ccrKey("x");
    const text = `see hash=${k} for more`;
    expect(parseMarkers(text)).toEqual([{ hash: k, summary: "", index: 4, length: 29 }]);
    expect(parseMarkers("no markers here, hash=short")).toEqual([]);
  });
});

describe("bm25", () => {
  it("tokenizes identifiers whole and split", () => {
    expect(tokenize("lookupKeyRead(db, key_name)")).toEqual(["lookupkeyread", "lookup", "key", "read", "db", "key_name", "key", "name"]);
    expect(queryTerms("which block was replicated")).toEqual(["block", "replicated"]);
    expect(queryTerms("the")).toEqual(["the"]);
  });

  it("ranks rare terms first and leaves non-matching documents out", () => {
    const docs = ["error one", "info ok", "error two rare", "info ok again"];
    const r = bm25(docs, "rare error");
    expect(r.map((s) => s.index)).toEqual([2, 0]);
    expect(bm25(docs, "absent")).toEqual([]);
    // A term in every document does not select when a more specific one matches.
    const rows = ['{"state":"open","id":1}', '{"state":"open","id":2,"draft":true}', '{"state":"closed","id":3}'];
    expect(bm25(rows, "state draft").map((x) => x.index)).toEqual([1]);
    expect(bm25(rows, "state").map((x) => x.index).sort()).toEqual([0, 1, 2]);
  });
});

describe("retrieve", () => {
  it("returns the full original byte-identical", async () => {
    const store = new MemoryStore();
    const key = ccrKey(LOG);
    await store.put(key, LOG);
    const r = await retrieve(store, key);
    expect(r).toMatchObject({ found: true, hash: key, content: LOG });
    expect(formatRetrieveResult(r)).toBe(LOG);
    // A marker or hash=… pasted whole is accepted too.
    expect((await retrieve(store, `[x. Retrieve more: hash=${key}]`)).found).toBe(true);
    expect(normalizeHash(` ${key.toUpperCase()} `)).toBe(key);
  });

  it("with a query returns only matching lines and says how many of how many", async () => {
    const store = new MemoryStore();
    const key = ccrKey(LOG);
    await store.put(key, LOG);
    const r = await retrieve(store, key, { query: "ERROR connection" });
    if (!r.found) throw new Error("expected a hit");
    // OR semantics, original order; "connected" is another word than "connection" (no stemming).
    expect(r.content.split("\n")).toEqual([LOG.split("\n")[3], LOG.split("\n")[5]]);
    expect(r.totalItems).toBe(6);
    expect(r.returnedItems).toBe(r.content.split("\n").length);
    expect(r.note).toMatch(/^Returned \d of 6 lines matching "ERROR connection"/);
    expect(formatRetrieveResult(r)).toBe(`[${r.note}]\n${r.content}`);
    const one = await retrieve(store, key, { query: "lookupKeyRead" });
    expect(one.found && one.content).toBe(LOG.split("\n")[5]);
  });

  it("with a query over a JSON array returns the matching items as JSON", async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, login: `user${i}`, site_admin: i === 17, state: i % 3 ? "open" : "closed" }));
    const json = JSON.stringify(items, null, 2);
    const store = new MemoryStore();
    await store.put(ccrKey(json), json);
    const r = await retrieve(store, ccrKey(json), { query: "user17" });
    if (!r.found) throw new Error("expected a hit");
    expect(JSON.parse(r.content)).toEqual([items[17]]);
    expect(r).toMatchObject({ totalItems: 40, returnedItems: 1, itemKind: "items" });
    expect(r.note).toContain('Returned 1 of 40 items matching "user17"');
    const env = JSON.stringify({ total_count: 40, items });
    await store.put(ccrKey(env), env);
    const e = await retrieve(store, ccrKey(env), { query: "user3" });
    if (!e.found) throw new Error("expected a hit");
    expect(JSON.parse(e.content)).toEqual({ total_count: 40, items: [items[3]] });
    expect(e.note).toContain('of the "items" array');
    // Keys are in every item: they do not select; nothing specific matched → the envelope, array emptied.
    const none = await retrieve(store, ccrKey(env), { query: "site_admin kubernetes" });
    expect(none).toMatchObject({ found: true, returnedItems: 40 });
    const zero = await retrieve(store, ccrKey(env), { query: "kubernetes" });
    expect(zero.found && JSON.parse(zero.content)).toEqual({ total_count: 40, items: [] });
    expect(zero.found && zero.note).toMatch(/No items of the "items" array matched .*rest of the object/);
  });

  it("caps the number of items and says so", async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i} error`).join("\n");
    const store = new MemoryStore();
    await store.put(ccrKey(text), text);
    const r = await retrieve(store, ccrKey(text), { query: "error", maxItems: 10 });
    expect(r.found && r.returnedItems).toBe(10);
    expect(r.found && r.note).toMatch(/Returned 10 of 200 lines .*\(200 matched; the best 10 are shown\)/);
  });

  it("a query nothing matches says so and how to get everything", async () => {
    const store = new MemoryStore();
    await store.put(ccrKey(LOG), LOG);
    const r = await retrieve(store, ccrKey(LOG), { query: "kubernetes" });
    expect(r).toMatchObject({ found: true, content: "", returnedItems: 0, totalItems: 6 });
    expect(formatRetrieveResult(r)).toMatch(/No lines matched "kubernetes" .*without a query/);
  });

  it("misses tell expired from unknown, with what to do, and carry no marker", async () => {
    let t = 0;
    const store = new MemoryStore({ defaultTtlSeconds: 1, now: () => t });
    await store.put(ccrKey("gone"), "gone");
    t = 5000;
    const expired = await retrieve(store, ccrKey("gone"));
    expect(expired).toMatchObject({ found: false, status: "expired" });
    expect(expired.found || expired.message).toMatch(/expired.*Re-run the tool call/);
    const unknown = await retrieve(store, ccrKey("never"));
    expect(unknown).toMatchObject({ found: false, status: "unknown" });
    expect(formatRetrieveResult(unknown)).toMatch(/^headroom_retrieve: No original is stored .*Re-run the tool call/);
    const bad = await retrieve(store, "not-a-hash");
    expect(bad).toMatchObject({ found: false, status: "unknown" });
    for (const r of [expired, unknown, bad]) expect(findMarkerHashes(formatRetrieveResult(r))).toEqual([]);
  });

  it("property: a query returns a subsequence of the original lines, and the counts add up", async () => {
    const word = fc.constantFrom("alpha", "beta", "gamma", "delta", "errorCode", "user_id", "42", "ok");
    const line = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(" "));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 2, maxLength: 40 }), fc.array(word, { minLength: 1, maxLength: 3 }), async (lines, q) => {
        const text = lines.join("\n");
        const store = new MemoryStore();
        await store.put(ccrKey(text), text);
        const full = await retrieve(store, ccrKey(text));
        expect(full.found && full.content).toBe(text);
        const r = await retrieve(store, ccrKey(text), { query: q.join(" ") });
        if (!r.found) throw new Error("expected a hit");
        expect(r.totalItems).toBe(lines.length);
        const got = r.content ? r.content.split("\n") : [];
        expect(got.length).toBe(r.returnedItems);
        // Subsequence in original order.
        let j = 0;
        for (const l of got) {
          while (j < lines.length && lines[j] !== l) j++;
          expect(j).toBeLessThan(lines.length);
          j++;
        }
      }),
      { numRuns: 80 },
    );
  });
});
