import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ccrKey,
  compress,
  createOriginals,
  markWhole,
  createPipeline,
  marker,
  SPECIFICATION_VERSION,
  type CompressorV1 as Compressor,
  type HookV1 as Hook,
  type Tokenizer,
} from "./index.js";
import { sha256Hex } from "./sha256.js";
import { createMapStore } from "./testing/index.js";

const words: Tokenizer = { name: "words", encoding: "ws", estimated: true, count: (t) => t.split(/\s+/).filter(Boolean).length };

/** Lossless: collapses runs of spaces. */
const squeeze: Compressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "squeeze",
  kinds: ["*"],
  compress: (u) => ({ text: u.text.replace(/ {2,}/g, " "), lossless: true }),
};

/** Lossy: keeps the first line, stores the rest. */
const firstLine: Compressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "first-line",
  kinds: ["*"],
  compress(u, ctx) {
    if (!ctx.reversible) return null;
    const o = createOriginals();
    const key = o.stash(u.text);
    const n = u.text.split("\n").length;
    return { text: `${u.text.split("\n")[0]}\n${marker(`${n - 1} lines compressed`, key)}`, lossless: false, originals: o.list() };
  },
};

const longText = Array.from({ length: 50 }, (_, i) => `line ${i} has some words in it`).join("\n");

function chat(toolContent: string) {
  return [
    { role: "system", content: "You are helpful." },
    { role: "user", content: "What failed in the build?" },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read_log", arguments: "{\"file_path\":\"build.log\"}" } }] },
    { role: "tool", tool_call_id: "c1", content: toolContent },
    { role: "assistant", content: "Looking." },
  ];
}

describe("sha256 / ccrKey", () => {
  it("matches node:crypto on arbitrary strings including lone surrogates", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        const expected = createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex");
        expect(sha256Hex(s)).toBe(expected);
      }),
      { numRuns: 300 },
    );
    expect(ccrKey("abc")).toBe("ba7816bf8f01cfea414140de");
    expect(sha256Hex("x".repeat(100_000))).toBe(createHash("sha256").update("x".repeat(100_000)).digest("hex"));
  });
});

describe("markWhole", () => {
  it("puts the marker of the stored whole input above the body, and declines when not shorter", () => {
    const original = "a\n".repeat(200);
    const r = markWhole(original, "200 lines compressed to 1", "a", { kind: "test" }, "test:select")!;
    expect(r.text).toBe(`${marker("200 lines compressed to 1", ccrKey(original))}\na`);
    expect(r).toMatchObject({ lossless: false, transforms: ["test:select"], originals: [{ key: ccrKey(original), content: original, meta: { kind: "test" } }] });
    expect(markWhole("short", "x", "body", undefined, "t")).toBeNull();
  });
});

describe("compress() on OpenAI chat", () => {
  it("compresses tool outputs in place and leaves every other message the same object", async () => {
    const msgs = chat(longText);
    const store = createMapStore();
    const r = await compress(msgs, { compressors: [firstLine], store, tokenizer: words, minTokens: 10 });
    expect(r.format).toBe("openai-chat");
    expect(r.messages).not.toBe(msgs);
    for (const i of [0, 1, 2, 4]) expect(r.messages[i]).toBe(msgs[i]);
    const out = (r.messages[3] as { content: string }).content;
    expect(out).toMatch(/^line 0 has some words in it\n\[49 lines compressed\. Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(r.ccrHashes).toEqual([ccrKey(longText)]);
    expect(store.map.get(ccrKey(longText))).toBe(longText);
    expect(r.tokensSaved).toBe(r.tokensBefore - r.tokensAfter);
    expect(r.compressionRatio).toBeGreaterThan(0.8);
    expect(r.units[0]).toMatchObject({ id: "messages[3].content", toolName: "read_log", status: "compressed", compressor: "first-line", lossless: false });
    expect(msgs[3]!.content).toBe(longText); // input not mutated
  });

  it("never emits lossy output without a store, and says why", async () => {
    const r = await compress(chat(longText), { compressors: [firstLine], tokenizer: words, minTokens: 1 });
    expect(r.messages[3]).toEqual(chat(longText)[3]);
    expect(r.units[0]!.status).toBe("unchanged");
    expect(r.units[0]!.reason).toContain("first-line declined");
  });

  it("never inflates: a longer result keeps the original", async () => {
    const inflate: Compressor = { ...squeeze, name: "inflate", compress: (u) => ({ text: u.text + " extra words here", lossless: true }) };
    const msgs = chat(longText);
    const r = await compress(msgs, { compressors: [inflate], tokenizer: words, minTokens: 1 });
    expect(r.messages[3]).toBe(msgs[3]);
    expect(r.tokensAfter).toBe(r.tokensBefore);
    expect(r.units[0]!.reason).toContain("no gain");
  });

  it("fails open when a compressor throws, reports the error, and tries the next one", async () => {
    const boom: Compressor = { ...squeeze, name: "boom", priority: 10, compress: () => { throw new Error("kaput"); } };
    const msgs = chat("a  b  c  ".repeat(100));
    const r = await compress(msgs, { compressors: [boom], tokenizer: { ...words, count: (t) => t.length } , minTokens: 1 });
    expect(r.messages).toBe(msgs);
    expect(r.errors).toEqual([{ unitId: "messages[3].content", compressor: "boom", stage: "compress", message: "kaput" }]);
    const r2 = await compress(msgs, { compressors: [boom, squeeze], tokenizer: { ...words, count: (t) => t.length }, minTokens: 1 });
    expect((r2.messages[3] as { content: string }).content).toBe("a b c ".repeat(100));
    expect(r2.errors).toHaveLength(1);
  });

  it("rejects markers whose original was not returned (nothing lost)", async () => {
    const liar: Compressor = { ...squeeze, name: "liar", compress: () => ({ text: marker("all gone", "0".repeat(24)), lossless: false }) };
    const r = await compress(chat(longText), { compressors: [liar], store: createMapStore(), tokenizer: words, minTokens: 1 });
    expect((r.messages[3] as { content: string }).content).toBe(longText);
    expect(r.errors[0]!.stage).toBe("validate");
  });

  it("is deterministic and prefix-stable: a later turn does not change earlier compressed messages", async () => {
    const opts = { compressors: [firstLine], tokenizer: words, minTokens: 1 };
    const a = await compress(chat(longText), { ...opts, store: createMapStore() });
    const longer = [...chat(longText), { role: "user", content: "now something else entirely" }];
    const b = await compress(longer, { ...opts, store: createMapStore() });
    expect(JSON.stringify(b.messages.slice(0, 5))).toBe(JSON.stringify(a.messages));
    const c = await compress(chat(longText), { ...opts, store: createMapStore() });
    expect(JSON.stringify(c.messages)).toBe(JSON.stringify(a.messages));
  });

  it("skips retrieval results, already-compressed units, excluded tools, small units and protected messages", async () => {
    const msgs = [
      { role: "user", content: "q" },
      { role: "assistant", content: null, tool_calls: [
        { id: "a", type: "function", function: { name: "headroom_retrieve", arguments: "{}" } },
        { id: "b", type: "function", function: { name: "mcp__secret__read", arguments: "{}" } },
        { id: "c", type: "function", function: { name: "ls", arguments: "{}" } },
        { id: "d", type: "function", function: { name: "ls", arguments: "{}" } },
      ] },
      { role: "tool", tool_call_id: "a", content: longText },
      { role: "tool", tool_call_id: "b", content: longText },
      { role: "tool", tool_call_id: "c", content: `x\n${marker("old", ccrKey("old"))}\n${longText}` },
      { role: "tool", tool_call_id: "d", content: "tiny" },
      { role: "user", content: "and e?" },
      { role: "assistant", content: null, tool_calls: [{ id: "e", type: "function", function: { name: "ls", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "e", content: longText },
    ];
    const r = await compress(msgs, { compressors: [firstLine], store: createMapStore(), tokenizer: words, minTokens: 3, excludeTools: ["mcp__*"], protectRecent: 1 });
    expect(r.messages).toBe(msgs);
    expect(r.units.map((u) => u.reason)).toEqual(["retrieval result", "excluded tool", "already compressed", "below minTokens", "protected (recent)"]);
  });

  it("stops once the token budget is met (oldest first)", async () => {
    const msgs = [...chat(longText), { role: "tool", tool_call_id: "c1", content: longText }];
    const r = await compress(msgs, { compressors: [firstLine], store: createMapStore(), tokenizer: words, minTokens: 1, tokenBudget: 400 });
    expect(r.units.map((u) => u.status)).toEqual(["compressed", "skipped"]);
    expect(r.units[1]!.reason).toBe("within token budget");
  });
});

describe("hooks", () => {
  it("veto, bias, observe and change options, in enforce order", async () => {
    const seen: string[] = [];
    let biasSeen = 0;
    const biasProbe: Compressor = { ...squeeze, name: "probe", compress: (u, ctx) => { biasSeen = ctx.bias; return squeeze.compress(u, ctx); } };
    const hooks: Hook[] = [
      { name: "observer", afterUnit: (_u, rep) => void seen.push(`after:${rep.status}`), afterPipeline: (r) => void seen.push(`done:${r.units.length}`) },
      { name: "biaser", enforce: "pre", beforeUnit: () => ({ bias: 2 }), beforePipeline: () => ({ minTokens: 1 }) },
    ];
    const msgs = chat("a  b  c  ".repeat(50));
    const p = createPipeline({ compressors: [biasProbe], hooks, tokenizer: { ...words, count: (t) => t.length }, minTokens: 10_000 });
    expect(p.describe().hooks.map((h) => h.name)).toEqual(["biaser", "observer"]);
    const r = await p.compress(msgs);
    expect(r.units[0]!.status).toBe("compressed");
    expect(biasSeen).toBe(2);
    expect(seen).toEqual(["after:compressed", "done:1"]);

    const veto: Hook = { name: "veto", beforeUnit: (u) => (u.toolName === "read_log" ? { skip: "logs stay" } : undefined) };
    const r2 = await compress(msgs, { compressors: [squeeze], hooks: [veto], tokenizer: words, minTokens: 1 });
    expect(r2.messages).toBe(msgs);
    expect(r2.units[0]!.reason).toBe("vetoed by veto: logs stay");
  });

  it("a throwing hook is reported and ignored", async () => {
    const bad: Hook = { name: "bad", beforeUnit: () => { throw new Error("hook broke"); } };
    const r = await compress(chat("a  b  ".repeat(50)), { compressors: [squeeze], hooks: [bad], tokenizer: { ...words, count: (t) => t.length }, minTokens: 1 });
    expect(r.units[0]!.status).toBe("compressed");
    expect(r.errors[0]).toMatchObject({ stage: "hook", message: "bad.beforeUnit: hook broke" });
  });
});

describe("createPipeline", () => {
  it("describes itself as plain data and validates plugins", async () => {
    const p = createPipeline({ compressors: [squeeze, { ...firstLine, priority: 5 }] });
    expect(p.describe()).toMatchObject({
      specificationVersion: "v2",
      accepts: ["v1", "v2"],
      compressors: [{ name: "first-line", kinds: ["*"], priority: 5, specificationVersion: "v1" }, { name: "squeeze", kinds: ["*"], priority: 0 }],
      detector: false,
      store: false,
      settings: { model: "gpt-4o", minTokens: 200, protectRecent: 0, roles: ["tool"] },
    });
    // An unknown version is reported and skipped, never thrown (v1 threw here).
    const bad = createPipeline({ compressors: [{ ...squeeze, specificationVersion: "v0" as never }] });
    expect(bad.compressors).toEqual([]);
    expect(bad.describe().rejected).toEqual(["compressor squeeze implements spec v0; this core runs v1, v2 (skipped)"]);
    expect((await bad.compress(chat(longText))).errors).toEqual([{ stage: "plugin", compressor: "squeeze", message: "compressor squeeze implements spec v0; this core runs v1, v2 (skipped)" }]);
  });

  it("compressText treats text as one tool output", async () => {
    const r = await createPipeline({ compressors: [firstLine], store: createMapStore(), tokenizer: words, minTokens: 1 }).compressText(longText, { query: "why?" });
    expect(r.text.startsWith("line 0")).toBe(true);
    expect(r.tokensBefore).toBe(words.count(longText));
    expect(r.ccrHashes).toHaveLength(1);
  });

  it("passes the preceding user turn as the query, not a later one", async () => {
    const queries: (string | undefined)[] = [];
    const spy: Compressor = { ...squeeze, name: "spy", compress: (u) => { queries.push(u.query); return null; } };
    const msgs = [...chat(longText), { role: "user", content: "a later question" }];
    await compress(msgs, { compressors: [spy], tokenizer: words, minTokens: 1 });
    expect(queries).toEqual(["What failed in the build?"]);
  });
});
