import { headroomPlugin } from "@headroom/diff";
import { runCompressorSuite } from "../compressor-suite.js";
import type { BenchSuite } from "../suite.js";

/** @headroom/diff alone over the corpus diffs (goal: ≥ 60% savings with ≥ 98% visible probe retention). */
export const suite: BenchSuite = {
  name: "diff",
  description: "@headroom/diff over the corpus diffs: savings, retention, latency",
  run: (ctx) =>
    runCompressorSuite(ctx, {
      label: "@headroom/diff",
      corpusKind: "diff",
      kind: "diff",
      make: () => headroomPlugin(),
      large: (c) => (c.content ?? "").includes("\ncommit ") || (c.content ?? "").split("\n").length > 1000,
      largeLabel: "git log -p / > 1,000 lines",
      goal: "goal: ≥ 60% savings with ≥ 98% visible probe retention on corpus diffs",
    }),
};
