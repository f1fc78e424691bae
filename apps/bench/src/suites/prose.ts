import { headroomPlugin } from "@headroom/prose";
import { runCompressorSuite } from "../compressor-suite.js";
import type { BenchSuite } from "../suite.js";

/** @headroom/prose alone over the corpus text cases (goal: ≥ 35% savings on the size-aware curve, ≥ 97% visible, 100% recoverable). */
export const suite: BenchSuite = {
  name: "prose",
  description: "@headroom/prose over the corpus text cases: savings, retention, latency",
  run: (ctx) =>
    runCompressorSuite(ctx, {
      label: "@headroom/prose",
      corpusKind: "text",
      kind: "prose",
      make: () => headroomPlugin(),
      large: (c) => (c.content ?? "").length > 40_000,
      largeLabel: "> 40k chars",
      goal: "goal: ≥ 35% savings (size-aware curve) with ≥ 97% visible and 100% recoverable probe retention on corpus text",
    }),
};
