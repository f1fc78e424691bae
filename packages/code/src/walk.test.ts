import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { parseText } from "./grammars.js";
import { SPECS } from "./languages.js";
import { walkCaptures, walkQuery } from "./plan.js";

/**
 * The windowed walk must hand the planner exactly what one query over the whole file would: the same
 * captures in the same order, with and without skipping the functions it handles whole.
 */
describe("walkCaptures", () => {
  for (const f of FIXTURES) {
    it(`${f.language}: windows change nothing`, async () => {
      // Repeated so the source spans many windows (the fixtures alone fit in one).
      const text = Array.from({ length: 40 }, () => f.source).join("\n");
      const tree = (await parseText(f.language, text))!;
      try {
        const spec = SPECS[f.language];
        const run = (window: number, skip: boolean) => {
          let stopEnd = -1;
          const seen: string[] = [];
          const all = () => walkQuery(tree.language, spec).captures(tree.rootNode).sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
          for (const { name, node } of window ? walkCaptures(tree, spec, text.length, () => (skip ? stopEnd : -1), window) : all()) {
            if (node.startIndex < stopEnd) continue;
            seen.push(`${name}@${node.startIndex}-${node.endIndex}`);
            if (name === "fn" && node.endIndex - node.startIndex > 40) stopEnd = node.endIndex;
          }
          return seen;
        };
        const whole = run(0, false); // one query over the whole tree, no range
        expect(whole.length).toBeGreaterThan(40);
        for (const window of [97, 1000, 4096, Number.POSITIVE_INFINITY]) {
          expect(run(window, false)).toEqual(whole);
          expect(run(window, true)).toEqual(whole);
        }
      } finally {
        tree.delete();
      }
    });
  }
});
