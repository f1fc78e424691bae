/**
 * Core memoises one call's token counts by "safe" line segment (`memoizeByLine`), which is exact only if
 * the encodings never tokenize across a safe newline. This checks that property on random texts built
 * from the characters that the pre-tokenizer patterns treat specially, for both encodings and both
 * backends (tiktoken is the reference implementation).
 */
import { memoizeByLine, safeCuts, safeSegments } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { loadEncoding } from "./index.js";
import { rng } from "./test-rng.js";

// Newlines, carriage returns, blanks (ASCII and Unicode), the slash o200k's punctuation pattern takes
// after a newline, punctuation, contractions, letters of both cases, digits, CJK and an emoji.
const ALPHABET = ["\n", "\n", "\n", "\r", " ", " ", "\t", "\u00a0", "\u3000", "/", "//", ";", "}", "'s", "'", "a", "A", "é", "1", "23", "中", "🦊", ".", "-", "x_y", "Ab"];

function randomText(next: () => number): string {
  const n = 1 + Math.floor(next() * 60);
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  return s;
}

describe("counts add up over safe line segments", () => {
  for (const encoding of ["o200k_base", "cl100k_base"] as const)
    for (const backend of ["gpt-tokenizer", "tiktoken"] as const)
      it(`${encoding} (${backend})`, async () => {
        const t = await loadEncoding(encoding, backend);
        const next = rng(encoding.length * 31 + backend.length);
        let split = 0;
        for (let k = 0; k < 3000; k++) {
          const s = randomText(next);
          const segs = safeSegments(s);
          expect(segs.join("")).toBe(s);
          if (segs.length > 1) split++;
          const sum = segs.reduce((n, x) => n + t.count(x), 0);
          if (sum !== t.count(s)) expect({ text: s, segs }).toEqual({ text: s, sum: t.count(s) });
        }
        // The texts must actually exercise splitting, or the property is checked on nothing.
        expect(split).toBeGreaterThan(1000);
      });

  for (const encoding of ["o200k_base", "cl100k_base"] as const)
    it(`${encoding}: countSegments at the safe cuts gives each segment's count, in one pass`, async () => {
      const t = await loadEncoding(encoding);
      // Bundled at a pinned version: if its internals change shape, this says so instead of a silent slowdown.
      expect(typeof t.countSegments).toBe("function");
      const next = rng(encoding.length * 7);
      for (let k = 0; k < 3000; k++) {
        const s = Array.from({ length: 1 + Math.floor(next() * 4) }, () => randomText(next)).join("");
        const cuts = safeCuts(s);
        const counts = t.countSegments!(s, cuts);
        // NaN marks a segment a piece ran across (counted alone by the memo); all others must be exact.
        const expected = safeSegments(s).map((x, i) => (Number.isNaN(counts[i]) ? Number.NaN : t.count(x)));
        if (counts.join() !== expected.join()) expect({ text: s, counts }).toEqual({ text: s, counts: expected });
      }
    });

  for (const encoding of ["o200k_base", "cl100k_base"] as const)
    it(`${encoding}: our count (a bounded piece table over gpt-tokenizer's ranks) equals tiktoken's`, async () => {
      const ours = await loadEncoding(encoding);
      const reference = await loadEncoding(encoding, "tiktoken");
      const next = rng(encoding.length * 13);
      // Far more distinct pieces than the table holds (it is cleared and refilled), pieces longer than it
      // remembers, special-token strings, and texts repeated so remembered counts are reused.
      const texts: string[] = [];
      for (let k = 0; k < 4000; k++) texts.push(`${randomText(next)} w${k}x${Math.floor(next() * 1e6)} <|endoftext|>`);
      texts.push("a".repeat(500), " ".repeat(300) + "b", "🦊".repeat(100), ...texts.slice(0, 200));
      for (const s of texts) if (ours.count(s) !== reference.count(s)) expect({ text: s, count: ours.count(s) }).toEqual({ text: s, count: reference.count(s) });
    });

  it("memoizeByLine counts a new text in one pass and only the new lines of a later one", async () => {
    const t = await loadEncoding("o200k_base");
    const calls = { count: 0, segments: 0, chars: 0 };
    const m = memoizeByLine({
      ...t,
      count: (s) => {
        calls.count++;
        calls.chars += s.length;
        return t.count(s);
      },
      countSegments: (s, cuts) => {
        calls.segments++;
        return t.countSegments!(s, cuts);
      },
    });
    const line = "2024-01-01 10:00:00 INFO the same long log line, kept verbatim by a compressor\n";
    const text = `${line}  indented\n\n\n/slash\r\n${line}tail`;
    expect(m.count(text)).toBe(t.count(text));
    expect(calls).toEqual({ count: 0, segments: 1, chars: 0 });
    expect(m.count(`[marker]\n${line}`)).toBe(t.count(`[marker]\n${line}`));
    expect(calls).toEqual({ count: 1, segments: 1, chars: "[marker]\n".length });
  });

  it("memoizeByLine gives the same counts as the tokenizer, and counts a repeated line once", async () => {
    const { countSegments: _, ...t } = await loadEncoding("o200k_base");
    let chars = 0;
    const m = memoizeByLine({
      ...t,
      count: (s) => {
        chars += s.length;
        return t.count(s);
      },
    });
    const line = "2024-01-01 10:00:00 INFO the same long log line, kept verbatim by a compressor\n";
    const text = `${line}  indented\n\n\n/slash\r\n${line}tail`;
    expect(m.count(text)).toBe(t.count(text));
    const before = chars;
    expect(m.count(`[marker]\n${line}`)).toBe(t.count(`[marker]\n${line}`));
    // Only the new first line was tokenized; the kept line came from the memo.
    expect(chars - before).toBe("[marker]\n".length);
    // An encoding not known to split at newlines, or a tokenizer that only carries the label, is left alone.
    const other = { name: "x", encoding: "chars/4", estimated: true, count: (s: string) => Math.ceil(s.length / 4) };
    expect(memoizeByLine(other)).toBe(other);
    const labelled = { ...other, encoding: "o200k_base" };
    expect(memoizeByLine(labelled)).toBe(labelled);
  });
});
