import { languageFromFileName, LANGUAGE_IDS } from "@headroom/text";
import { describe, expect, it } from "vitest";
import { EXT, fitExponent, startOf } from "./scale.js";

describe("scale suite helpers", () => {
  it("names an input file of every known language with an extension that picks that language", () => {
    for (const l of LANGUAGE_IDS) expect(languageFromFileName(`input.${EXT[l]}`)).toBe(l);
  });

  it("fits the exponent of a power law", () => {
    expect(fitExponent([1, 2, 4, 8].map((x) => ({ x, y: 3 * x ** 1.5 })))).toBeCloseTo(1.5, 10);
    expect(fitExponent([{ x: 1, y: 1 }])).toBeNaN();
  });

  it("takes the start of a case cut where its units end: a line, a paragraph, a diff's file or hunk", () => {
    expect(startOf("a\nbb\nccc\n", 0.5, "log")).toBe("a\nbb");
    expect(startOf("one\ntwo\n\nthree four\n", 0.9, "prose")).toBe("one\ntwo");
    const diff = "diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-c\n+d\ndiff --git a/y b/y\n@@ -1 +1 @@\n-e\n+f\n";
    expect(startOf(diff, 0.6, "diff")).toBe("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-c\n+d");
    expect(startOf(diff, 0.45, "diff")).toBe("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b");
    expect(startOf(diff, 0.25, "diff")).toBe(""); // inside the first file's first hunk: no header left alone
    expect(startOf("no line break here", 0.5, "log")).toBe("");
    expect(startOf("abc", 1, "log")).toBe("abc");
  });
});
