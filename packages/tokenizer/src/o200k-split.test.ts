import api from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { O200K_PATTERN, pieceEnd } from "./o200k-split.js";
import { rng } from "./test-rng.js";

// gpt-tokenizer's pre-tokenizer, the reference (internal: the bundled, pinned version's shape).
const regex = (api as unknown as { bytePairEncodingCoreProcessor: { tokenSplitRegex: RegExp } }).bytePairEncodingCoreProcessor.tokenSplitRegex;

/** Pieces as the scanner cuts them. */
function scanned(text: string): string[] {
  const sticky = new RegExp(O200K_PATTERN, "uy");
  const out: string[] = [];
  for (let pos = 0; pos < text.length; ) {
    const end = pieceEnd(text, pos, sticky);
    out.push(text.slice(pos, end));
    pos = end;
  }
  return out;
}

// Every ASCII character, plus what beyond ASCII can continue or lead an ASCII piece: letters of each
// case class (Lu, Ll, Lt, Lm, Lo), a combining mark, digits of other scripts, Unicode blanks and line
// separators, symbols, an emoji and a lone surrogate.
const WIDE = ["É", "é", "ǅ", "ʰ", "中", "\u0301", "٣", "²", "\u00a0", "\u2028", "\u3000", "\u0085", "€", "«", "🦊", "\ud800"];
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
const FAVOURED = ["'s", "'LL", "'ve", "'x", " ", "  ", "\n", "\r\n", "//", "123", "4567", "Ab", "aB", "ABC"];

describe("o200k split scanner", () => {
  it("implements the pattern gpt-tokenizer ships for o200k_base", () => {
    expect(regex.source).toBe(O200K_PATTERN);
  });

  it("cuts every text where the regex does", () => {
    const next = rng(200);
    const pick = (xs: string[]) => xs[Math.floor(next() * xs.length)]!;
    for (let k = 0; k < 20_000; k++) {
      let s = "";
      for (let n = 1 + Math.floor(next() * 40); n > 0; n--) {
        const r = next();
        s += r < 0.55 ? pick(ASCII) : r < 0.85 ? pick(FAVOURED) : pick(WIDE);
      }
      const expected = [...s.matchAll(regex)].map((m) => m[0]);
      const got = scanned(s);
      if (got.join("\u0000") !== expected.join("\u0000")) expect({ text: s, got }).toEqual({ text: s, got: expected });
    }
  });

  it("cuts prose, code and logs where the regex does", () => {
    const texts = [
      "I'm sure they'll say it's THE BEST'S, don't you think? We've 12345 items.\n\n  Next paragraph\t\ttabbed  \n",
      "function f(a, b) {\n  return a // comment\n}\n//\n/// doc\r\n\r\n    x = [1, 2.5e-3];",
      "2025-03-01T10:00:00Z ERROR svc-1 request 41 handled in 617 ms status=500\n",
      "   \n\n   trailing   ",
      "café naïve Ünïcödé — “quotes” 東京 🦊 x\u00a0y",
    ];
    for (const s of texts) expect(scanned(s)).toEqual([...s.matchAll(regex)].map((m) => m[0]));
  });
});
