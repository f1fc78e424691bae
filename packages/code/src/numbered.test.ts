import { ccrKey, MARKER_PATTERN } from "@headroom/core";
import { createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { headroomPlugin } from "./index.js";
import { alignedLineSources, editedLineSources, renumber, renumberOriginals, splitNumbered } from "./numbered.js";
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
  const ext = { python: "py", javascript: "js", typescript: "ts", go: "go", rust: "rs", java: "java", c: "c", cpp: "cpp", csharp: "cs", php: "php", scala: "scala", bash: "sh", ruby: "rb", kotlin: "kt", swift: "swift" } as const;

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

describe("originals of numbered reads", () => {
  const ctx = createMockContext();
  const ext = { python: "py", javascript: "js", typescript: "ts", go: "go", rust: "rs", java: "java", c: "c", cpp: "cpp", csharp: "cs", php: "php", scala: "scala", bash: "sh", ruby: "rb", kotlin: "kt", swift: "swift" } as const;

  it.each(FIXTURES)("$language: every stored original is the exact numbered bytes the tool printed", async (f) => {
    // Claude Code style (`   971→…`) and cat -n style (`   971\t…`), far into a file.
    for (const numbered of [`${tab(f.source, 960)}\n`, `${f.source.split("\n").map((l, i) => `${String(i + 971).padStart(6)}→${l}`).join("\n")}\n\n<system-reminder>\nnote\n</system-reminder>`]) {
      const fileName = `src/x.${ext[f.language as keyof typeof ext]}`;
      const out0 = await headroomPlugin().compress(createUnit(numbered, { source: { fileName } }), ctx);
      const r = out0 && "text" in out0 ? out0 : null;
      expect(r?.lossless).toBe(false);
      const originals = r!.originals!;
      expect(originals.length).toBeGreaterThan(0);
      for (const o of originals) {
        expect(numbered).toContain(o.content); // a contiguous cut of what the model saw
        expect(o.key).toBe(ccrKey(o.content));
        // Every line inside a cut (after its first, up to a closing break) carries its line number.
        const inner = o.content.split("\n").slice(1);
        if (inner[inner.length - 1] === "") inner.pop();
        if (o.content !== numbered) for (const line of inner) expect(line).toMatch(/^ *\d+(\t|→)/);
      }
      // The elided body line is recoverable with its own number, and every marker's key has its original.
      const srcIndex = f.source.split("\n").findIndex((l) => l.includes(f.bodyLine));
      const numberedLine = numbered.split("\n")[srcIndex]!;
      expect(numberedLine).toMatch(/^ *\d+(\t|→)/);
      expect(r!.text).not.toContain(numberedLine);
      expect(originals.some((o) => o.content.includes(numberedLine))).toBe(true);
      for (const m of r!.text.matchAll(MARKER_PATTERN)) expect(originals.map((o) => o.key)).toContain(m[1]);
    }
  });

  it("re-keys two identical bodies apart: their line numbers differ", () => {
    const n = splitNumbered(tab("f {\n  x\n}\ng {\n  x\n}", 5))!;
    const k = ccrKey("\n  x\n");
    const out = `f {[a. Retrieve more: hash=${k}]}\ng {[b. Retrieve more: hash=${k}]}`;
    const spans = [
      { key: k, start: 3, end: 8 },
      { key: k, start: 13, end: 18 },
    ];
    const r = renumberOriginals(out, [{ key: k, content: "\n  x\n" }], spans, n, tab("f {\n  x\n}\ng {\n  x\n}", 5))!;
    expect(r.originals.map((o) => o.content)).toEqual(["\n6\t  x\n", "\n9\t  x\n"]);
    expect([...r.text.matchAll(MARKER_PATTERN)].map((m) => m[1])).toEqual(r.originals.map((o) => o.key));
    // Markers that do not line up with the spans: nothing is re-cut.
    expect(renumberOriginals(out, [], spans.slice(0, 1), n, "")).toBeNull();
  });

  it("a whole-file original is the whole numbered input, closing note included", () => {
    const text = `${tab("a\nb\nc")}\n<note>`;
    const n = splitNumbered(text)!;
    const k = ccrKey(n.code);
    const r = renumberOriginals(`a\n[f. Retrieve more: hash=${k}]`, [{ key: k, content: n.code, meta: { kind: "code-file" } }], [{ key: k, start: 0, end: n.code.length }], n, text)!;
    expect(r.originals).toEqual([{ key: ccrKey(text), content: text, meta: { kind: "code-file" } }]);
  });
});
