import { jaccard } from "@headroom/text";
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

describe("parsedOnce", () => {
  it("reuses the last parse of the same text and parses a new text afresh", () => {
    const a = "src/a.go:1:foo\nsrc/b.go:2:foo";
    const first = parsedOnce(a);
    expect(parsedOnce(a)).toBe(first);
    expect(parsedOnce(`${a}\n`)).toEqual(parseSearch(`${a}\n`));
    expect(first).toEqual(parseSearch(a));
  });
});
