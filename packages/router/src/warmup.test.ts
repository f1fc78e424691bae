import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Pipeline } from "@headroom/core";
import { createDefaultRouter } from "./node.js";
import { warmUp } from "./index.js";

const BENCH = resolve(__dirname, "../../../apps/bench");

describe("warmUp", () => {
  it("compresses one sample per common kind through the installed plugins, into no real store", async () => {
    const router = await createDefaultRouter({ from: BENCH, onWarning: () => {} });
    const r = await warmUp(router, { budgetMs: 60_000 });
    expect(r.errors).toEqual([]);
    expect(r.skipped).toBe(0);
    // Each sample reached its own compressor: detection, grammar loading and the tokenizer all ran.
    // The code samples are compressed for real (not declined after the parse), so the query, the body
    // plan and the output check are warmed too; search may still decline (its sample is under the floor).
    expect(r.warmed).toEqual([
      "log→log",
      "json→smart-crusher",
      expect.stringMatching(/^search→search\b/),
      "diff→diff",
      "code:py→code",
      "code:ts→code",
      "prose→prose",
    ]);
  });

  it("stops at its budget and never throws, even when the pipeline does", async () => {
    const broken = {
      compressText: async () => {
        throw new Error("boom");
      },
    } as unknown as Pipeline;
    const r = await warmUp(broken, { budgetMs: 1000 });
    expect(r.errors[0]).toBe("log: boom");
    expect(r.warmed).toEqual([]);
    const none = await warmUp(broken, { budgetMs: 0 });
    expect(none.skipped).toBe(7);
  });
});
