import { describe, expect, it } from "vitest";
import {
  asCompressorV2,
  compress,
  createOriginals,
  createPipeline,
  marker,
  CONTENT_KINDS,
  SPECIFICATION_VERSION,
  type CompressorV1 as Compressor,
  type CompressorV2,
  type DetectorV2,
  type HookV1 as Hook,
  type HookV2,
} from "./index.js";
import { createMapStore } from "./testing/index.js";

const words = { name: "words", encoding: "ws", estimated: true, count: (t: string) => t.split(/\s+/).filter(Boolean).length };
const longText = Array.from({ length: 50 }, (_, i) => `line ${i} has some words in it`).join("\n");

function chat(toolContent: string, args = '{"file_path":"build.log"}') {
  return [
    { role: "user", content: "What failed in the build?" },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read_log", arguments: args } }] },
    { role: "tool", tool_call_id: "c1", content: toolContent },
  ];
}
const toolText = (r: { messages: unknown[] }) => (r.messages[2] as { content: string }).content;

describe("spec v1 still runs unchanged", () => {
  // Written exactly as the 0.1 README showed it.
  const dedupe: Compressor = {
    specificationVersion: SPECIFICATION_VERSION,
    name: "dedupe-lines",
    kinds: ["*"],
    compress(unit, ctx) {
      if (!ctx.reversible) return null; // lossy: only with a store
      const lines = [...new Set(unit.text.split("\n"))];
      const o = createOriginals();
      const key = o.stash(unit.text);
      return { text: `${lines.join("\n")}\n${marker("duplicate lines removed", key)}`, lossless: false, originals: o.list() };
    },
  };

  it("the README's v1 plugin compresses with a store and declines without one", async () => {
    const text = Array.from({ length: 40 }, () => "the same line repeated").join("\n");
    const store = createMapStore();
    const r = await compress(chat(text), { compressors: [dedupe], store, tokenizer: words, minTokens: 1 });
    expect(toolText(r)).toBe(`the same line repeated\n${marker("duplicate lines removed", r.ccrHashes[0]!)}`);
    expect(store.map.get(r.ccrHashes[0]!)).toBe(text);
    expect(r.errors).toEqual([]);
    const noStore = await compress(chat(text), { compressors: [dedupe], tokenizer: words, minTokens: 1 });
    expect(noStore.units[0]!.reason).toBe("dedupe-lines declined");
  });

  it("v1 plugins see the v1 unit and context fields; v1 hooks see v1 units and bias", async () => {
    const seen: unknown[] = [];
    const spy: Compressor = {
      specificationVersion: "v1",
      name: "spy",
      kinds: ["*"],
      compress(unit, ctx) {
        seen.push({ toolName: unit.toolName, fileName: unit.fileName, query: unit.query, ctxQuery: ctx.query, reversible: ctx.reversible, bias: ctx.bias, delegate: typeof ctx.delegate });
        return null;
      },
    };
    const hook: Hook = { name: "v1-hook", beforePipeline: ({ settings }) => ({ bias: settings.bias * 3 }), beforeUnit: (u) => {
        seen.push(u.toolName);
        return { bias: 2 };
      },
    };
    await compress(chat(longText), { compressors: [spy], hooks: [hook], store: createMapStore(), tokenizer: words, minTokens: 1 });
    expect(seen).toEqual([
      "read_log",
      { toolName: "read_log", fileName: "build.log", query: "What failed in the build?", ctxQuery: "What failed in the build?", reversible: true, bias: 6, delegate: "function" },
    ]);
  });
});

describe("spec v2", () => {
  const csvDetector: DetectorV2 = {
    name: "acme/csv",
    kinds: ["csv"],
    detect: (text) => (/^[\w ]+(,[\w ]+)+\n/.test(text) ? { kind: "csv", confidence: 0.95 } : null),
  };
  /** Lossless: drops the repeated header lines of a CSV export. */
  const csv: CompressorV2 = {
    specificationVersion: "v2",
    name: "acme/csv",
    kinds: ["csv"],
    detectors: [csvDetector],
    compress(unit, ctx) {
      const [head, ...rows] = unit.text.split("\n");
      const kept = rows.filter((r) => r !== head);
      if (kept.length === rows.length) return { decline: "no repeated header" };
      if (ctx.inputTokens < 5) ctx.report("suspiciously small input");
      return { text: [head, ...kept].join("\n"), lossless: true, transforms: ["acme/csv:headers"] };
    },
  };
  const csvText = Array.from({ length: 30 }, (_, i) => (i % 5 === 0 ? "name,age,city" : `ann ${i},${20 + i},paris`)).join("\n");

  it("a v2 plugin with its own detector works without the router", async () => {
    const r = await compress(chat(csvText), { compressors: [csv], tokenizer: words, minTokens: 1 });
    expect(r.units[0]).toMatchObject({ kind: "csv", compressor: "acme/csv", status: "compressed", transforms: ["acme/csv:headers"] });
    expect(toolText(r).split("\n").filter((l) => l === "name,age,city")).toHaveLength(1);
    const plain = await compress(chat(longText), { compressors: [csv], tokenizer: words, minTokens: 1 });
    expect(plain.units[0]!.reason).toBe("no compressor");
    expect(createPipeline({ compressors: [csv] }).describe().detectors.map((d) => d.name)).toEqual(["acme/csv", "core/json"]);
  });

  it("a decline carries its reason into the report", async () => {
    const once = "name,age,city\n" + Array.from({ length: 30 }, (_, i) => `ann ${i},${i},rome`).join("\n");
    const r = await compress(chat(once), { compressors: [csv], tokenizer: words, minTokens: 1 });
    expect(r.units[0]!.reason).toBe("acme/csv declined: no repeated header");
  });

  it("ctx.report records a non-fatal problem and compression goes on", async () => {
    const tiny = "a,b\na,b\nc,d\n";
    const r = await compress(chat(tiny), { compressors: [csv], tokenizer: { ...words, count: (t: string) => t.length }, minTokens: 1 });
    expect(r.units[0]!.status).toBe("compressed");
    const r2 = await compress(chat(tiny), { compressors: [csv], tokenizer: words, minTokens: 1 });
    expect(r2.errors).toEqual([{ unitId: "messages[2].content", compressor: "acme/csv", stage: "report", message: "suspiciously small input" }]);
  });

  it("v2 plugins get unit.source, allowLossy and aggressiveness; v2 hooks change aggressiveness", async () => {
    const seen: unknown[] = [];
    const spy: CompressorV2 = {
      specificationVersion: "v2",
      name: "spy",
      kinds: ["*"],
      compress(unit, ctx) {
        seen.push({ source: unit.source, query: unit.query, allowLossy: ctx.allowLossy, aggressiveness: ctx.aggressiveness, budget: ctx.timeBudgetMs, aborted: ctx.signal.aborted });
        return null;
      },
    };
    const hook: HookV2 = { specificationVersion: "v2", name: "h", beforeUnit: (u) => (u.source.toolName === "read_log" ? { aggressiveness: 2 } : undefined) };
    await compress(chat(longText), { compressors: [spy], hooks: [hook], tokenizer: words, minTokens: 1, aggressiveness: 1.5 });
    expect(seen).toEqual([
      { source: { toolName: "read_log", toolArgs: '{"file_path":"build.log"}', fileName: "build.log" }, query: "What failed in the build?", allowLossy: false, aggressiveness: 3, budget: 10000, aborted: false },
    ]);
  });

  it("a json compressor runs on JSON without the router (core's JSON detector)", async () => {
    const minify: CompressorV2 = {
      specificationVersion: "v2",
      name: "minify",
      kinds: [CONTENT_KINDS.json],
      compress: (u) => ({ text: JSON.stringify(JSON.parse(u.text)), lossless: true }),
    };
    const pretty = JSON.stringify({ rows: Array.from({ length: 20 }, (_, i) => ({ id: i })) }, null, 2);
    const r = await compress(chat(pretty), { compressors: [minify], tokenizer: { ...words, count: (t: string) => t.length }, minTokens: 1 });
    expect(r.units[0]).toMatchObject({ kind: "json", status: "compressed" });
    expect(JSON.parse(toolText(r))).toEqual(JSON.parse(pretty));
  });

  it("asCompressorV2 upgrades a v1 compressor to the v2 contract", async () => {
    const v1: Compressor = { specificationVersion: "v1", name: "old", kinds: ["log"], priority: 3, compress: (u, ctx) => ({ text: `${u.fileName}:${ctx.reversible}:${ctx.bias}`, lossless: true }) };
    const up = asCompressorV2(v1);
    expect(up).toMatchObject({ specificationVersion: "v2", name: "old", kinds: ["log"], priority: 3 });
    const { createMockContext, createUnit } = await import("./testing/index.js");
    const out = await up.compress(createUnit("x", { source: { fileName: "a.log" } }), createMockContext({ allowLossy: false, aggressiveness: 2 }));
    expect(out).toEqual({ text: "a.log:false:2", lossless: true });
  });
});

describe("plugins of an unknown version, or malformed, are reported and skipped", () => {
  const ok: Compressor = { specificationVersion: "v1", name: "squeeze", kinds: ["*"], compress: (u) => ({ text: u.text.replace(/ {2,}/g, " "), lossless: true }) };
  const spaced = "a  b  c  ".repeat(60);
  const chars = { ...words, count: (t: string) => t.length };

  it("per call too, while the valid plugins still run", async () => {
    const p = createPipeline({ compressors: [ok], tokenizer: chars, minTokens: 1 });
    const v9 = { ...ok, name: "future", specificationVersion: "v9" } as unknown as Compressor;
    const malformed = { specificationVersion: "v2", name: "broken", kinds: "json" } as unknown as Compressor;
    const r = await p.compress(chat(spaced), { compressors: [v9, malformed, null as unknown as Compressor] });
    expect(toolText(r)).toBe("a b c ".repeat(60));
    expect(r.errors).toEqual([
      { stage: "plugin", compressor: "future", message: "compressor future implements spec v9; this core runs v1, v2 (skipped)" },
      { stage: "plugin", compressor: "broken", message: "compressor broken has no compress() function (skipped)" },
      { stage: "plugin", message: "not a compressor: null (skipped)" },
    ]);
    const badHook = { name: "h3", specificationVersion: "v3", beforeUnit: () => ({ skip: true }) } as unknown as Hook;
    const r2 = await p.compress(chat(spaced), { hooks: [badHook] });
    expect(r2.units[0]!.status).toBe("compressed");
    expect(r2.errors).toEqual([{ stage: "plugin", message: "hook h3 implements spec v3; this core runs v1, v2 (skipped)" }]);
  });

  it("a v2 object with a v1 shape no longer runs as if it were v1", async () => {
    const pretending = { ...ok, name: "pretend", specificationVersion: "v2", compress: (_u: unknown, ctx: { reversible?: boolean }) => (ctx.reversible === undefined ? null : { text: "x", lossless: true }) } as unknown as CompressorV2;
    const r = await compress(chat(spaced), { compressors: [pretending], tokenizer: chars, minTokens: 1 });
    expect(r.units[0]!.reason).toBe("pretend declined");
  });
});

describe("the README's v2 example", () => {
  // Copied from packages/core/README.md.
  const csvDetector: DetectorV2 = {
    name: "acme/csv",
    kinds: ["csv"],
    detect: (text) => (/^[^,\n]+(,[^,\n]+)+\n/.test(text) ? { kind: "csv", confidence: 0.9 } : null),
  };
  const csv: CompressorV2 = {
    specificationVersion: "v2",
    name: "acme/csv",
    kinds: ["csv"],
    detectors: [csvDetector],
    compress(unit, ctx) {
      if (!ctx.allowLossy) return { decline: "needs a store for the rows it drops" };
      const rows = unit.text.split("\n");
      if (rows.length < 50) return { decline: "short table" };
      const o = createOriginals();
      const key = o.stash(unit.text);
      const kept = rows.slice(0, 21).join("\n");
      return { text: `${kept}\n${marker(`${rows.length - 21} more rows`, key)}`, lossless: false, originals: o.list() };
    },
  };

  it("compresses a long CSV without the router and passes checkCompressor", async () => {
    const orders = ["id,customer,total", ...Array.from({ length: 80 }, (_, i) => `${i},customer ${i},${i * 3}.50`)].join("\n");
    const store = createMapStore();
    const r = await compress(chat(orders), { compressors: [csv], store, tokenizer: words, minTokens: 1 });
    expect(r.units[0]).toMatchObject({ kind: "csv", status: "compressed" });
    expect(toolText(r)).toContain("[60 more rows. Retrieve more: hash=");
    expect(store.map.get(r.ccrHashes[0]!)).toBe(orders);
    const { checkCompressor } = await import("./testing/index.js");
    const report = await checkCompressor(csv, [{ name: "orders", text: orders, expect: "compressed" }, "a,b\n1,2"]);
    expect(report.problems).toEqual([]);
    expect(report.runs.map((x) => x.reason ?? x.status)).toEqual(["compressed", "acme/csv declined: needs a store for the rows it drops", "acme/csv declined: short table", "acme/csv declined: needs a store for the rows it drops"]);
  });
});
