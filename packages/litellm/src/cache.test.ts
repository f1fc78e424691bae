import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { createUnitCache } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { createLiteLLMApp } from "./index.js";

const here = dirname(fileURLToPath(import.meta.url));
const log = Array.from({ length: 300 }, (_, i) =>
  i === 211 ? "2026-01-05T12:00:00Z ERROR db pool exhausted" : `2026-01-05T11:${String(i % 60).padStart(2, "0")}:00Z INFO worker-${i % 3} processed batch ${i}`,
).join("\n");
const turn1 = [
  { role: "user", content: "Why did the batch fail?" },
  { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: '{"command":"tail app.log"}' } }] },
  { role: "tool", tool_call_id: "c1", content: log },
];
const turn2 = [...turn1, { role: "assistant", content: "The pool was exhausted." }, { role: "user", content: "Since when?" }];

describe("guardrail with a unit cache", () => {
  it("compresses a conversation's tool output once across LiteLLM's calls, same messages back", async () => {
    const pipeline = await createDefaultRouter({ from: join(here, ".."), tokenizer: tiktokenTokenizer });
    const store = new MemoryStore();
    const cache = createUnitCache();
    const app = createLiteLLMApp({ deps: async () => ({ pipeline, store, cache }), auth: false });
    const call = async (messages: unknown[]) =>
      (await (
        await app.request("/v1/compress", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ messages, model: "gpt-4o" }),
        })
      ).json()) as { messages: unknown[]; ccr_hashes: string[] };
    const a = await call(turn1);
    expect(a.ccr_hashes).toHaveLength(1);
    const hits = cache.stats().hits;
    const b = await call(turn2);
    expect(cache.stats().hits).toBeGreaterThan(hits);
    expect(b.messages.slice(0, 3)).toEqual(a.messages);
    expect(b.ccr_hashes).toEqual(a.ccr_hashes);
    expect(await store.get(a.ccr_hashes[0]!)).toBe(log);
  });
});
