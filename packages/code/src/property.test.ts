import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { createMockContext, createUnit } from "@headroom/core/testing";
import { compressCode, headroomPlugin, LANGUAGES, restoreCode } from "./index.js";

// Code-ish fragments so that generated texts reach the planner (functions, braces, comments, strings),
// not only the parse-error exit.
const fragment = fc.constantFrom(
  "def f(a, b):\n", "    return a\n", "class A:\n", '    """doc\n    more\n    """\n', "function g(x) {\n", "}\n", "{", "}",
  "fn h(&self) -> u32 {\n", "func (c *C) M() error {\n", "public int m() {\n", "int main(void) {\n", "  x += 1;\n",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a JS template literal as source text, not an interpolation.
  "// comment\n", "# comment\n", "/* block\n * more\n */\n", "'str'", '"s"', "`t ${x}`", "\n", "\n\n\n", "   ", "\t", "#define M(a) \\\n  a\n",
  "é😀", "\r\n", "hash=0123456789abcdef01234567",
);
const codeish = fc.array(fragment, { maxLength: 60 }).map((xs) => xs.join(""));
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 200 }), codeish);
const language = fc.constantFrom(...LANGUAGES);
const options = fc.record({ reversible: fc.boolean(), bias: fc.constantFrom(0.5, 1, 3), query: fc.constantFrom(undefined, "f g h M m main") });

describe("properties", () => {
  it("never throws on arbitrary text labelled as any language, and is deterministic", async () => {
    await fc.assert(
      fc.asyncProperty(text, language, options, async (t, lang, o) => {
        const opts = { reversible: o.reversible, bias: o.bias, ...(o.query ? { query: o.query } : {}) };
        const a = await compressCode(t, lang, opts);
        const b = await compressCode(t, lang, opts);
        expect(a?.text).toBe(b?.text);
        if (a) {
          expect(a.text.length).toBeLessThan(t.length);
          // One source per output line, in input order.
          const sources = a.sourceLines();
          expect(sources.length).toBe(a.text.split("\n").length);
          const known = sources.filter((s): s is number => s !== undefined);
          expect(known.every((s, i) => i === 0 || s > known[i - 1]!)).toBe(true);
          if (a.lossless) expect(a.originals).toEqual([]);
          else expect(restoreCode(a.text, a.originals)).toBe(t);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("numbered reads: never throws, deterministic, never longer, closing note kept", async () => {
    const ctx = createMockContext();
    await fc.assert(
      fc.asyncProperty(codeish, fc.constantFrom("py", "ts", "go", "c"), fc.constantFrom("\t", "→"), async (t, ext, sep) => {
        const text = `${t.split("\n").map((l, i) => `${String(i + 1).padStart(6)}${sep}${l}`).join("\n")}\n\n<note>`;
        const unit = createUnit(text, { source: { fileName: `a.${ext}` } });
        const a = await headroomPlugin().compress(unit, ctx);
        const b = await headroomPlugin().compress(unit, ctx);
        expect(a).toEqual(b);
        if (a && "text" in a) {
          expect(a.text.length).toBeLessThan(text.length);
          expect(a.text.endsWith("\n\n<note>")).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("restores exactly whatever the aggressiveness, on every fixture", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), fc.double({ min: 0.2, max: 5, noNaN: true }), async (f, bias) => {
        const r = await compressCode(f.source, f.language, { bias });
        if (r && !r.lossless) expect(restoreCode(r.text, r.originals)).toBe(f.source);
      }),
      { numRuns: 40 },
    );
  });
});
