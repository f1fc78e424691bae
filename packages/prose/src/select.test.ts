// The exact-repeat hash against the norm it stands for.
import { describe, expect, it } from "vitest";
import { normHash } from "./select.js";

const fnv = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};
const PIECES = ["a", "Bc", "1.2", "[…]", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u200b", "é", "-", ""];

describe("normHash", () => {
  it("is the hash of the trimmed text with whitespace runs collapsed to one space", () => {
    let seed = 3;
    const r = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < 5000; k++) {
      const t = Array.from({ length: Math.floor(r() * 12) }, () => PIECES[Math.floor(r() * PIECES.length)]!).join("");
      expect(normHash(t)).toBe(fnv(t.trim().replace(/\s+/g, " ")));
    }
  });
});
