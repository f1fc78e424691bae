import { keepShare, BUDGET_DEFAULTS } from "@headroom/text";
import type { BenchSuite } from "../suite.js";

const SIZES = [1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 200_000];
const BIASES = [0.5, 1, 2];

/** The shared budget curve of @headroom/text: the share a lossy compressor may keep, by size and bias. */
export const suite: BenchSuite = {
  name: "curve",
  description: "the size-aware budget curve every compressor shares (kept share by input size and bias)",
  async run() {
    return {
      tables: [
        {
          title: `Kept share by input tokens (floor ${BUDGET_DEFAULTS.floor}, exponent ${BUDGET_DEFAULTS.exponent})`,
          columns: ["input tokens", ...BIASES.map((b) => `bias ${b}`)],
          rows: SIZES.map((n) => [n, ...BIASES.map((b) => `${(keepShare(n, { bias: b }) * 100).toFixed(1)}%`)]),
          notes: ["a cap, not a target: mandatory content (errors, query matches) may exceed it; redundant input keeps less"],
        },
      ],
    };
  },
};
