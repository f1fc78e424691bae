import { describe, expect, it } from "vitest";
import { stem, stemLoose } from "./index.js";

describe("stem and stemLoose", () => {
  it("stem keeps identifier-like words apart, stemLoose lets running-prose forms meet", () => {
    expect(stem("replicated")).toBe("replicat");
    expect(stem("config")).not.toBe(stem("configuration"));
    expect(stemLoose("config")).toBe(stemLoose("configuration"));
    expect(stemLoose("compressed")).toBe(stemLoose("compression"));
    expect(stemLoose("settings")).toBe(stemLoose("setting"));
  });

  it("stemLoose leaves anything but lower-case letters alone, and never shortens below three letters", () => {
    expect(stemLoose("HTTP2")).toBe("HTTP2");
    expect(stemLoose("x_y")).toBe("x_y");
    expect(stemLoose("is")).toBe("is");
    expect(stemLoose("ones")).toBe("ones");
  });

  it("stemLoose equals its regex definition", () => {
    const byRegex = (w: string) => {
      if (!/^[a-z]+$/.test(w)) return w;
      const s = w.replace(/(?:ations?|ions?|ings?|ed|es|s|ly)$/, "");
      return (s.length >= 3 ? s : w).slice(0, 6);
    };
    let seed = 3;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const bits = ["a", "e", "s", "d", "y", "l", "i", "o", "n", "g", "t", "ation", "ion", "ing", "ed", "es", "ly", "r", "1", "_", "A"];
    for (let k = 0; k < 50000; k++) {
      const w = Array.from({ length: Math.floor(next() * 6) }, () => bits[Math.floor(next() * bits.length)]!).join("");
      if (stemLoose(w) !== byRegex(w)) expect({ w, got: stemLoose(w) }).toEqual({ w, got: byRegex(w) });
    }
  });
});
