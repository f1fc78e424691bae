import { describe, expect, it } from "vitest";
import { ccrKey } from "@headroom/core";
import { handleRetrieveCalls } from "./handle.js";
import { MemoryStore } from "./memory-store.js";
import { formatRetrieveResult, retrieve } from "./retrieve.js";
import { RETRIEVE_TOOL_NAME } from "./tool.js";

// A stored image original as @headroom/image keeps it: a data URL (here a real 1×1 PNG).
const B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const VALUE = `data:image/png;base64,${B64}`;
const KEY = ccrKey(VALUE);

describe("retrieving a stored image", () => {
  it("answers text dialects with type and size, never the base64", async () => {
    const store = new MemoryStore();
    await store.put(KEY, VALUE);
    const text = formatRetrieveResult(await retrieve(store, KEY, { query: "anything" }));
    expect(text).toBe(`Original image ${KEY}: image/png, 70 B. This API cannot carry an image inside a tool result, so it is not shown here; the copy in the conversation is its compressed version.`);
    expect(text).not.toContain(B64.slice(0, 16));
  });

  it("answers Anthropic with an image block in the tool result", async () => {
    const store = new MemoryStore();
    await store.put(KEY, VALUE);
    const response = { type: "message", role: "assistant", stop_reason: "tool_use", content: [{ type: "tool_use", id: "r1", name: RETRIEVE_TOOL_NAME, input: { hash: KEY } }] };
    const h = await handleRetrieveCalls(response, store, "anthropic");
    const result = (h.followUp[1] as { content: { content: unknown }[] }).content[0]!.content;
    expect(result).toEqual([{ type: "text", text: `Original image ${KEY}: image/png, 70 B. It follows as an image.` }, { type: "image", source: { type: "base64", media_type: "image/png", data: B64 } }]);
  });
});
