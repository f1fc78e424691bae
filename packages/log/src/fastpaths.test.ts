/**
 * Fast paths against the plain code they replace: each reference below is the straightforward version
 * (what the code did before it was made faster); on seeded random input both must agree everywhere.
 */
import { describe, expect, it } from "vitest";
import { hasLongSharedToken } from "./costs.js";

/** A seeded generator (deterministic tests). */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/** Random text from `alphabet`, with runs of one character now and then (long tokens, long gaps). */
function randomText(r: () => number, alphabet: string, maxLen: number): string {
  let out = "";
  const n = Math.floor(r() * maxLen);
  while (out.length < n) {
    const ch = alphabet[Math.floor(r() * alphabet.length)]!;
    out += r() < 0.1 ? ch.repeat(1 + Math.floor(r() * 20)) : ch;
  }
  return out;
}

describe("hasLongSharedToken", () => {
  // Runs of code units above 32 scanned one by one.
  const reference = (line: string, above: string): boolean => {
    let start = -1;
    for (let i = 0; i <= line.length; i++) {
      const space = i === line.length || line.charCodeAt(i) <= 32;
      if (!space) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0 && i - start >= 16 && above.includes(line.slice(start, i))) return true;
      start = -1;
    }
    return false;
  };

  it("agrees with the code-unit scan", () => {
    const r = rng(7);
    // Few distinct letters, so tokens of the line are often found in the line above.
    const alphabet = "ab \t\u0001\u00a0\r";
    for (let k = 0; k < 20000; k++) {
      const above = randomText(r, alphabet, 90);
      const line = r() < 0.5 ? randomText(r, alphabet, 90) : above.slice(Math.floor(r() * 10)) + randomText(r, alphabet, 20);
      expect(hasLongSharedToken(line, above)).toBe(reference(line, above));
    }
  });
});
