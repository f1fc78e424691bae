import { createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { headroomPlugin } from "./index.js";
import { alignedLineSources, editedLineSources, renumber, splitNumbered } from "./numbered.js";
import { applyEdits, type Edit } from "./plan.js";

const arrow = (src: string) => src.split("\n").map((l, i) => `${String(i + 1).padStart(6)}→${l}`).join("\n");
const tab = (src: string, from = 1) => src.split("\n").map((l, i) => `${i + from}\t${l}`).join("\n");

describe("splitNumbered", () => {
  it("reads `cat -n`, flush-left tab and arrow numbering, and keeps a closing note apart", () => {
    const n = splitNumbered(`${arrow("a\nb\n\nc")}\n\n<system-reminder>\nnote\n</system-reminder>`)!;
    expect(n.code).toBe("a\nb\n\nc");
    expect(n.prefixes).toEqual(["     1→", "     2→", "     3→", "     4→"]);
    expect(n.trailer).toBe("\n\n<system-reminder>\nnote\n</system-reminder>");
    // A read from an offset starts anywhere; numbers only have to be consecutive.
    expect(splitNumbered(tab("x\ny\nz", 120))!.prefixes).toEqual(["120\t", "121\t", "122\t"]);
  });

  it("declines text that is not a numbered read", () => {
    expect(splitNumbered("plain\ncode\nhere")).toBeNull();
    expect(splitNumbered(tab("a\nb"))).toBeNull(); // too short to tell
    expect(splitNumbered("1\ta\n2\tb\n4\tc")).toBeNull(); // a gap
    expect(splitNumbered("1\ta\n2→b\n3\tc")).toBeNull(); // mixed separators
    expect(splitNumbered("1\ta\n2\tb\n3\tc\nloose\n4\td")).toBeNull(); // interrupted
  });
});

describe("line sources", () => {
  it("follows copied spans through edits; written lines have no source", () => {
    const text = "l0\nl1 {\n  b2\n  b3\n}\nl5";
    const edits: Edit[] = [{ start: text.indexOf("{") + 1, end: text.indexOf("}"), replacement: "\n  // [2 lines elided]\n", key: "k", kind: "body" }];
    const out = applyEdits(text, edits);
    expect(out.split("\n")).toEqual(["l0", "l1 {", "  // [2 lines elided]", "}", "l5"]);
    expect(editedLineSources(text, edits)).toEqual([0, 1, undefined, 4, 5]);
    expect(editedLineSources(text, edits, "\n# footer\n")).toEqual([0, 1, undefined, 4, 5, undefined, undefined]);
  });

  it("aligns a clean-up that drops blank lines and trailing spaces", () => {
    expect(alignedLineSources("a  \n\n\n\nb\nc", "a\n\nb\nc")).toEqual([0, 1, 4, 5]);
  });

  it("renumbers with each line's own prefix and blanks the rest", () => {
    const n = splitNumbered(tab("a\nb\nc\nd", 9))!;
    expect(renumber("a\n# marker\nd", [0, undefined, 3], n)).toBe("9\ta\n  \t# marker\n12\td");
  });
});

describe("code plugin on numbered reads", () => {
  const ctx = createMockContext();
  const ext = { python: "py", javascript: "js", typescript: "ts", go: "go", rust: "rs", java: "java", c: "c", cpp: "cpp" } as const;

  it.each(FIXTURES)("$language: compresses like the plain file and every numbered line is that line", async (f) => {
    const numbered = `${arrow(f.source)}\n\n<system-reminder>\nkeep me\n</system-reminder>\n`;
    const fileName = `src/x.${ext[f.language as keyof typeof ext]}`;
    const out0 = await headroomPlugin().compress(createUnit(numbered, { source: { fileName } }), ctx);
    const r = out0 && "text" in out0 ? out0 : null;
    expect(r).not.toBeNull();
    expect(r!.lossless).toBe(false);
    expect(r!.transforms).toContain("code:numbered");
    const src = f.source.split("\n");
    const out = r!.text.split("\n");
    expect(r!.text).toContain(f.signature);
    expect(r!.text).not.toContain(f.bodyLine);
    expect(r!.text.endsWith("\n\n<system-reminder>\nkeep me\n</system-reminder>\n")).toBe(true);
    let numberedLines = 0;
    for (const line of out) {
      const m = /^ *(\d+)→(.*)$/.exec(line);
      if (!m) continue;
      numberedLines++;
      const original = src[Number(m[1]) - 1]!;
      // A kept line is the original line, or starts like it when a marker closes it.
      expect(m[2] === original || (original.length > 0 && m[2]!.startsWith(original.slice(0, Math.min(original.length, 8))))).toBe(true);
    }
    expect(numberedLines).toBeGreaterThan(3);
    // Lines the compressor wrote carry a blank prefix of the same width.
    expect(out.some((l) => /^ {6}→/.test(l))).toBe(true);
  });
});
