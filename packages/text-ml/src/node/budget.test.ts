// Time budget, fallback, crash recovery and event-loop responsiveness, on a deliberately slow model
// (the tiny classifier with extra identity MatMul layers: same output, real CPU cost per token).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asCompressorV2, createPipeline, type AnyCompressor, type Compressor } from "@headroom/core";
import { createMockContext, createUnit } from "@headroom/core/testing";
import { MemoryStore } from "@headroom/ccr";
import { startProxy } from "@headroom/proxy/node";
import { createProseCompressor } from "@headroom/prose";
import { getTokenizer } from "@headroom/tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTinyModel } from "../testing/index.js";
import type { TextMlEvent } from "../index.js";
import { resultOf } from "./fallback.js";
import { createTextMlCompressor, type TextMlCompressor } from "./index.js";

const prose = () => ({ kind: "prose" as const, confidence: 1 });
const pipe = (c: Compressor) => createPipeline({ compressors: [c], detect: prose, model: "gpt-4o" });

/** Prose of made-up words: not in the vocabulary, so each character is a token (the estimate is 3× low). */
function gibberish(chars: number, seed = 1): string {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    const len = 3 + Math.floor(rnd() * 6);
    let w = "";
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(rnd() * 26));
    if (rnd() < 0.12) w = w[0]!.toUpperCase() + w.slice(1) + ".";
    out.push(w);
    n += w.length + 1;
  }
  return out.join(" ") + ".";
}

let root: string;
let slowDir: string;
const open: TextMlCompressor[] = [];
const make = (o: Parameters<typeof createTextMlCompressor>[0]) => {
  const c = createTextMlCompressor({ model: slowDir, batchSize: 1, ...o });
  open.push(c);
  return c;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "text-ml-slow-"));
  // ~20–60 ms per 128-token chunk on one core: slow enough to blow a budget, fast enough for CI.
  slowDir = writeTinyModel(join(root, "slow"), { slowLayers: 16, hidden: 512 });
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

describe("time budget", () => {
  it("falls back to the prose result when the model misses the budget, and frees the worker", async () => {
    const budget = 400;
    const events: TextMlEvent[] = [];
    // A fixed prose share: these texts are below prose's size-aware floor, where it would keep them whole.
    const c = make({ timeBudgetMs: budget, onEvent: (e) => events.push(e), prose: { targetRatio: 0.5 } });
    const { chunkMs } = await c.ready();
    // Sized so that the up-front estimate (chars / 3.2 per token) is 85% of the budget, so the model is
    // tried; the real token count is about three times that, so inference runs well past the budget even
    // when the machine's load eases after chunkMs was measured.
    const chars = Math.round(((budget * 0.85) / chunkMs!) * 126 * 3.2);
    const text = gibberish(Math.max(chars, 1500));
    const t0 = performance.now();
    const r = await pipe(c).compressText(text, { store: new MemoryStore() });
    const took = performance.now() - t0;
    expect(r.units[0]?.transforms[0]).toBe("text-ml:fallback:budget");
    expect(r.units[0]?.transforms).toContain("prose:extract");
    expect(r.units[0]?.status).toBe("compressed");
    expect(events.find((e) => e.type === "fallback")).toMatchObject({ reason: "budget", detail: `no model result within ${budget} ms` });
    expect(took).toBeLessThan(budget + 250); // the budget, plus the prose fallback and slack
    // The worker stops the abandoned job after its current batch.
    const freed = performance.now();
    while (c.pool!.load > 0 && performance.now() - freed < 3000) await new Promise((res) => setTimeout(res, 10));
    expect(c.pool!.load).toBe(0);
  });

  it("skips the model when the estimate alone exceeds the budget, and while it is loading", async () => {
    const events: TextMlEvent[] = [];
    const c = make({ timeBudgetMs: 30, onEvent: (e) => events.push(e), prose: { targetRatio: 0.5 } });
    const text = gibberish(3000);
    const first = await pipe(c).compressText(text, { store: new MemoryStore() });
    expect(first.units[0]?.transforms[0]).toBe("text-ml:fallback:loading");
    await c.ready();
    const big = gibberish(200_000, 7);
    const t0 = performance.now();
    const r = await pipe(c).compressText(big, { store: new MemoryStore() });
    expect(r.units[0]?.transforms[0]).toBe("text-ml:fallback:estimate");
    expect(performance.now() - t0).toBeLessThan(1500); // prose on 200 kB, no inference at all
    expect(c.pool!.load).toBe(0);
    expect(events.map((e) => e.type === "fallback" && e.reason)).toEqual(["loading", "estimate"]);
  });
});

describe("worker crash", () => {
  it("fails the unit open with the error reported, restarts the worker, and serves the next unit", async () => {
    const c = make({ timeBudgetMs: 60_000 });
    await c.ready();
    const text = gibberish(6000, 3);
    const running = pipe(c).compressText(text, { store: new MemoryStore() });
    await new Promise((res) => setTimeout(res, 150));
    await c.pool!.kill(0);
    const r = await running;
    expect(r.text).toBe(text);
    expect(r.units[0]?.status).toBe("unchanged");
    expect(r.errors).toEqual([expect.objectContaining({ compressor: "text-ml", stage: "compress", message: expect.stringMatching(/worker exited with code \d+ while compressing; unit left unchanged/) })]);
    const next = await pipe(c).compressText(gibberish(1500, 4), { store: new MemoryStore() });
    expect(next.errors).toEqual([]);
    expect(next.units[0]).toMatchObject({ status: "compressed", transforms: ["text-ml:tokens"] });
    expect(c.pool!.info.restarts).toBe(1);
    expect(c.stats.errors).toBe(1);
  });
});

describe("never block", () => {
  it("keeps the event loop responsive while a slow model runs", async () => {
    const c = make({ timeBudgetMs: 60_000 });
    await c.ready();
    const lags: number[] = [];
    let last = performance.now();
    const tick = setInterval(() => {
      const t = performance.now();
      lags.push(t - last - 5);
      last = t;
    }, 5);
    const t0 = performance.now();
    const results = await Promise.all([1, 2, 3].map((s) => pipe(c).compressText(gibberish(3000, s), { store: new MemoryStore() })));
    const took = performance.now() - t0;
    clearInterval(tick);
    for (const r of results) expect(r.units[0]?.transforms).toEqual(["text-ml:tokens"]);
    expect(took).toBeGreaterThan(300); // the model really was slow…
    lags.sort((a, b) => a - b);
    const p99 = lags[Math.floor(lags.length * 0.99)]!;
    expect(lags.length).toBeGreaterThan(took / 20);
    expect(p99).toBeLessThan(50); // …and the loop kept ticking
  });
});

describe("never block, through the proxy", () => {
  it("answers other requests within 50 ms while text-ml compresses on a slow model", async () => {
    const c = make({ timeBudgetMs: 60_000 });
    await c.ready();
    const proxy = await startProxy({ port: 0, store: new MemoryStore(), pipeline: pipe(c), compressionTimeoutMs: 60_000 });
    try {
      for (let i = 0; i < 5; i++) await (await fetch(`${proxy.url}/health`)).arrayBuffer(); // connection and JIT warm-up
      const body = (seed: number) =>
        JSON.stringify({
          model: "gpt-4o",
          messages: [
            { role: "user", content: "summarise the notes" },
            { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "read_notes", arguments: "{}" } }] },
            { role: "tool", tool_call_id: "t1", content: gibberish(2000, seed) },
          ],
        });
      const compressing = Promise.all([5, 6].map((s) => fetch(`${proxy.url}/v1/compress`, { method: "POST", headers: { "content-type": "application/json" }, body: body(s) }).then((r) => r.json() as Promise<{ tokens_saved: number; transforms_applied: string[] }>)));
      let done = false;
      void compressing.finally(() => (done = true));
      const pings: number[] = [];
      while (!done) {
        const t0 = performance.now();
        const r = await fetch(`${proxy.url}/health`);
        await r.arrayBuffer();
        pings.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 10));
      }
      const out = await compressing;
      for (const o of out) expect(o.transforms_applied, JSON.stringify(o).slice(0, 400)).toContain("text-ml:tokens");
      expect(pings.length).toBeGreaterThan(10);
      pings.sort((a, b) => a - b);
      const at = (q: number) => pings[Math.min(pings.length - 1, Math.floor(pings.length * q))]!;
      // 50 ms p99 is the goal (met on an idle 2-core machine); p95 is asserted so that a CPU-starved
      // shared runner does not fail the suite on one scheduler hiccup.
      expect(at(0.5)).toBeLessThan(25);
      expect(at(0.95)).toBeLessThan(50);
    } finally {
      await proxy.close();
    }
  });
});

describe("prose fallback off the event loop", () => {
  it("computes a large unit's fallback in a worker, byte-identical to @headroom/prose, without blocking", async () => {
    const c = make({ timeBudgetMs: 30, fallbackTimeoutMs: 120_000 });
    await c.ready();
    const tokenizer = await getTokenizer("gpt-4o");
    const text = gibberish(300_000, 11);
    const unit = createUnit(text);
    const ctx = createMockContext({ tokenizer, inputTokens: tokenizer.count(text) });
    const lags: number[] = [];
    let last = performance.now();
    const tick = setInterval(() => {
      const t = performance.now();
      lags.push(t - last - 5);
      last = t;
    }, 5);
    const off = resultOf(await c.compress(unit, ctx));
    let offLags = lags.splice(0).sort((a, b) => a - b);
    // A run in the thread stalls the loop every time; a scheduler hiccup of a busy machine does not
    // come twice: the off-thread run is measured again when its worst lag looks like a stall.
    if (offLags[offLags.length - 1]! >= 15) {
      last = performance.now();
      await c.compress(unit, ctx);
      const again = lags.splice(0).sort((a, b) => a - b);
      if (again[again.length - 1]! < offLags[offLags.length - 1]!) offLags = again;
    }
    last = performance.now();
    const inline = resultOf(await asCompressorV2(createProseCompressor() as AnyCompressor).compress(unit, ctx));
    await new Promise((res) => setTimeout(res, 20));
    clearInterval(tick);
    const inlineMax = Math.max(...lags);
    expect(off?.transforms?.[0]).toBe("text-ml:fallback:estimate");
    expect(off?.text).toBe(inline?.text);
    expect(off?.originals).toEqual(inline?.originals);
    expect(offLags.length).toBeGreaterThan(3);
    // The prose run happened elsewhere: in-thread it stalls the loop for its whole duration.
    expect(offLags[Math.floor(offLags.length * 0.95)]!).toBeLessThan(30);
    expect(offLags[offLags.length - 1]!).toBeLessThan(inlineMax / 3);
  });

  it("abandons a prose fallback that outlives fallbackTimeoutMs, reports it, and recovers", async () => {
    const c = make({ timeBudgetMs: 30, fallbackTimeoutMs: 40 });
    await c.ready();
    const text = gibberish(400_000, 13);
    const r = await pipe(c).compressText(text, { store: new MemoryStore() });
    expect(r.text).toBe(text);
    // As a v2 plugin text-ml also reports why it fell back (ctx.report), then the fallback's failure.
    expect(r.errors).toEqual([
      expect.objectContaining({ compressor: "text-ml", stage: "report", message: expect.stringMatching(/^text-ml fell back to prose: estimated \d+ ms of inference/) }),
      expect.objectContaining({ compressor: "text-ml", message: "text-ml: prose fallback took over 40 ms; unit left to the next compressor" }),
    ]);
    const small = await pipe(c).compressText(gibberish(10_000, 14), { store: new MemoryStore() });
    // Recovered: the fallback ran (reported as such) and nothing failed.
    expect(small.errors).toEqual([expect.objectContaining({ stage: "report", message: expect.stringMatching(/^text-ml fell back to prose: /) })]);
  });
});
