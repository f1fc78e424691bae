import { describe, expect, it } from "vitest";
import { compress, type CompressorV2 } from "./index.js";

const chars = { name: "chars", encoding: "chars", estimated: true, count: (t: string) => t.length };
const text = "a  b  c  ".repeat(60);
const msgs = () => [
  { role: "user", content: "q" },
  { role: "tool", tool_call_id: "t", content: text },
];
const squeezed = { text: text.replace(/ {2,}/g, " "), lossless: true };

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Burn CPU: a synchronous phase of a long compressor.
  }
}

describe("time budget and cancellation", () => {
  it("cuts off an async compressor over budget, aborts its signal and ignores its late result", async () => {
    let abortedWith: unknown;
    let finished = false;
    const slow: CompressorV2 = {
      specificationVersion: "v2",
      name: "slow",
      kinds: ["*"],
      async compress(_u, ctx) {
        ctx.signal.addEventListener("abort", () => (abortedWith = ctx.signal.reason));
        await new Promise((r) => setTimeout(r, 1500));
        finished = true;
        return squeezed;
      },
    };
    const m = msgs();
    const t0 = performance.now();
    const r = await compress(m, { compressors: [slow], tokenizer: chars, minTokens: 1, timeBudgetMs: 100 });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(1000);
    expect(finished).toBe(false);
    expect(r.messages).toBe(m);
    expect(r.units[0]).toMatchObject({ status: "unchanged", reason: "slow: cut off at the 100 ms time budget" });
    expect(r.errors).toEqual([{ unitId: "messages[1].content", compressor: "slow", stage: "timeout", message: "slow: cut off at the 100 ms time budget" }]);
    expect((abortedWith as Error).name).toBe("TimeoutError");
  });

  it("a synchronous compressor that checks ctx.signal between phases stops at the budget", async () => {
    let phases = 0;
    let abortSeenAt = Number.NaN;
    const phased: CompressorV2 = {
      specificationVersion: "v2",
      name: "phased",
      kinds: ["*"],
      compress(_u, ctx) {
        for (let i = 0; i < 200; i++) {
          if (ctx.signal.aborted) {
            abortSeenAt = performance.now() - t0;
            return null;
          }
          busy(20);
          phases++;
        }
        return squeezed;
      },
    };
    const t0 = performance.now();
    const r = await compress(msgs(), { compressors: [phased], tokenizer: chars, minTokens: 1, timeBudgetMs: 100 });
    expect(performance.now() - t0).toBeLessThan(1000);
    // Never before the budget (wall clock, so this holds on a loaded machine too), and soon after it.
    expect(abortSeenAt).toBeGreaterThanOrEqual(99);
    expect(phases).toBeGreaterThanOrEqual(1);
    expect(phases).toBeLessThan(20);
    expect(r.units[0]!.reason).toBe("phased: cut off at the 100 ms time budget");
    expect(r.errors.map((e) => e.stage)).toEqual(["timeout"]);
  });

  it("throwIfAborted counts as a cut-off, not a failure", async () => {
    const thrower: CompressorV2 = {
      specificationVersion: "v2",
      name: "thrower",
      kinds: ["*"],
      compress(_u, ctx) {
        busy(150);
        ctx.signal.throwIfAborted();
        return squeezed;
      },
    };
    const r = await compress(msgs(), { compressors: [thrower], tokenizer: chars, minTokens: 1, timeBudgetMs: 100 });
    expect(r.errors).toEqual([{ unitId: "messages[1].content", compressor: "thrower", stage: "timeout", message: "thrower: cut off at the 100 ms time budget" }]);
  });

  it("drops the result of a synchronous compressor that ran past the budget, and tries no other", async () => {
    let secondRan = false;
    const hog: CompressorV2 = { specificationVersion: "v2", name: "hog", kinds: ["*"], priority: 1, compress: () => {
        busy(300);
        return squeezed;
      },
    };
    const next: CompressorV2 = { specificationVersion: "v2", name: "next", kinds: ["*"], compress: () => {
        secondRan = true;
        return squeezed;
      },
    };
    const m = msgs();
    const r = await compress(m, { compressors: [hog, next], tokenizer: chars, minTokens: 1, timeBudgetMs: 100 });
    expect(r.messages).toBe(m);
    expect(secondRan).toBe(false);
    expect(r.units[0]!.reason).toBe("hog: cut off at the 100 ms time budget");
  });

  it("a budget of Infinity never cuts off; the default budget is 10000 ms", async () => {
    const hog: CompressorV2 = { specificationVersion: "v2", name: "hog", kinds: ["*"], compress: (_u, ctx) => {
        busy(150);
        return { ...squeezed, transforms: [String(ctx.timeBudgetMs)] };
      },
    };
    const r = await compress(msgs(), { compressors: [hog], tokenizer: chars, minTokens: 1, timeBudgetMs: Infinity });
    expect(r.units[0]).toMatchObject({ status: "compressed", transforms: ["Infinity"] });
    const d = await compress(msgs(), { compressors: [hog], tokenizer: chars, minTokens: 1 });
    expect(d.units[0]!.transforms).toEqual(["10000"]);
  });

  it("the caller's signal cancels the units not yet compressed", async () => {
    const ctrl = new AbortController();
    const cancelling: CompressorV2 = {
      specificationVersion: "v2",
      name: "cancelling",
      kinds: ["*"],
      async compress(_u, ctx) {
        ctrl.abort();
        await new Promise((r) => setTimeout(r, 50));
        return ctx.signal.aborted ? null : squeezed;
      },
    };
    const two = [...msgs(), { role: "tool", tool_call_id: "u", content: text }];
    const r = await compress(two, { compressors: [cancelling], tokenizer: chars, minTokens: 1, signal: ctrl.signal });
    expect(r.messages).toBe(two);
    expect(r.units.map((u) => u.reason)).toEqual(["cancelling: cancelled by the caller", "cancelled"]);
  });
});
