import { describe, expect, it } from "vitest";
import { Heap, NearDuplicateIndex, containment, jaccard, shingleIds, shingles, topK } from "./index.js";

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

describe("shingleIds and NearDuplicateIndex", () => {
  it("shingleIds are sorted, unique and order-sensitive; short inputs give one shingle", () => {
    const a = shingleIds([1, 2, 3, 4, 1, 2, 3]);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
    expect(new Set(a).size).toBe(a.length);
    expect(a.length).toBe(4); // 1-2-3 twice, 2-3-4, 3-4-1, 4-1-2
    expect(Array.from(shingleIds([3, 2, 1]))).not.toEqual(Array.from(shingleIds([1, 2, 3])));
    expect(shingleIds([7]).length).toBe(1);
    expect(shingleIds([]).length).toBe(0);
    expect(Array.from(shingleIds([1, 2, 3, 9, 9], 3))).toEqual(Array.from(shingleIds([1, 2, 3])));
  });

  it("finds a kept unit whose shingles overlap at the threshold, and only then", () => {
    const index = new NearDuplicateIndex();
    index.add(0, shingleIds([1, 2, 3, 4, 5, 6]));
    expect(index.has(shingleIds([1, 2, 3, 4, 5, 6]), 1)).toBe(true);
    expect(index.has(shingleIds([1, 2, 3, 4, 5, 7]), 0.6)).toBe(true); // 3 of 5 shingles shared
    expect(index.has(shingleIds([1, 2, 3, 4, 5, 7]), 0.7)).toBe(false);
    expect(index.has(shingleIds([9, 8, 7, 6]), 0.1)).toBe(false);
    expect(index.has(new Uint32Array(0), 0)).toBe(false);
  });

  it("skips shingles held by more kept units than the posting limit", () => {
    const index = new NearDuplicateIndex(2);
    for (let k = 0; k < 3; k++) index.add(k, shingleIds([1, 2, 3]));
    expect(index.has(shingleIds([1, 2, 3]), 0.5)).toBe(false);
  });
});
