import { describe, expect, it } from "vitest";
import { Heap, containment, jaccard, shingles, topK } from "./index.js";

describe("shingles and jaccard", () => {
  it("builds word 3-grams, one shingle for short lists", () => {
    expect([...shingles(["a", "b", "c", "d"])]).toEqual(["a b c", "b c d"]);
    expect([...shingles(["a", "b"])]).toEqual(["a b"]);
    expect(shingles([]).size).toBe(0);
    expect([...shingles(["a", "b", "c"], 2)]).toEqual(["a b", "b c"]);
  });

  it("measures set likeness", () => {
    const a = new Set(["x", "y", "z"]);
    expect(jaccard(a, new Set(["y", "z", "w"]))).toBeCloseTo(2 / 4);
    expect(jaccard(a, new Set())).toBe(0);
    expect(jaccard(a, a)).toBe(1);
    expect(containment(new Set(["x", "y"]), a)).toBe(1);
    expect(containment(new Set(["x", "q"]), a)).toBe(0.5);
    expect(containment(new Set(), a)).toBe(1);
  });
});

describe("Heap and topK", () => {
  const before = (x: { v: number; i: number }, y: { v: number; i: number }) => y.v - x.v || x.i - y.i;
  const items = [5, 1, 9, 9, 3, 7].map((v, i) => ({ v, i }));

  it("pops in order, ties by position", () => {
    const h = new Heap(before, items);
    h.push({ v: 8, i: 6 });
    const out: number[] = [];
    for (let x = h.pop(); x; x = h.pop()) out.push(x.i);
    expect(out).toEqual([2, 3, 6, 5, 0, 4, 1]);
    expect(h.pop()).toBeUndefined();
    expect(h.size).toBe(0);
  });

  it("selects the k first items in order", () => {
    expect(topK(items, 3, before).map((x) => x.i)).toEqual([2, 3, 5]);
    expect(topK(items, 0, before)).toEqual([]);
    expect(topK(items, 99, before)).toHaveLength(items.length);
  });
});
