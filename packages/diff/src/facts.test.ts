import { STOPWORDS, tokenize } from "@headroom/text";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffFacts, isChanged } from "./facts.js";
import { parseDiff } from "./parse.js";
import { addTerms, definedName, isComment, isDefinition, scoreBody, scoreLine, terms, type LineFacts } from "./score.js";
import { greedy, prepareSelection, rank, selectLines } from "./select.js";

const DIFF = [
  "diff --git a/src/a.go b/src/a.go",
  "--- a/src/a.go",
  "+++ b/src/a.go",
  "@@ -1,5 +1,5 @@ func outer() {",
  " package a",
  "-func handleRequest(w http.ResponseWriter) error {",
  "+func handleRequest(w http.ResponseWriter, r *http.Request) error {",
  "   return nil",
  "-  // old comment",
  "+  // new comment",
  "\\ No newline at end of file",
].join("\n");

describe("diffFacts", () => {
  it("records, per body line, what every phase asks: changed, body, trimmed, removed, defined name", () => {
    const files = parseDiff(DIFF.split("\n")).flatMap((s) => (s.type === "file" ? [s.file] : []));
    const { facts, changedNames } = diffFacts(files);
    const h = files[0]!.hunks[0]!;
    const hf = facts[0]![0]!;
    h.lines.forEach((l, i) => {
      expect(hf.changed[i]).toBe(isChanged(l, h.parents));
      if (!hf.changed[i]) return;
      expect(hf.body[i]).toBe(l.slice(h.parents));
      expect(hf.trimmed[i]).toBe(l.slice(h.parents).trim());
      expect(hf.removed[i]).toBe(l.slice(0, h.parents).includes("-"));
      expect(hf.def[i]).toBe(definedName(l.slice(h.parents)));
      expect(hf.definition[i]).toBe(isDefinition(l.slice(h.parents)));
    });
    expect([...changedNames]).toEqual(["handleRequest"]);
  });
});

/** The plain definition the fast paths must match. */
const slowTerms = (text: string) => (text.match(/[\p{L}\p{N}_]+/gu) ?? []).flatMap((w) => tokenize(w, { minLength: 3, stopwords: STOPWORDS }));

describe("terms", () => {
  it("gives the same terms on ASCII and non-ASCII text as the Unicode word pattern", () => {
    for (const t of ["getHTTPResponse_code = 42", "naïve café – résumé", "x\u0000y tab\there", "日本語 text", "the value from config and 123 or abc1"]) expect(terms(t)).toEqual(slowTerms(t));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "B", "_", "1", " ", "é", "\t", "(", "日", "\u0001") }), (t) => {
        expect(terms(t)).toEqual(slowTerms(t));
        expect([...addTerms(t, new Set())]).toEqual([...new Set(slowTerms(t))]);
      }),
    );
  });
});

describe("scoreBody", () => {
  const facts = (body: string, docFile: boolean): LineFacts => ({ body, removed: false, runStart: true, docFile, deletedFile: false, testFile: false, changedNames: new Set(["handle"]), query: new Set() });
  /** The prose test as it was written first: split on whitespace, count words that read as English. */
  const prose = (b: string) => b.split(/\s+/).filter((w) => /^[A-Za-z][a-z'’-]*[,.;:]?$/.test(w)).length >= 6;

  it("scores like scoreLine, and finds prose exactly where the whitespace split does", () => {
    const words = fc.constantFrom("the", "value", "Is,", "it's", "x1", "//", "#", "a.b", "handle(", "(x)", "—", "don’t", "e.g.", "");
    const seps = fc.constantFrom(" ", "  ", "\t", "\u00a0", "\u2028");
    fc.assert(
      fc.property(fc.array(fc.tuple(words, seps), { maxLength: 12 }), fc.boolean(), (parts, doc) => {
        const body = parts.map(([w, s]) => w + s).join("");
        const f = facts(body, doc);
        expect(scoreBody(f, body.trim(), isComment(body))).toBe(scoreLine(f));
        // A comment that is prose scores higher than one that is not, by the same rule as the split.
        const c = `// ${body}`;
        const withProse = scoreLine(facts(c, false));
        const plain = scoreLine(facts("// x", false));
        if (prose(c) && c.trim().length >= 12 && c.length <= 240) expect(withProse).toBeGreaterThan(plain);
      }),
    );
  });
});

describe("selectLines saturation", () => {
  it("at greedyBound takes every candidate whatever the order, and a saturated choice stays under larger budgets", () => {
    let checked = 0;
    const kinds = fc.constantFrom("+", "-", " ");
    const texts = fc.constantFrom("}", "x", "  return nil", "  value := computeSafely(i, opts) // why", "\t", "  if err != nil {");
    fc.assert(
      fc.property(fc.array(fc.tuple(kinds, texts), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), fc.nat(100), (body, b, extra, seed) => {
        const lines = body.map(([k, t]) => k + t);
        const oldCount = lines.filter((l) => l[0] !== "+").length;
        const newCount = lines.filter((l) => l[0] !== "-").length;
        const text = ["diff --git a/f.go b/f.go", "--- a/f.go", "+++ b/f.go", `@@ -1,${oldCount} +1,${newCount} @@ func f() {`, ...lines];
        const segs = parseDiff(text);
        const files = segs.flatMap((s) => (s.type === "file" ? [s.file] : []));
        const { facts, changedNames } = diffFacts(files);
        const cnt = (l: string) => Math.max(1, Math.round(l.length / 4));
        const p = prepareSelection({ segs, files, facts, cnt, isGen: () => false, query: new Set(), changedNames, maxContext: 1 });
        // At or above greedyBound the greedy takes every candidate whatever its order, ending at allUsed.
        const kept = files.map((f) => f.hunks.map((h) => new Array<boolean>(h.lines.length).fill(false)));
        expect(greedy(p, rank(p), kept, p.greedyBound + extra)).toEqual({ used: p.allUsed, taken: p.cands.length });
        // The bound's claim itself, in any order of takes (the greedy's order depends on the scores):
        // every take fits and at least `cheapest` is left while any candidate is not yet taken.
        const order = [...p.cands].sort((x, y) => ((x.idx * 7919 + seed) % 101) - ((y.idx * 7919 + seed) % 101) || x.idx - y.idx);
        const k = files.map((f) => f.hunks.map((h) => new Array<boolean>(h.lines.length).fill(false)));
        const touched = new Set<string>();
        let used = p.baseUsed;
        for (const c of order) {
          expect(p.greedyBound - used).toBeGreaterThanOrEqual(p.cheapest);
          const row = k[c.file]![c.hunk]!;
          const hc = p.headerCost[c.file]![c.hunk]!;
          const before = !!row[c.line - 1];
          const after = !!row[c.line + 1];
          const key = `${c.file}:${c.hunk}`;
          used += c.cost + (before || after ? (before && after ? -hc : 0) : hc) + (touched.has(key) ? 0 : p.sectionCost[c.file]![c.hunk]!);
          expect(used).toBeLessThanOrEqual(p.greedyBound);
          row[c.line] = true;
          touched.add(key);
        }
        expect(used).toBe(p.allUsed);
        const a = selectLines(p, b);
        if (!a.saturated) return;
        checked++;
        expect(selectLines(p, Math.max(b, p.greedyBound) + extra).kept).toEqual(a.kept);
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(10);
  });
});
