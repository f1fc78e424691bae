import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { compressCode, createCodeCompressor, restoreCode } from "./index.js";
import { poolStats } from "./part-pool.js";
import { PART_CHARS, SPLIT_FROM, partStarts } from "./parts.js";

/**
 * A TypeScript file of `n` functions, each behind a two-line comment (trimmed: the file gets a footer),
 * with now and then a block comment whose lines start in column 0 after a blank line: lines a cut must
 * not take for the start of a construct.
 */
function typescript(n: number): string {
  const fn = (i: number) =>
    `// handler ${i}: answers a request\n// with retries\nexport function handler${i}(req: Request, retries = ${i % 3}): string | null {\n  let seen = 0;\n  for (let a = 0; a < retries; a++) {\n    seen += a;\n    if (req.ok) return req.body + seen;\n  }\n  return null;\n}\n`;
  const note = (i: number) => `/*\nNotes on part ${i}\n\nexport function notCode${i}() {\n*/\n`;
  return Array.from({ length: n }, (_, i) => (i % 97 === 50 ? note(i) : "") + fn(i)).join("\n");
}

/** A Python file of `n` functions whose docstrings hold a blank line followed by a column-0 line. */
function python(n: number): string {
  const fn = (i: number) =>
    `def handler_${i}(req, retries=${i % 3}):\n    """Answers request ${i}.\n\nclass NotAClass${i}: a column-0 line inside the docstring\n    """\n    seen = 0\n    for a in range(retries):\n        seen += a\n        if req.ok:\n            return req.body + str(seen)\n    return None\n`;
  return Array.from({ length: n }, (_, i) => fn(i)).join("\n\n");
}

/** C++ in a file named as C (a `.h` header): templates and classes, which the C grammar misreads. */
function cpp(n: number): string {
  const fn = (i: number) =>
    `template <typename T>\nclass Box${i} {\n public:\n  T twice(T x) const {\n    T y = x;\n    for (int a = 0; a < ${i % 5}; a++) {\n      y = y + x;\n      if (y > limit_) {\n        y = limit_;\n      }\n    }\n    return y;\n  }\n\n private:\n  T limit_;\n};\n`;
  return Array.from({ length: n }, (_, i) => fn(i)).join("\n");
}

const TS = typescript(5200);
const PY = python(4000);

describe("a file of a megabyte or more, compressed in parts", () => {
  it("is cut only at top-level lines: never inside a block comment or a triple-quoted string", () => {
    expect(partStarts(TS.slice(0, SPLIT_FROM - 1))).toEqual([0]);
    for (const text of [TS, PY]) {
      const starts = partStarts(text);
      expect(text.length).toBeGreaterThanOrEqual(SPLIT_FROM);
      expect(starts.length).toBe(Math.ceil(text.length / PART_CHARS));
      for (const s of starts.slice(1)) {
        expect(text[s - 1]).toBe("\n");
        const line = text.slice(s, text.indexOf("\n", s));
        expect(line).toMatch(/^(?:export function|def |\/\/ handler|\/\*)/);
        const before = text.slice(0, s);
        expect(before.split('"""').length % 2).toBe(1); // an even number of quotes before: not inside a docstring
        expect(before.lastIndexOf("/*")).toBeLessThanOrEqual(before.lastIndexOf("*/"));
      }
    }
  });

  it.each([
    ["typescript", TS],
    ["python", PY],
  ] as const)("%s: the same bytes in turn and on threads, every part elided, one footer, restored byte for byte", async (language, text) => {
    const jobs = poolStats().jobs;
    const threaded = await compressCode(text, language, { threads: 2 });
    expect(poolStats().jobs - jobs).toBe(partStarts(text).length);
    const inTurn = await compressCode(text, language, { threads: 0 });
    expect(poolStats().jobs - jobs).toBe(partStarts(text).length);
    expect(threaded).not.toBeNull();
    expect(threaded!.text).toBe(inTurn!.text);
    expect(threaded!.originals).toEqual(inTurn!.originals);
    expect(threaded!.lossless).toBe(false);
    expect(threaded!.bodies).toBe(language === "typescript" ? 5200 : 4000);
    expect(restoreCode(threaded!.text, threaded!.originals)).toBe(text);
    // Each part's body markers restore alone too (the whole file is the footer's original).
    const bodiesOnly = threaded!.originals.filter((o) => o.meta?.kind !== "code-file");
    const footer = threaded!.text.match(/\n(?:\/\/|#) \[(\d+)-line original file, comments untrimmed\. Retrieve more: hash=[a-f0-9]{24}\]\n$/);
    if (language === "typescript") {
      expect(footer?.[1]).toBe(String(text.split("\n").length - 1)); // the text ends with a line break
      expect(threaded!.text.match(/original file, comments untrimmed/g)).toHaveLength(1);
      expect(restoreCode(threaded!.text.slice(0, -footer![0].length + 1), bodiesOnly)).not.toContain("lines elided");
    } else {
      expect(footer).toBeNull();
      expect(restoreCode(threaded!.text, bodiesOnly)).toBe(text);
    }
    // Spans point at the input, and every output line's source is the line it was copied from.
    for (const s of threaded!.spans()) expect(threaded!.originals.find((o) => o.key === s.key)?.content).toBe(text.slice(s.start, s.end));
    const lines = text.split("\n");
    const out = threaded!.text.split("\n");
    const sources = threaded!.sourceLines();
    expect(sources).toHaveLength(out.length);
    sources.forEach((src, i) => {
      if (src !== undefined && !out[i]!.includes(" …") && !out[i]!.includes("Retrieve more")) expect(lines[src]).toBe(out[i]);
    });
  });

  it("reads every part with the grammar the first part chose: C++ in a file named as C", async () => {
    const text = cpp(5000);
    expect(partStarts(text).length).toBeGreaterThan(2);
    const r = await compressCode(text, "c", { threads: 2 });
    expect(r?.language).toBe("cpp");
    expect(r?.bodies).toBe(5000);
    expect(restoreCode(r!.text, r!.originals)).toBe(text);
    expect((await compressCode(text, "c", { threads: 0 }))?.text).toBe(r!.text);
  });

  it("keeps a part verbatim, white space included, when it could only be cleaned up while others are elided", async () => {
    // Functions to elide, then constants with trailing blanks and blank-line runs: a part of those alone
    // has nothing to elide, and its lossless clean-up would not come back from the markers.
    const fns = Array.from({ length: 2600 }, (_, i) => `export function f${i}(x: number): number {\n  let y = x;\n  for (let a = 0; a < ${i % 7}; a++) {\n    y += a * x;\n    if (y > 1000) y -= 1000;\n    if (y < -1000) y += 1000;\n    y = Math.round(y * 100) / 100;\n  }\n  return y;\n}\n`).join("\n");
    const consts = Array.from({ length: 24000 }, (_, i) => `export const c${i} = ${i};   \n\n\n`).join("");
    const text = `${fns}\n${consts}`;
    expect(partStarts(text).length).toBeGreaterThan(2);
    const r = await compressCode(text, "typescript", { threads: 2 });
    expect(r?.lossless).toBe(false);
    expect(r?.text).toContain("export const c23999 = 23999;   \n\n\n");
    expect(restoreCode(r!.text, r!.originals)).toBe(text);
  });

  it("cancels every part when the caller's signal aborts, and the threads take the next file", async () => {
    let reads = 0;
    const signal = {
      get aborted() {
        return ++reads > 3;
      },
      throwIfAborted() {
        if (reads > 3) throw new Error("cut off");
      },
    };
    await expect(compressCode(TS, "typescript", { signal, threads: 2 })).rejects.toThrow("cut off");
    const after = await compressCode(TS, "typescript", { threads: 2 });
    expect(after?.bodies).toBe(5200);
  });

  it("reads a numbered read in parts through the plugin, the line numbers kept", async () => {
    const numbered = TS.split("\n")
      .map((l, i) => `${String(i + 1).padStart(6)}\t${l}`)
      .join("\n");
    const c = createCodeCompressor();
    const unit = createUnit(numbered, { source: { toolName: "Read", fileName: "big.ts" } });
    const r = await c.compress(unit, createMockContext());
    if (!r || !("text" in r)) throw new Error(`declined: ${JSON.stringify(r)}`);
    expect(r.text.length / numbered.length).toBeLessThan(0.75);
    // A copied line keeps its number: line 3 is handler0's signature.
    expect(r.text.split("\n").find((l) => l.includes("export function handler0("))).toMatch(/^ {5}3\t/);
    expect((await checkCompressor(c, [{ text: numbered, source: { toolName: "Read", fileName: "big.ts" }, expect: "compressed" }])).problems).toEqual([]);
  });
});
