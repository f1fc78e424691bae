import { jaccard } from "@headroom/text";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { likeness, lineFeatures } from "./features.js";
import { parsedOnce, parseSearch } from "./parse.js";

describe("likeness of id arrays", () => {
  it("equals jaccard of the word sets the ids stand for", () => {
    const a = ["alpha", "bravo", "charlie", "delta"];
    const b = ["charlie", "alpha", "echo"];
    const ids = new Map([...new Set([...a, ...b])].map((w, i) => [w, i]));
    const toIds = (ws: string[]) => Int32Array.from(ws, (w) => ids.get(w)!).sort();
    expect(likeness(toIds(a), toIds(b))).toBe(jaccard(new Set(a), new Set(b)));
    expect(likeness(toIds([]), toIds(b))).toBe(0);
  });

  it("gives a line its distinct words once, and equal ids to equal shapes and keys", () => {
    const m = parseSearch(["a.go:1:\tfoo bar foo", "b.go:7:\tbar   foo foo"].join("\n")).lines;
    const f = lineFeatures(m, new Set());
    const [x, y] = [f.get(m[0]!)!, f.get(m[1]!)!];
    expect(x.ids.length).toBe(2);
    expect(likeness(x.ids, y.ids)).toBe(1);
    expect(x.keyId).toBe(y.keyId);
    expect(x.shapeId).not.toBe(y.shapeId);
  });
});

/** The shape as the regexes spell it (what `fold` computes in one pass). */
function shapeOf(text: string): string {
  const folded = text
    .replace(/\d+(?:\.\d+)?/g, "0")
    .replace(/\s+/g, " ")
    .trim();
  let end = folded.length;
  while (end > 0 && (folded[end - 1] === "," || folded[end - 1] === ";" || folded[end - 1] === " ")) end--;
  return folded.slice(0, end);
}

describe("shapes and keys", () => {
  // Numbers, decimals, dotted versions, blank runs of every kind (Unicode ones too), leading and trailing
  // blanks and separators, lines with the same words in another order or other numbers.
  const texts = [
    "",
    "   ",
    " ,; ",
    "timeout = 5",
    "timeout = 7",
    "timeout =  5",
    "timeout = 5;",
    "timeout = 5 , ;",
    "\ttimeout\u00a0=\u20035",
    "timeout\u2028= 5",
    "timeout=\ufeff5",
    "5 = timeout",
    "version 1.2.3",
    "version 1.2",
    "version 1..2",
    "version 1.",
    "version .5",
    "x 12ab34 y",
    "x 1 2 y",
    "x 1,2 y",
    "x 1.2 y",
    "é日本 \u{1F600} 3",
    "a\u3000b",
    "a\u180eb",
    "a b",
  ];
  const lines = parseSearch(texts.map((t, i) => `a.go:${i + 1}:${t}`).join("\n")).lines;
  const f = lineFeatures(lines, new Set());

  it("gives equal shape ids exactly to lines whose regex shapes are equal", () => {
    for (let i = 0; i < texts.length; i++)
      for (let j = 0; j < texts.length; j++)
        expect([i, j, f.get(lines[i]!)!.shapeId === f.get(lines[j]!)!.shapeId]).toEqual([i, j, shapeOf(texts[i]!) === shapeOf(texts[j]!)]);
  });

  it("gives equal keys exactly to lines with the same word set and numbers", () => {
    const key = (i: number) => `${[...f.get(lines[i]!)!.ids].join(" ")}|${(texts[i]!.match(/\d+(?:\.\d+)?/g) ?? []).join(",")}`;
    for (let i = 0; i < texts.length; i++)
      for (let j = 0; j < texts.length; j++) expect([i, j, f.get(lines[i]!)!.keyId === f.get(lines[j]!)!.keyId]).toEqual([i, j, key(i) === key(j)]);
  });

  // Any text: blanks of every kind, digits and separators among them.
  const tricky = fc.constantFrom(..."aZq09.5 \t\r\v\f,;_$-é日\u00a0\u2003\u2028\u3000\ufeff\u180e".split(""), "\u{1F600}");
  const text = fc.oneof(fc.string({ unit: tricky, maxLength: 40 }), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 30 }));

  it("are equal for two lines exactly when the regex shapes, or word sets and numbers, are", () => {
    const noNewline = text.map((s) => s.replace(/[\r\n]/g, " "));
    fc.assert(
      fc.property(fc.array(noNewline, { minLength: 2, maxLength: 12 }), (texts) => {
        const lines = parseSearch(texts.map((t, i) => `a.go:${i + 1}:${t}`).join("\n")).lines;
        const f = lineFeatures(lines, new Set());
        // The text as parsed (a leading `N:` is read as a column).
        const textOf = (i: number) => lines[i]!.text ?? "";
        const key = (i: number) => `${[...f.get(lines[i]!)!.ids].join(" ")}|${(textOf(i).match(/\d+(?:\.\d+)?/g) ?? []).join(",")}`;
        for (let i = 0; i < texts.length; i++)
          for (let j = 0; j < i; j++) {
            const [a, b] = [f.get(lines[i]!)!, f.get(lines[j]!)!];
            if ((a.shapeId === b.shapeId) !== (shapeOf(textOf(i)) === shapeOf(textOf(j)))) return false;
            if ((a.keyId === b.keyId) !== (key(i) === key(j))) return false;
          }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("numbers shapes and keys in order of first appearance, across many lines", () => {
    const many = parseSearch(Array.from({ length: 3000 }, (_, i) => `a.go:${i + 1}:w${i % 700} = ${i % 900};`).join("\n")).lines;
    const g = lineFeatures(many, new Set());
    const first = new Map<string, number>();
    const keys = new Map<string, number>();
    many.forEach((l, i) => {
      const shape = shapeOf(l.text!);
      if (!first.has(shape)) first.set(shape, first.size);
      expect(g.get(l)!.shapeId).toBe(first.get(shape));
      const k = `${i % 700}|${i % 900}`;
      if (!keys.has(k)) keys.set(k, keys.size);
      expect(g.get(l)!.keyId).toBe(keys.get(k));
    });
  });
});

describe("parsedOnce", () => {
  it("reuses the last parse of the same text and parses a new text afresh", () => {
    const a = "src/a.go:1:foo\nsrc/b.go:2:foo";
    const first = parsedOnce(a);
    expect(parsedOnce(a)).toBe(first);
    expect(parsedOnce(`${a}\n`)).toEqual(parseSearch(`${a}\n`));
    expect(first).toEqual(parseSearch(a));
  });
});
