import { describe, expect, it } from "vitest";
import { parseText } from "./grammars.js";
import type { Edit } from "./plan.js";
import { blame, errorStats, verifiedEdits } from "./verify.js";

const fn = (name: string, v: number) => `function ${name}() {\n  const x = ${v};\n  const y = x + 1;\n  return y;\n}\n`;
const text = [fn("a", 1), fn("b", 2), fn("c", 3)].join("\n");
/** An edit replacing the body (between the braces) of function `name`. */
const body = (name: string, replacement: string, kind: Edit["kind"] = "body"): Edit => {
  const open = text.indexOf("{", text.indexOf(`function ${name}(`));
  return { start: open + 1, end: text.indexOf("\n}", open) + 1, replacement, key: kind === "trim" ? "" : `k${name}`, kind };
};

describe("blame", () => {
  const edits = [
    { start: 10, end: 20, replacement: "x" },
    { start: 40, end: 50, replacement: "yy" },
  ];
  it("an input error moved by the edits before it is not new", () => {
    // 30 → 21 (edit 1 is 9 shorter), 60 → 43 (edit 2 is 8 shorter again).
    expect(blame(edits, [{ start: 30, end: 31 }, { start: 60, end: 60 }], [{ start: 21, end: 22 }, { start: 43, end: 43 }]).size).toBe(0);
  });
  it("a new error blames the edit it overlaps, else the nearer neighbour", () => {
    expect([...blame(edits, [], [{ start: 10, end: 11 }])]).toEqual([edits[0]]);
    // Output ranges: edit 1 at [10, 11), edit 2 at [31, 33); 25 is 14 past the first and 6 before the second.
    expect([...blame(edits, [], [{ start: 25, end: 25 }])]).toEqual([edits[1]]);
    expect([...blame(edits, [], [{ start: 13, end: 14 }])]).toEqual([edits[0]]);
  });
});

describe("verifiedEdits", () => {
  it("gives back only the edit that breaks the parse, and keeps the rest of the elision", async () => {
    const tree = (await parseText("javascript", text))!;
    try {
      expect(errorStats(tree).count).toBe(0);
      const good = [body("a", " /* a elided */ "), body("c", " /* c elided */ ")];
      const bad = body("b", " return ((( ");
      const v = await verifiedEdits(tree, "javascript", text, [good[0]!, bad, good[1]!], 0, (k) => k);
      expect(v?.kept).toEqual(good);
      expect(v?.out).toContain("a elided");
      expect(v?.out).toContain("const x = 2;");
      expect(v?.out).toContain("c elided");
    } finally {
      tree.delete();
    }
  });

  it("a footer that breaks the parse takes the trims it stands for with it", async () => {
    const tree = (await parseText("javascript", text))!;
    try {
      const elide = body("a", " /* a elided */ ");
      const trim = body("c", "\n  return 3;\n", "trim");
      const footer = { start: text.length, end: text.length, replacement: "\n) broken footer (\n" };
      const finish = (kept: readonly Edit[]) => (kept.some((e) => e.kind === "trim") ? [...kept, footer] : kept);
      const v = await verifiedEdits(tree, "javascript", text, [elide, trim], 0, finish);
      expect(v?.kept).toEqual([elide]);
      expect(v?.out).not.toContain("broken footer");
    } finally {
      tree.delete();
    }
  });

  it("nothing kept, or nothing gained: no elision", async () => {
    const tree = (await parseText("javascript", text))!;
    try {
      expect(await verifiedEdits(tree, "javascript", text, [body("b", " return ((( ")], 0, (k) => k)).toBeUndefined();
      expect(await verifiedEdits(tree, "javascript", text, [body("b", `${"/* longer */ ".repeat(20)}`)], 0, (k) => k)).toBeUndefined();
    } finally {
      tree.delete();
    }
  });
});
