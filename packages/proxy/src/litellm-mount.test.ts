import { describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createProxyApp } from "./index.js";
import { BIG_LOG, headCompressor } from "./testing/fixtures.js";

// The proxy serves the LiteLLM contract (/v1/compress, /v1/retrieve) and mounts @headroom/litellm for the
// generic guardrail API: all share its store and count in its /stats.
describe("LiteLLM routes mounted in the proxy", () => {
  it("serves /v1/compress, /v1/retrieve and the generic guardrail API, and counts them", async () => {
    const app = createProxyApp({ pipeline: createRouter({ compressors: [headCompressor()] }), store: new MemoryStore() });
    const messages = [{ role: "tool", tool_call_id: "c1", content: BIG_LOG }];
    const res = await app.request("/v1/compress", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages }) });
    const body = (await res.json()) as { messages: unknown[]; ccr_hashes: string[]; tokens_saved: number };
    expect(body.messages).toHaveLength(1);
    expect(body.tokens_saved).toBeGreaterThan(0);
    const got = await app.request(`/v1/retrieve/${body.ccr_hashes[0]}`);
    expect(((await got.json()) as { original_content: string }).original_content).toBe(BIG_LOG);
    const g = await app.request("/beta/litellm_basic_guardrail_api", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ texts: [BIG_LOG], input_type: "request" }) });
    expect(((await g.json()) as { action: string }).action).toBe("GUARDRAIL_INTERVENED");
    const stats = (await (await app.request("/stats")).json()) as { by_route: Record<string, { requests: number }> };
    expect(stats.by_route.compress!.requests).toBe(1);
    expect(stats.by_route.guardrail!.requests).toBe(1);
  });
});
