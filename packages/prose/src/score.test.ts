// The fast paths of scoring (a scanning word lexicon, salience's class prefilter) against the plain
// definitions they replace, on generated text.
import { STOPWORDS, stemLoose } from "@headroom/text";
import { describe, expect, it } from "vitest";
import { HAS_DEFAULT, salience } from "./salience.js";
import { Lexicon, terms, visibleText } from "./score.js";

/** Deterministic pseudo-random generator (xorshift32). */
const rng = (seed: number) => () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const FRAGMENTS = ["the", "Reef", "Defaults", "undefault", "amber_basalt", "maxRedirects", "v1.2.3", "42", "`opal`", "--tabstop", "-x", "CVE-2024-1234", "MUST", "NOT", "default", "Never", "is a", "Use", "Do not", "FooBar", "call(x)", "(", ")", "é", "日本", ".", "-", "_", "..", "[link](http://x.io/a)", "<b>", "\\fB\\-\\-wrap\\fR", ",", " ", "  ", "\n", "\t", "flint-8", "A.B.C", "HTTP", "X2", "A_B", "Q", "9", "x_", "_y", "a-", "-B", "SHOULD", "(a", "b)", "1.", "CVE", "Don't", "- Avoid"];
const text = (r: () => number, n: number) => Array.from({ length: n }, () => FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]! + (r() < 0.6 ? " " : "")).join("");

/** Salience as defined: every pattern tried, no prefilter. */
const PATTERNS = [/\b\d+(?:\.\d+)+\b/g, /\b\d{2,}\b/g, /`[^`]+`/g, /\B--?[A-Za-z][\w-]*/g, /\b[A-Z][A-Z0-9_]{2,}\b/g, /\b[a-z]+_[a-z0-9_]+\b/g, /\b[a-z]+[A-Z]\w*\b/g, /\bCVE-\d{4}-\d+\b/g, /\b(?:MUST|SHOULD|REQUIRED|NOT)\b/g, /\b(?:never|always|default|defaults|deprecated|warning|note|important|only|must|should|instead|precedence|causes|requires)\b/gi, /^\s*(?:[-*+]\s+)?(?:Use|Do not|Don't|Avoid|Prefer|Never|Always)\b/g, /\b(?:is|are) (?:a|an|the|licensed|defined|used)\b/g, /\b[A-Z][a-z]+[A-Z]\w*\b|\b\w+\([^)]*\)/g];
function reference(t: string): number {
  let n = 0;
  for (const r of PATTERNS) {
    r.lastIndex = 0;
    for (let k = 0; k < 3 && r.exec(t); k++) n++;
    r.lastIndex = 0;
    if (n >= 9) break;
  }
  return Math.min(3, n * 0.35);
}

describe("Lexicon.words", () => {
  it("finds the words split on non-word characters, one index per distinct word, across table growth", () => {
    const r = rng(7);
    const lx = new Lexicon();
    const seen = new Map<string, number>();
    for (let k = 0; k < 400; k++) {
      // Numbered words make thousands of distinct ones, so the lookup table grows several times.
      const t = `${text(r, 1 + Math.floor(r() * 30))} w${k % 1500} w${Math.floor(r() * 3000)}`;
      const parts = visibleText(t).split(/[^A-Za-z0-9_.-]+/).filter(Boolean);
      const ws = lx.words(t);
      expect(ws.length).toBe(parts.length);
      parts.forEach((p, i) => {
        const known = seen.get(p);
        if (known === undefined) {
          expect([...seen.values()]).not.toContain(ws[i]);
          seen.set(p, ws[i]!);
        } else expect(ws[i]).toBe(known);
      });
      expect(lx.termCount(ws)).toBe(terms(visibleText(t)).length);
    }
    expect(seen.size).toBeGreaterThan(1000); // past two doublings of the 1024-slot table
  });
});

/** Terms as defined: regexes for the edges, the case and the parts of each word. */
function referenceTerms(t: string): string[] {
  const out: string[] = [];
  for (const w of t.split(/[^A-Za-z0-9_.-]+/)) {
    const bare = w.replace(/^[._-]+|[._-]+$/g, "");
    if (!bare) continue;
    const lower = bare.toLowerCase();
    if (lower.length >= 2 && !STOPWORDS.has(lower)) out.push(stemLoose(lower));
    if (!/[A-Z_.-]/.test(bare.slice(1))) continue;
    const parts = bare.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_.-]+/);
    if (parts.length > 1) for (const p of parts) if (p.length >= 3 && !STOPWORDS.has(p.toLowerCase())) out.push(stemLoose(p.toLowerCase()));
  }
  return out;
}

describe("terms", () => {
  it("equals the regex definition on identifiers, edges and case", () => {
    const r = rng(5);
    const bits = ["a", "B", "x", "Q", "1", "_", ".", "-", "config", "Parse", "HTTP", "Server", "the", "The", "with", "Json", "9"];
    for (let k = 0; k < 20000; k++) {
      const w = Array.from({ length: 1 + Math.floor(r() * 8) }, () => bits[Math.floor(r() * bits.length)]!).join("");
      expect(terms(w)).toEqual(referenceTerms(w));
    }
    const r2 = rng(9);
    for (let k = 0; k < 2000; k++) {
      const t = text(r2, 1 + Math.floor(r2() * 12));
      expect(terms(t)).toEqual(referenceTerms(t));
    }
  });
});

describe("Lexicon.key", () => {
  it("is equal for texts equal but for whitespace, -1 for a text that hides parts", () => {
    const r = rng(17);
    const lx = new Lexicon();
    for (let k = 0; k < 3000; k++) {
      const t = text(r, 1 + Math.floor(r() * 12));
      lx.words(t);
      const a = lx.key;
      lx.words(`  ${t.replace(/\s+/g, () => (r() < 0.5 ? " " : "\n\t "))} `);
      const b = lx.key;
      if (/[<\]\\]|https?:/.test(t)) expect([a, b]).toEqual([-1, -1]);
      else expect(b).toBe(a);
    }
  });
});

describe("salience", () => {
  it("from a text's word facts equals trying every pattern on the text", () => {
    const r = rng(13);
    const lx = new Lexicon();
    let known = 0;
    for (let k = 0; k < 20000; k++) {
      const t = text(r, 1 + Math.floor(r() * 12));
      lx.words(t);
      if (lx.facts >= 0) known++;
      if (lx.facts >= 0) expect((lx.facts & HAS_DEFAULT) !== 0).toBe(/default/i.test(t));
      expect(salience(t, lx.facts)).toBe(reference(t));
    }
    expect(known).toBeGreaterThan(5000);
  });

  it("equals trying every pattern on every text", () => {
    const r = rng(11);
    for (let k = 0; k < 20000; k++) {
      const t = text(r, 1 + Math.floor(r() * 12));
      expect(salience(t)).toBe(reference(t));
    }
  });
});
