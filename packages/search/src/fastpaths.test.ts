/**
 * The fast paths give what the code they replace gives, on any input: the hand-written scans what the
 * regexes give.
 */
import { splitIdentifier, stem } from "@headroom/text";
import fc from "fast-check";
import { describe, it } from "vitest";
import { opens } from "./greedy.js";
import { mayBeNotice } from "./parse.js";
import { inferSymbol } from "./score.js";
import { nextIdentifier, scan } from "./wordcache.js";

/** Characters the scans treat specially (digits, `.`, blanks of every kind, separators, letters). */
const tricky = fc.constantFrom(..."aZq09.5 \t\r\v\f,;_$-é日\u00a0\u2003\u2028\u3000\ufeff\u180e".split(""), "\u{1F600}");
const text = fc.oneof(fc.string({ unit: tricky, maxLength: 40 }), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 30 }));

describe("identifier scan", () => {
  it("visits the identifiers and words the regex and the toolkit give", () => {
    const byRegex = (s: string) =>
      (s.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).map((raw) =>
        splitIdentifier(raw)
          .map((p) => stem(p.toLowerCase()))
          .map((w) => (w.length >= 4 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is") ? w.slice(0, -1) : w))
          .filter((w) => w.length >= 2),
      );
    const byScan = (s: string) => {
      const out: string[][] = [];
      for (let ws = nextIdentifier(s, 0); ws; ws = nextIdentifier(s, scan.end)) out.push(ws.map((w) => w.word));
      return out;
    };
    fc.assert(fc.property(text, (s) => JSON.stringify(byScan(s)) === JSON.stringify(byRegex(s))));
  });
});

describe("inferSymbol", () => {
  /** The symbol as found before: every candidate sorted up front, then tried in that order. */
  function byFullSort(texts: readonly string[]): string | undefined {
    if (!texts.length) return undefined;
    const sample = texts.length > 400 ? texts.filter((_, i) => i % Math.ceil(texts.length / 400) === 0) : texts;
    const lower = sample.map((t) => t.toLowerCase());
    const candidates = new Set<string>();
    for (const t of lower.slice(0, 50)) for (const w of t.match(/[a-z_$][\w$]{2,}/g) ?? []) candidates.add(w);
    const allowed = lower.length - Math.ceil(lower.length * 0.9);
    for (const w of [...candidates].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))) {
      let misses = 0;
      for (const t of lower) if (!t.includes(w) && ++misses > allowed) break;
      if (misses <= allowed) return w;
    }
    return undefined;
  }
  it("finds what sorting every candidate up front finds", () => {
    const word = fc.constantFrom("timeout", "readTimeout", "abc", "abd", "xy", "a_b", "$el", "Tmo", "TIMEOUT", "x1", "İd", "\n", " ", "=", "(");
    const line = fc.array(word, { maxLength: 8 }).map((ws) => ws.join(" "));
    fc.assert(fc.property(fc.array(line, { maxLength: 80 }), (texts) => inferSymbol(texts) === byFullSort(texts)));
  });
});

describe("opens", () => {
  it("says a line is left open exactly when the pattern does", () => {
    const byRegex = (text: string, gap: number) => /(?:[{([,\\=+]|&&|\|\||::?)\s*$/.test(text) && (gap === 1 || (gap === 2 && /:\s*$/.test(text)));
    const unit = fc.constantFrom(..."{([,\\=+:&|;)a \t\u00a0\u3000\n".split(""));
    const open = fc.oneof(fc.string({ unit, maxLength: 8 }), text);
    fc.assert(
      fc.property(open, fc.integer({ min: -1, max: 3 }), fc.boolean(), (t, gap, numbered) => {
        const a = { index: 0, kind: "match" as const, raw: "", path: "a", line: numbered ? 10 : undefined, text: t };
        const b = { index: 1, kind: "match" as const, raw: "", path: "a", line: 10 + gap, text: "x" };
        return opens(a, b) === (numbered && byRegex(t, gap));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("mayBeNotice", () => {
  it("is true for every line the notice pattern matches", () => {
    const notice = /^(?:Binary file .* matches$|binary file matches \(|.*: binary file matches \(|rg: |grep: |\[Omitted long (?:line|context line))/;
    const part = fc.constantFrom("Binary file ", "binary file matches (", ": binary file matches (", "rg: ", "grep: ", "[Omitted long line", " matches", "x", "\r", "\u2028", ":");
    const line = fc.oneof(fc.array(part, { maxLength: 5 }).map((ps) => ps.join("")), text);
    fc.assert(fc.property(line, (l) => !notice.test(l) || mayBeNotice(l)), { numRuns: 2000 });
  });
});
