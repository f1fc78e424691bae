import { describe, expect, it } from "vitest";
import { compactJson, JObj, JsonSyntaxError, MAX_DEPTH, maxNesting, parseJson, parsePrechecked, readJson, toJson, type JVal } from "./ast.js";
import { crush } from "./crush.js";
import { idTest } from "./slim.js";

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

describe("readJson", () => {
  // `compact` promises text === toJson(tree): crush takes the input as its compact form on that word.
  const texts = [
    '{"a":1,"b":[true,false,null],"c":"x"}',
    '{"a": 1}',
    '[1.0,-0,1e3,12345678901234567890]',
    '"plain"',
    '"tab\\there"',
    '"quote\\"q"',
    '"slash\\/"',
    '"\\u00e9t\\u00e9"',
    '"été"',
    '"emoji 😀"',
    '"\\ud83d\\ude00"',
    '"lone \\ud800 high"',
    `"lone ${String.fromCharCode(0xd800)} raw"`,
    `"reversed ${String.fromCharCode(0xdc00, 0xd800)}"`,
    '"ctl \\u0001"',
    '"ctl \\u001F"',
    '{"a":{"b":[{"c":"d\\n"}]}}',
    '[\n1]',
  ];
  it.each(texts)("says compact exactly when the text is its own compact JSON: %s", (t) => {
    const { tree, compact } = readJson(t);
    expect(compact).toBe(toJson(tree) === t);
  });
});

describe("compactJson", () => {
  // A pretty-printed document is serialised once: its compact text and its arrays' item texts.
  const value = {
    list: Array.from({ length: 12 }, (_, i) => ({ id: i, tags: ["x", `é${i}`], n: i % 2 ? 1.5 : null, nested: Array.from({ length: 10 }, (_, k) => k * i) })),
    short: [1, 2],
    s: "quote\" and \u2028",
  };
  const pretty = JSON.stringify(value, null, 2);
  const { tree } = readJson(pretty);
  const compact = readJson(JSON.stringify(value));
  it("gives toJson's text and the item texts readJson gives for the compact form of the same document", () => {
    const c = compactJson(tree);
    expect(c.text).toBe(JSON.stringify(value));
    expect(c.text).toBe(toJson(tree));
    expect(compact.compact).toBe(true);
    const arraysOf = (root: JVal): JVal[][] => {
      const out: JVal[][] = [];
      const walk = (v: JVal) => {
        if (Array.isArray(v)) {
          out.push(v);
          v.forEach(walk);
        } else if (v instanceof JObj) v.vals.forEach(walk);
      };
      walk(root);
      return out;
    };
    const arrays = arraysOf(tree);
    const compactArrays = arraysOf(compact.tree);
    expect(arrays.length).toBe(compactArrays.length);
    arrays.forEach((a, i) => {
      const texts = c.textsOf(a);
      expect(texts).toEqual(compact.textsOf!(compactArrays[i]!));
      // Arrays of 9 items or more have texts, each its item's own compact JSON.
      if (a.length >= 9) expect(texts).toEqual(a.map((x) => toJson(x)));
      else expect(texts).toBeUndefined();
    });
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

describe("idTest", () => {
  // Must agree with the pattern it replaces, `/<id>(?:[/?#]|$)`, on every link.
  const ids = ["1234", "abc_9", "deadbeef", "1.5", "1e+21", "-3"];
  const links = ["https://x/1234", "https://x/12345", "https://x/1234/y", "https://x/a1234?q", "https://x/1234#f", "/1234/1234", "https://x/1x5", "https://x/1.5/", "https://x/1eee21", "https://x/abc_9?", "https://x/deadbeef0", "https://x/-3#", "https://x/deadbeef"];
  it("matches what the regular expression matched", () => {
    for (const id of ids)
      for (const v of links) expect([id, v, idTest(id)(v)]).toEqual([id, v, new RegExp(`/${id}(?:[/?#]|$)`).test(v)]);
  });
});

describe("readJson item texts", () => {
  it("gives each item's compact JSON for long arrays of compact input, nothing otherwise", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ id: i, tags: ["a", i], s: "x\n\u00e9" }));
    const text = JSON.stringify({ items, short: [1, 2] });
    const { tree, textsOf } = readJson(text);
    const arr = (tree as unknown as { vals: unknown[] }).vals[0] as never;
    expect(textsOf?.(arr)).toEqual(items.map((x) => JSON.stringify(x)));
    const short = (tree as unknown as { vals: unknown[] }).vals[1] as never;
    expect(textsOf?.(short)).toBeUndefined();
    expect(readJson(JSON.stringify({ items }, null, 1)).textsOf).toBeUndefined();
  });
});

describe("readJson nesting", () => {
  it("is what maxNesting counts on valid documents", () => {
    for (const t of ['1', '"[["', "[]", "[[]]", '{"a":[{"b":"]]]"}]}', "[[1],[[2]],3]", "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH), "[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1)])
      expect([t.slice(0, 20), readJson(t).nesting]).toEqual([t.slice(0, 20), maxNesting(t)]);
  });
  it("keeps crush declining documents nested beyond MAX_DEPTH", () => {
    const deep = "[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1);
    expect(crush(deep, { reversible: true })).toBeNull();
    expect(crush(`${deep}\n${deep}`, { reversible: true })).toBeNull();
  });
});
