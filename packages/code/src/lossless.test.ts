import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { whitespaceCuts } from "./lossless.js";
import { applyEdits } from "./plan.js";

/** The clean-up as it was written before it produced cuts (line split and join): the reference. */
function reference(text: string, protect: ReadonlyArray<[number, number]>): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let offset = 0;
  let r = 0;
  let blank = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const end = offset + line.length;
    while (r < protect.length && protect[r]![1] <= end) r++;
    const inside = r < protect.length && protect[r]![0] < end;
    const startsInside = r < protect.length && protect[r]![0] < offset;
    let kept = line;
    if (!inside && !/\\\s*$/.test(line)) kept = line.replace(/[ \t]+$/, "");
    const isBlank = kept === "" && !startsInside && i < lines.length - 1;
    if (isBlank) {
      blank++;
      if (blank > 1) {
        offset = end + 1;
        continue;
      }
    } else blank = 0;
    out.push(kept);
    offset = end + 1;
  }
  return out.join("\n");
}

describe("whitespaceCuts", () => {
  const samples = [
    "",
    "\n",
    "\n\n\n",
    "a  \n\n\n\n  b\t \n",
    "x \\  \n  \n \n\ty  ",
    "no newline at end   ",
    ...FIXTURES.map((f) => f.source.replace(/\n/g, "  \n").replace(/\n\n/g, "\n \n\n\t\n")),
  ];
  it("gives the reference clean-up, with and without protected ranges", () => {
    for (const s of samples) {
      const ranges: Array<[number, number]>[] = [[], [[0, Math.floor(s.length / 2)]], [[Math.floor(s.length / 3), Math.floor((2 * s.length) / 3)]], [[1, 3], [5, 9], [12, s.length]]];
      for (const p of ranges) {
        const valid = p.filter(([a, b]) => a < b && b <= s.length);
        expect(applyEdits(s, whitespaceCuts(s, valid))).toBe(reference(s, valid));
      }
    }
  });
  it("returns sorted cuts that never touch each other", () => {
    for (const s of samples) {
      const cuts = whitespaceCuts(s, []);
      for (let i = 1; i < cuts.length; i++) expect(cuts[i]!.start).toBeGreaterThan(cuts[i - 1]!.end);
      for (const c of cuts) expect(s.slice(c.start, c.end).trim()).toBe("");
    }
  });
});
