import { describe, expect, it } from "vitest";
import { createOriginals, createPipeline, createUnitCache, marker, SPECIFICATION_VERSION_V2, type CompressorV2, type HookV2, type Tokenizer } from "./index.js";
import { createMapStore } from "./testing/index.js";

/** Counts its calls: a word count per whitespace run. */
function countingTokenizer(): Tokenizer & { calls: number } {
  const t = {
    name: "words",
    encoding: "ws",
    estimated: true,
    calls: 0,
    count(s: string) {
      t.calls++;
      return s.split(/\s+/).filter(Boolean).length;
    },
  };
  return t;
}

/** Keeps the first line and the lines naming a word of the query; stores the whole text. Counts its calls. */
function queryLines(): CompressorV2 & { calls: number } {
  const c = {
    specificationVersion: SPECIFICATION_VERSION_V2,
    name: "query-lines",
    kinds: ["*"],
    calls: 0,
    compress(u: { text: string; query?: string }, ctx: { allowLossy: boolean; aggressiveness: number }) {
      c.calls++;
      if (!ctx.allowLossy) return null;
      const words = (u.query ?? "")
        .toLowerCase()
        .split(/\W+/)
        .filter((w) => w.length > 3);
      const lines = u.text.split("\n");
      const kept = lines.filter((l, i) => i === 0 || (ctx.aggressiveness < 2 && words.some((w) => l.includes(w))));
      const o = createOriginals();
      const key = o.stash(u.text);
      return { text: `${kept.join("\n")}\n${marker(`${lines.length - kept.length} lines compressed`, key)}`, lossless: false, originals: o.list() };
    },
  };
  return c as CompressorV2 & { calls: number };
}

const log = Array.from({ length: 80 }, (_, i) => `step ${i} ${i % 17 === 0 ? "timeout while fetching" : "ok"} in ${i * 3} ms`).join("\n");

function conversation(toolText = log, question = "Why did the fetch timeout?") {
  return [
    { role: "user", content: question },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "run", arguments: '{"cmd":"make"}' } }] },
    { role: "tool", tool_call_id: "c1", content: toolText },
  ];
}

describe("UnitCache lookups", () => {
  it("tells apart texts of one length that differ anywhere, near-identical ones included", () => {
    const cache = createUnitCache();
    const base = "x".repeat(20_000);
    // Differ in one character: at the start, in the middle, at the end (most share a sketch).
    const texts = [0, 1, 2, 3].flatMap((k) => [`${k}${base.slice(1)}`, `${base.slice(0, 9_999)}${k}${base.slice(10_000)}`, `${base.slice(1)}${k}`]);
    for (const [i, t] of texts.entries()) cache.setTokens("s", t, i);
    expect(texts.map((t) => cache.tokens("s", t))).toEqual(texts.map((_, i) => i));
    expect(cache.tokens("s", `${base.slice(1)}9`)).toBeUndefined();
    expect(cache.tokens("other", texts[0]!)).toBeUndefined();
  });

  it("keeps at most a few texts that share a sketch, dropping the oldest", () => {
    const cache = createUnitCache();
    const base = "y".repeat(20_000);
    // One character between the sampled ones and away from the edges: one sketch for all 18 (a bucket
    // holds 16).
    const at = Math.floor(20_000 / 64 / 2);
    const texts = Array.from({ length: 18 }, (_, k) => `${base.slice(0, at)}${String.fromCharCode(65 + k)}${base.slice(at + 1)}`);
    for (const [i, t] of texts.entries()) cache.setTokens("s", t, i);
    expect(texts.map((t) => cache.tokens("s", t))).toEqual([undefined, undefined, ...Array.from({ length: 16 }, (_, i) => i + 2)]);
    expect(cache.stats()).toMatchObject({ entries: 16, evictions: 2 });
  });
});

describe("compress({ cache })", () => {
  it("serves a unit seen before without running its compressor: same bytes, originals put again", async () => {
    const c = queryLines();
    const tokenizer = countingTokenizer();
    const pipeline = createPipeline({ compressors: [c], tokenizer });
    const cache = createUnitCache();
    const first = await pipeline.compress(conversation(), { store: createMapStore(), cache });
    const countsFirst = tokenizer.calls;
    // A fresh store: the hit must put the original again, or the marker would point at nothing.
    const store = createMapStore();
    const second = await pipeline.compress(conversation(), { store, cache });
    expect(c.calls).toBe(1);
    expect(second.messages).toEqual(first.messages);
    expect(second.tokensAfter).toBe(first.tokensAfter);
    expect(second.units[0]).toMatchObject({ status: "compressed", compressor: "query-lines", cached: true, tokensAfter: first.units[0]!.tokensAfter });
    expect(first.units[0]!.cached).toBeUndefined();
    expect(second.ccrHashes).toEqual(first.ccrHashes);
    for (const h of second.ccrHashes) expect(store.map.get(h)).toBe(log);
    // The tool output is neither counted nor compressed again (the short question is, uncached).
    expect(tokenizer.calls - countsFirst).toBeLessThan(countsFirst);
    expect(cache.stats().hits).toBe(2); // its count and its outcome
  });

  it("matches the uncached result for a conversation that grows turn by turn", async () => {
    const c = queryLines();
    const pipeline = createPipeline({ compressors: [c], tokenizer: countingTokenizer() });
    const cache = createUnitCache();
    const msgs: unknown[] = conversation();
    for (let turn = 0; turn < 4; turn++) {
      const plain = await pipeline.compress(msgs, { store: createMapStore() });
      const cached = await pipeline.compress(msgs, { store: createMapStore(), cache });
      expect(cached.messages).toEqual(plain.messages);
      expect(cached.units.map((u) => u.tokensAfter)).toEqual(plain.units.map((u) => u.tokensAfter));
      msgs.push(...conversation(`${log}\nturn ${turn}`, `And turn ${turn}: what timed out?`).map((m) => ({ ...m })));
    }
  });

  it("runs the compressor again when anything it sees differs: query, aggressiveness, text, pipeline", async () => {
    const c = queryLines();
    const tokenizer = countingTokenizer();
    const cache = createUnitCache();
    const pipeline = createPipeline({ compressors: [c], tokenizer });
    const store = createMapStore();
    await pipeline.compress(conversation(), { store, cache });
    await pipeline.compress(conversation(log, "Which step was ok?"), { store, cache });
    await pipeline.compress(conversation(), { store, cache, aggressiveness: 2 });
    await pipeline.compress(conversation(`${log}\nstep 80 ok`), { store, cache });
    // Lossless mode (no store) is another outcome too.
    await pipeline.compress(conversation(), { cache });
    expect(c.calls).toBe(5);
    // A second pipeline with a compressor of the same name shares nothing.
    const other = queryLines();
    await createPipeline({ compressors: [other], tokenizer }).compress(conversation(), { store, cache });
    expect(other.calls).toBe(1);
    await pipeline.compress(conversation(), { store, cache });
    expect(c.calls).toBe(5);
  });

  it("remembers declines, never errors or cut-offs; hooks run on every call", async () => {
    let declines = 0;
    const decline: CompressorV2 = {
      specificationVersion: SPECIFICATION_VERSION_V2,
      name: "decline",
      kinds: ["*"],
      compress: () => {
        declines++;
        return { decline: "nothing to drop" };
      },
    };
    let throws = 0;
    const failing: CompressorV2 = {
      specificationVersion: SPECIFICATION_VERSION_V2,
      name: "failing",
      kinds: ["*"],
      compress: () => {
        throws++;
        throw new Error("boom");
      },
    };
    let slow = 0;
    const late: CompressorV2 = {
      specificationVersion: SPECIFICATION_VERSION_V2,
      name: "late",
      kinds: ["*"],
      compress: async () => {
        slow++;
        await new Promise((r) => setTimeout(r, 30));
        return null;
      },
    };
    const seen: string[] = [];
    const hook: HookV2 = {
      specificationVersion: SPECIFICATION_VERSION_V2,
      name: "watch",
      beforeUnit: () => void seen.push("before"),
      afterUnit: (_u, r) => void seen.push(`after ${r.reason}`),
    };
    const cache = createUnitCache();
    const tokenizer = countingTokenizer();
    const declining = createPipeline({ compressors: [decline], hooks: [hook], tokenizer });
    for (let i = 0; i < 2; i++) {
      const r = await declining.compress(conversation(), { store: createMapStore(), cache });
      expect(r.units[0]!.reason).toBe("decline declined: nothing to drop");
    }
    expect(declines).toBe(1);
    expect(seen).toEqual(["before", "after decline declined: nothing to drop", "before", "after decline declined: nothing to drop"]);
    const failingPipeline = createPipeline({ compressors: [failing], tokenizer });
    for (let i = 0; i < 2; i++) expect((await failingPipeline.compress(conversation(), { store: createMapStore(), cache })).errors).toHaveLength(1);
    expect(throws).toBe(2);
    const latePipeline = createPipeline({ compressors: [late], tokenizer, timeBudgetMs: 5 });
    for (let i = 0; i < 2; i++) expect((await latePipeline.compress(conversation(), { store: createMapStore(), cache })).errors[0]!.stage).toBe("timeout");
    expect(slow).toBe(2);
  });

  it("stays within maxBytes, least recently used out first, and ignores short texts", async () => {
    const c = queryLines();
    const tokenizer = countingTokenizer();
    const pipeline = createPipeline({ compressors: [c], tokenizer });
    const texts = [0, 1, 2].map((k) => `${log}\nrun ${k}`);
    // Room for what two such units take.
    const probe = createUnitCache();
    await pipeline.compress(conversation(texts[0]), { store: createMapStore(), cache: probe });
    const cache = createUnitCache({ maxBytes: Math.floor(2.5 * probe.stats().bytes) });
    for (const t of texts) await pipeline.compress(conversation(t), { store: createMapStore(), cache });
    expect(cache.stats().evictions).toBeGreaterThan(0);
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.maxBytes);
    c.calls = 0;
    await pipeline.compress(conversation(texts[2]), { store: createMapStore(), cache });
    expect(c.calls).toBe(0);
    await pipeline.compress(conversation(texts[0]), { store: createMapStore(), cache });
    expect(c.calls).toBe(1);
    const short = "step 1 timeout while fetching\n".repeat(7);
    const before = cache.stats();
    await pipeline.compress(conversation(short), { store: createMapStore(), cache, minTokens: 1 });
    expect(cache.stats().entries).toBe(before.entries);
    expect(() => createUnitCache({ maxBytes: -1 })).toThrow(RangeError);
  });
});
