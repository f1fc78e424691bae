import { languageFromFileName, LANGUAGE_IDS } from "@headroom/text";
import { describe, expect, it } from "vitest";
import { EXT, fitExponent } from "./scale.js";

describe("scale suite helpers", () => {
  it("names an input file of every known language with an extension that picks that language", () => {
    for (const l of LANGUAGE_IDS) expect(languageFromFileName(`input.${EXT[l]}`)).toBe(l);
  });

  it("fits the exponent of a power law", () => {
    expect(fitExponent([1, 2, 4, 8].map((x) => ({ x, y: 3 * x ** 1.5 })))).toBeCloseTo(1.5, 10);
    expect(fitExponent([{ x: 1, y: 1 }])).toBeNaN();
  });
});
