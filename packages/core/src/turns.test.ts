import { describe, expect, it } from "vitest";
import { compress } from "./pipeline.js";
import { firstProtectedIndex } from "./turns.js";
import type { CompressorV1 as Compressor, Store, Tokenizer } from "./types.js";
import { createOriginals, marker } from "./markers.js";

const words: Tokenizer = { name: "words", encoding: "ws", estimated: true, count: (t) => t.split(/\s+/).filter(Boolean).length };
const longText = Array.from({ length: 60 }, (_, i) => `line ${i} of the output with several words`).join("\n");
const firstLine: Compressor = {
  specificationVersion: "v1",
  name: "first-line",
  kinds: ["*"],
  compress(unit) {
    const o = createOriginals();
    const key = o.stash(unit.text);
    return { text: `${unit.text.split("\n")[0]}\n${marker("rest omitted", key)}`, lossless: false, originals: o.list() };
  },
};
const store = (): Store => {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), put: async (k, v) => void m.set(k, v), has: async (k) => m.has(k), delete: async (k) => m.delete(k) };
};
const call = (id: string) => ({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "read", arguments: "{}" } }] });
const result = (id: string) => ({ role: "tool", tool_call_id: id, content: longText });

describe("protectRecent counts turns", () => {
  it("finds the start of the n-th last turn; tool results (Anthropic blocks too) do not open one", () => {
    const msgs = [
      { role: "user", content: "a" },
      call("1"),
      { role: "user", content: [{ type: "tool_result", tool_use_id: "1", content: "x" }] },
      { role: "user", content: "b" },
      call("2"),
      result("2"),
    ];
    expect(firstProtectedIndex(msgs, 0)).toBe(6);
    expect(firstProtectedIndex(msgs, 1)).toBe(3);
    expect(firstProtectedIndex(msgs, 2)).toBe(0);
    expect(firstProtectedIndex(msgs, 5)).toBe(0);
  });

  it("is prefix-stable while an agent loop grows the conversation: sent bytes change only at a new turn", async () => {
    const opts = { compressors: [firstLine], tokenizer: words, minTokens: 1, protectRecent: 1 };
    let conv: unknown[] = [{ role: "user", content: "first question" }, call("1"), result("1")];
    const sent: string[][] = [];
    // Three requests of one agent loop, then a new user turn, then one more tool call.
    for (const add of [[call("2"), result("2")], [call("3"), result("3")], [{ role: "user", content: "second question" }], [call("4"), result("4")]]) {
      const r = await compress(conv, { ...opts, store: store() });
      sent.push(r.messages.map((m) => JSON.stringify(m)));
      conv = [...conv, ...add];
    }
    // Within the first turn nothing is compressed yet, so each request extends the last one's bytes.
    for (const i of [1, 2]) expect(sent[i]!.slice(0, sent[i - 1]!.length)).toEqual(sent[i - 1]);
    // With a count of messages (the old rule) request 2 would have compressed result 1 and broken the prefix.
    expect(sent[1]!.join("")).not.toContain("rest omitted");
    // Once the second turn starts, the first turn is compressed once and then stays byte-identical.
    expect(sent[3]!.join("")).toContain("rest omitted");
    const r = await compress(conv, { ...opts, store: store() });
    expect(r.messages.slice(0, sent[3]!.length).map((m) => JSON.stringify(m))).toEqual(sent[3]);
  });
});
