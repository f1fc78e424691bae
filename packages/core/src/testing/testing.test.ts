import { describe, expect, it } from "vitest";
import { createOriginals, marker, type CompressorV1 as Compressor, type CompressorV2 } from "../index.js";
import { checkCompressor, createMapStore, createMockContext, createMockContextV1, createUnit } from "./index.js";

const chars = { name: "chars", encoding: "chars", estimated: true, count: (t: string) => t.length };
const pretty = JSON.stringify({ rows: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `row ${i}` })) }, null, 2);
const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");

/** Keeps the first 5 lines and stores the rest. */
const head: CompressorV2 = {
  specificationVersion: "v2",
  name: "head",
  kinds: ["*"],
  compress(u, ctx) {
    if (!ctx.allowLossy) return { decline: "lossy only" };
    const o = createOriginals();
    const key = o.stash(u.text);
    return { text: `${u.text.split("\n").slice(0, 5).join("\n")}\n${marker("rest stored", key)}`, lossless: false, originals: o.list() };
  },
};

describe("checkCompressor", () => {
  it("passes a compressor that keeps the rules, and reports what each run did", async () => {
    const r = await checkCompressor(head, [{ name: "lines", text: lines, expect: "compressed" }], { tokenizer: chars });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.runs.map((x) => [x.store, x.status, x.reason])).toEqual([
      [true, "compressed", undefined],
      [false, "unchanged", "head declined: lossy only"],
    ]);
  });

  it("finds non-determinism, markers without originals, broken JSON and markers inside JSON strings", async () => {
    let n = 0;
    const flaky: CompressorV2 = { specificationVersion: "v2", name: "flaky", kinds: ["*"], compress: (u) => ({ text: u.text.slice(0, 100 + (n++ % 2)), lossless: true }) };
    const liar: Compressor = { specificationVersion: "v1", name: "liar", kinds: ["*"], compress: () => ({ text: marker("gone", "0".repeat(24)), lossless: false }) };
    const breaker: CompressorV2 = { specificationVersion: "v2", name: "breaker", kinds: ["json"], compress: (u) => ({ text: u.text.replace(/\s+/g, "").slice(0, -1), lossless: true }) };
    const inString: CompressorV2 = {
      specificationVersion: "v2",
      name: "in-string",
      kinds: ["json"],
      compress(u, ctx) {
        if (!ctx.allowLossy) return null;
        const o = createOriginals();
        return { text: JSON.stringify({ note: marker("rows stored", o.stash(u.text)) }), lossless: false, originals: o.list() };
      },
    };
    expect((await checkCompressor(flaky, [lines], { tokenizer: chars })).problems).toContain("fixture 0 (with store): not deterministic: two runs gave different bytes");
    expect((await checkCompressor(liar, [lines], { tokenizer: chars })).problems[0]).toBe(`fixture 0 (with store): validate error: marker ${"0".repeat(24)} has no stored original`);
    expect((await checkCompressor(breaker, [{ name: "json", text: pretty }], { tokenizer: chars })).problems[0]).toMatch(/^json \(with store\): JSON input, but the output \(without marker lines\) is not JSON/);
    expect((await checkCompressor(inString, [pretty], { tokenizer: chars })).problems).toEqual(["fixture 0 (with store): a marker landed inside a JSON string value"]);
    expect((await checkCompressor(head, [{ text: lines, expect: "compressed" }], { tokenizer: { ...chars, count: () => 1 } })).problems).toEqual([
      "fixture 0 (with store): not compressed: head: no gain",
    ]);
  });

  it("accepts JSON followed by marker lines (the smart-crusher form)", async () => {
    const thin: CompressorV2 = {
      specificationVersion: "v2",
      name: "thin",
      kinds: ["json"],
      compress(u, ctx) {
        if (!ctx.allowLossy) return null;
        const o = createOriginals();
        const doc = JSON.parse(u.text) as { rows: unknown[] };
        return { text: `${JSON.stringify({ rows: doc.rows.slice(0, 2) })}\n${marker("18 rows stored", o.stash(u.text))}`, lossless: false, originals: o.list() };
      },
    };
    expect((await checkCompressor(thin, [{ text: pretty, expect: "compressed" }], { tokenizer: chars })).problems).toEqual([]);
  });
});

describe("mock context and map store", () => {
  it("lets a compressor be called directly, in v2 and v1 shape", async () => {
    const ctx = createMockContext({ allowLossy: false });
    expect(await head.compress(createUnit(lines), ctx)).toEqual({ decline: "lossy only" });
    ctx.report("noted");
    expect(ctx.problems).toEqual(["noted"]);
    expect(ctx.signal.aborted).toBe(false);
    expect(createMockContextV1({ query: "why", aggressiveness: 2 })).toMatchObject({ reversible: true, bias: 2, query: "why" });
    const store = createMapStore();
    await store.put("k", "v");
    expect([await store.get("k"), await store.has("x"), await store.status!("k")]).toEqual(["v", false, "present"]);
  });

  it("a mock context with a time budget aborts its signal when it runs out", async () => {
    const ctx = createMockContext({ timeBudgetMs: 20 });
    await new Promise((r) => setTimeout(r, 40));
    expect(ctx.signal.aborted).toBe(true);
    expect(() => ctx.signal.throwIfAborted()).toThrow(/time budget of 20 ms exceeded/);
  });
});
