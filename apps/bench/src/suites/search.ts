import { headroomPlugin } from "@headroom/search";
import { runCompressorSuite } from "../compressor-suite.js";
import type { BenchSuite } from "../suite.js";

/** Match lines of `rg -n` output (`path:line:`), context lines excluded. */
const matchCount = (text: string) => text.split("\n").filter((l) => /^(?:[A-Za-z]:[\\/])?[^:\n]+:\d+:/.test(l)).length;

/** @headroom/search alone over the corpus search cases (goal: ≥ 80% savings on 100+ matches, ≥ 98% visible). */
export const suite: BenchSuite = {
  name: "search",
  description: "@headroom/search over the corpus ripgrep outputs: savings, retention, latency",
  run: (ctx) =>
    runCompressorSuite(ctx, {
      label: "@headroom/search",
      corpusKind: "search",
      kind: "search",
      make: () => headroomPlugin(),
      large: (c) => matchCount(c.content ?? "") >= 100,
      largeLabel: "100+ matches",
      goal: "goal: ≥ 80% savings on outputs with 100+ matches, ≥ 98% visible probe retention",
    }),
};
