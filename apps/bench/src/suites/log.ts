import { headroomPlugin } from "@headroom/log";
import { runCompressorSuite } from "../compressor-suite.js";
import type { BenchSuite } from "../suite.js";

/** @headroom/log alone over the corpus logs (goal: ≥ 90% savings on logs over 1,000 lines, ≥ 98% visible). */
export const suite: BenchSuite = {
  name: "log",
  description: "@headroom/log over the corpus logs: savings, retention, latency",
  run: (ctx) =>
    runCompressorSuite(ctx, {
      label: "@headroom/log",
      corpusKind: "logs",
      kind: "log",
      make: () => headroomPlugin(),
      large: (c) => (c.content ?? "").split("\n").length > 1000,
      largeLabel: "> 1,000 lines",
      goal: "goal: ≥ 90% savings on logs over 1,000 lines, ≥ 98% visible probe retention",
    }),
};
