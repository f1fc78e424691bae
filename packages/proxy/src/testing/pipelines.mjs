// Pipelines that compression workers build in the tests (plain JS: a worker thread loads it as is).
import { createOriginals, createPipeline, marker } from "@headroom/core";

/** Keeps the first three lines of a long tool output; the original goes to the store behind a marker. */
const head = {
  specificationVersion: "v1",
  name: "test-head",
  kinds: ["*"],
  priority: 100,
  compress(unit, ctx) {
    const lines = unit.text.split("\n");
    if (!ctx.reversible || lines.length < 10) return null;
    const o = createOriginals();
    const key = o.stash(unit.text);
    return { text: `${lines.slice(0, 3).join("\n")}\n${marker(`${lines.length - 3} more lines omitted`, key)}`, lossless: false, originals: o.list() };
  },
};

/** A synchronous compressor that never yields for `ms` (a 45 MB tool output, a pathological regex). */
const busy = (ms) => ({
  specificationVersion: "v1",
  name: "test-busy",
  kinds: ["*"],
  priority: 200,
  compress() {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // spin: nothing else runs on this thread meanwhile
    }
    return null;
  },
});

/** Spins for the ms a tool output starts with (`spin:300`), then declines: each job names its own cost. */
const spinFromText = {
  specificationVersion: "v1",
  name: "test-spin",
  kinds: ["*"],
  priority: 200,
  compress(unit) {
    const ms = Number(/^spin:(\d+)/.exec(unit.text)?.[1] ?? 0);
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // spin
    }
    return null;
  },
};

/**
 * `{ busyMs }`: a pipeline whose first compressor spins that long; `{ spinFromText: true }`: one that
 * spins as long as each tool output says, then compresses with the head compressor; otherwise the head
 * compressor alone.
 */
export function createTestPipeline(options = {}) {
  if (options.busyMs) return createPipeline({ compressors: [busy(options.busyMs)] });
  return createPipeline({ compressors: options.spinFromText ? [spinFromText, head] : [head] });
}
