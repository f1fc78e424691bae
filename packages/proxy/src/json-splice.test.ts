import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { scanJson, spliceJson } from "./json-splice.js";

describe("spliceJson", () => {
  it("returns the text itself when nothing changed", () => {
    const t = '{ "a" : 1.0 , "b": [1, 2 ,3], "n": 123456789012345678901 }';
    // Even a fresh parse (new objects, equal primitives) gives back the same bytes: separators are kept.
    expect(spliceJson(t, JSON.parse(t), JSON.parse(t))).toBe(t);
    const prev = JSON.parse(t) as Record<string, unknown>;
    expect(spliceJson(t, prev, prev)).toBe(t);
  });

  it("replaces one value and keeps every other byte, spacing and duplicates included", () => {
    const t = '{\n  "x": 9007199254740993,\n  "d": 1, "d": 2,\n  "messages": [ {"role":"user","content":"long"} , {"role":"tool","content":"big"} ]\n}';
    const prev = JSON.parse(t) as { messages: Record<string, unknown>[] };
    const next = { ...prev, messages: [prev.messages[0], { ...prev.messages[1], content: "small" }] };
    expect(spliceJson(t, prev, next)).toBe(t.replace('"content":"big"', '"content":"small"'));
  });

  it("appends new members and elements", () => {
    const t = '{"messages": [1, 2], "tools": []}';
    const prev = JSON.parse(t) as { messages: number[]; tools: unknown[] };
    const next = { ...prev, messages: [...prev.messages, 3], tools: [{ name: "t" }], tool_choice: "none" };
    expect(spliceJson(t, prev, next)).toBe('{"messages": [1, 2,3], "tools": [{"name":"t"}],"tool_choice":"none"}');
  });

  it("finds where every string ends, whatever quotes and backslashes it holds", () => {
    const hand = ["", '"', "\\", '\\"', '\\\\"', 'a\\"b"c', "\u2028\n\t", "😀\\"];
    const check = (strings: string[]) => {
      const t = JSON.stringify({ s: strings, after: 1 });
      const node = scanJson(t);
      expect(node.end).toBe(t.length);
      const elements = node.members![0]!.value.elements!;
      expect(elements.map((e) => JSON.parse(t.slice(e.start, e.end)) as string)).toEqual(strings);
      expect(node.members!.map((m) => m.key)).toEqual(["s", "after"]);
    };
    check(hand);
    fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom("\\", '"', "a", " ", "\n", "é") })), check));
  });

  it("always produces JSON equal to the new value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const t = JSON.stringify({ keep: a, change: a });
        const prev = JSON.parse(t) as Record<string, unknown>;
        const next = { ...prev, change: b, added: b };
        expect(JSON.parse(spliceJson(t, prev, next))).toEqual(JSON.parse(JSON.stringify(next)));
        expect(scanJson(t).end).toBe(t.length);
      }),
    );
  });
});
