import { describe, expect, it } from "vitest";
import { JsonSyntaxError, MAX_DEPTH, parseJson, parsePrechecked, toJson } from "./ast.js";
import { crush } from "./crush.js";

describe("parsePrechecked", () => {
  it("gives the tree parseJson gives", () => {
    const t = '{"a":[1,2.0,{"b":null}],"a":"x"}';
    expect(toJson(parsePrechecked(t))).toBe(toJson(parseJson(t)));
  });
  it("still refuses nesting beyond MAX_DEPTH without the pre-scan", () => {
    const deep = "[".repeat(MAX_DEPTH + 5) + "]".repeat(MAX_DEPTH + 5);
    expect(() => parsePrechecked(deep)).toThrow(JsonSyntaxError);
  });
});

describe("thinning keeps untouched subtrees as they are", () => {
  // A long array whose items are thinned next to nested values that stay: the lossy output must not
  // depend on whether a subtree was copied or reused (the encoder memoises encodings by node).
  const doc = JSON.stringify({
    meta: { page: 1, tags: ["a", "b"], nested: [{ k: 1 }, { k: 2 }] },
    items: Array.from({ length: 60 }, (_, i) => ({
      id: i,
      node_id: `N_${i}x`,
      name: `item-${i}`,
      url: `https://api.example.com/items/${i}`,
      weeks: Array.from({ length: 12 }, (_, w) => ({ w, a: (i * w) % 7, d: i % 3 })),
      state: i === 37 ? "failed" : "ok",
    })),
  });
  it("is deterministic and the same through repeated calls", () => {
    const a = crush(doc, { reversible: true });
    const b = crush(doc, { reversible: true });
    expect(a?.text).toBe(b?.text);
    expect(a?.lossless).toBe(false);
    expect(a?.text).toContain("failed");
  });
  it("leaves the lossless encoding unchanged by a lossy pass before it", () => {
    const lossless = crush(doc, { reversible: false });
    crush(doc, { reversible: true });
    expect(crush(doc, { reversible: false })?.text).toBe(lossless?.text);
  });
});
