import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pipeline } from "@headroom/core";
import { createLiteLLMApp, guardrailConfigYaml } from "./index.js";
import { serveLiteLLM, type RunningLiteLLM } from "./node.js";

/**
 * Replays requests shaped the way LiteLLM's `HeadroomGuardrail` (litellm/proxy/guardrails/guardrail_hooks/
 * headroom/headroom.py) builds them, and judges the answers with the same checks its `_call_compress`,
 * `extract_hashes_from_messages` and `_call_retrieve` apply.
 */
const HASH = /hash=([a-f0-9]{24})/g;

/** LiteLLM's `extract_hashes_from_messages`: `content` strings and the `text` of content blocks. */
function litellmHashes(messages: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    const c = m.content;
    if (typeof c === "string") out.push(...[...c.matchAll(HASH)].map((x) => x[1]!));
    else if (Array.isArray(c))
      for (const b of c) if (b && typeof b === "object" && typeof (b as { text?: unknown }).text === "string") out.push(...[...(b as { text: string }).text.matchAll(HASH)].map((x) => x[1]!));
  }
  return out;
}

/** LiteLLM's `_call_compress` verdict: what fail_closed would raise on, or the messages it adopts. */
async function litellmCompressVerdict(res: Response, sent: unknown[]): Promise<{ ok: true; messages: Record<string, unknown>[]; body: Record<string, unknown> } | { ok: false; error: string }> {
  if (res.status !== 200) return { ok: false, error: `status ${res.status}` };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, error: "non-JSON" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return { ok: false, error: "unexpected shape" };
  const msgs = (body as { messages?: unknown }).messages;
  if (!Array.isArray(msgs)) return { ok: false, error: "missing messages" };
  const filtered = msgs.filter((m) => m && typeof m === "object" && !Array.isArray(m)) as Record<string, unknown>[];
  if (!filtered.length) return { ok: false, error: "empty message list" };
  if (filtered.length !== sent.length) return { ok: false, error: "changed the message count" };
  return { ok: true, messages: filtered, body: body as Record<string, unknown> };
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "headroom-litellm-"));
const rows = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, sku: `SKU-${1000 + i}`, status: i === 77 ? "backordered" : "in_stock", warehouse: `wh-${i % 4}`, qty: (i * 37) % 500 }));
const bigJson = JSON.stringify(rows, null, 2);
const bigLog =
  Array.from({ length: 300 }, (_, i) => (i === 211 ? "2026-01-05T12:00:00Z ERROR db pool exhausted: 64/64 connections busy" : `2026-01-05T11:${String(i % 60).padStart(2, "0")}:00Z INFO worker-${i % 3} processed batch ${i}`)).join("\n") + "\n";

const post = (body: unknown, key?: string) => ({
  method: "POST",
  // Exactly LiteLLM's `_request_headers()`.
  headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
  body: JSON.stringify(body),
});

let server: RunningLiteLLM;
let keyed: RunningLiteLLM;
beforeAll(async () => {
  server = await serveLiteLLM({ port: 0, storePath: join(dir, "ccr.sqlite"), pluginsFrom: join(here, "..") });
  keyed = await serveLiteLLM({ port: 0, storePath: join(dir, "ccr.sqlite"), pluginsFrom: join(here, ".."), token: "hr-key" });
});
afterAll(async () => {
  await server?.close();
  await keyed?.close();
  rmSync(dir, { recursive: true, force: true });
});

const chat = [
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"inventory.json"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: bigJson },
];
const anthropicShaped = [
  { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "tail -n 300 app.log" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: bigLog }] },
];
const responsesShaped = [
  { type: "function_call", call_id: "fc_1", name: "shell", arguments: '{"command":["cat","app.log"]}' },
  { type: "function_call_output", call_id: "fc_1", output: bigLog },
];

describe("POST /v1/compress as LiteLLM's headroom guardrail calls it", () => {
  it("chat-shaped messages with model: compressed, every field LiteLLM reads, hashes LiteLLM can extract", async () => {
    const res = await fetch(`${server.url}/v1/compress`, post({ messages: chat, model: "gpt-4o" }));
    const v = await litellmCompressVerdict(res, chat);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const b = v.body as { tokens_before: number; tokens_after: number; tokens_saved: number; compression_ratio: number; transforms_applied: string[]; ccr_hashes: string[] };
    expect(b.tokens_after).toBeLessThan(b.tokens_before);
    expect(b.tokens_saved).toBe(b.tokens_before - b.tokens_after);
    expect(b.compression_ratio).toBeCloseTo(b.tokens_saved / b.tokens_before, 6);
    expect(b.transforms_applied.length).toBeGreaterThan(0);
    expect(litellmHashes(v.messages)).toEqual(b.ccr_hashes);
    expect(v.messages[0]).toEqual(chat[0]); // untouched rows come back as sent
    // `_call_retrieve`: GET with ?query, reads `original_content`.
    const hash = b.ccr_hashes[0]!;
    const whole = (await (await fetch(`${server.url}/v1/retrieve/${hash}`)).json()) as { original_content: string };
    expect(whole.original_content).toBe(bigJson);
    const q = await fetch(`${server.url}/v1/retrieve/${hash}?${new URLSearchParams({ query: "backordered" })}`);
    const narrowed = (await q.json()) as { original_content: string; returned_items?: number; returnedItems?: number };
    expect(narrowed.original_content).toContain('"status": "backordered"');
    expect(narrowed.original_content.length).toBeLessThan(bigJson.length / 10);
  });

  it("no model (LiteLLM omits it when unset), and newer fields timeout / min_tokens / ccr_retrieval", async () => {
    const res = await fetch(`${server.url}/v1/compress`, post({ messages: chat }));
    expect((await litellmCompressVerdict(res, chat)).ok).toBe(true);
    const lossless = await fetch(`${server.url}/v1/compress`, post({ messages: chat, model: "gpt-4o", timeout: 30, min_tokens: 50, ccr_retrieval: false }));
    const v = await litellmCompressVerdict(lossless, chat);
    expect(v.ok && litellmHashes(v.messages)).toEqual([]);
    const big = await fetch(`${server.url}/v1/compress`, post({ messages: chat, min_tokens: 1_000_000 }));
    const u = (await big.json()) as { tokens_saved: number };
    expect(u.tokens_saved).toBe(0);
  });

  it("Anthropic- and Responses-shaped lists: compressed in place, same row count", async () => {
    for (const msgs of [anthropicShaped, responsesShaped]) {
      const v = await litellmCompressVerdict(await fetch(`${server.url}/v1/compress`, post({ messages: msgs, model: "claude-sonnet-4-5" })), msgs);
      expect(v.ok).toBe(true);
      if (!v.ok) continue;
      expect((v.body.tokens_after as number) < (v.body.tokens_before as number)).toBe(true);
      expect(JSON.stringify(v.messages)).toContain("db pool exhausted: 64/64 connections busy");
      expect((v.body.ccr_hashes as string[]).length).toBe(1);
    }
  });

  it("x-headroom-bypass: true returns the input unchanged", async () => {
    const init = post({ messages: chat, model: "gpt-4o" });
    const res = await fetch(`${server.url}/v1/compress`, { ...init, headers: { ...init.headers, "x-headroom-bypass": "true" } });
    const v = await litellmCompressVerdict(res, chat);
    expect(v.ok && v.messages).toEqual(chat);
  });

  it("unknown hash is a 404 (LiteLLM: 'not found or expired')", async () => {
    expect((await fetch(`${server.url}/v1/retrieve/0123456789abcdef01234567`)).status).toBe(404);
  });

  it("bad bodies are 400s LiteLLM reports (fail_closed raises, fail_open forwards)", async () => {
    const empty = await fetch(`${server.url}/v1/compress`, post({ messages: [] }));
    expect(empty.status).toBe(400);
    expect((await litellmCompressVerdict(empty, [])).ok).toBe(false);
    expect((await fetch(`${server.url}/v1/compress`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" })).status).toBe(400);
  });

  it("fails open: a pipeline that throws still answers 200 with the messages LiteLLM sent", async () => {
    const broken = { compress: () => Promise.reject(new Error("boom")) } as unknown as Pipeline;
    const app = createLiteLLMApp({ deps: async () => ({ pipeline: broken, store: {} as never }) });
    const v = await litellmCompressVerdict(await app.request("/v1/compress", post({ messages: chat })), chat);
    expect(v.ok && v.messages).toEqual(chat);
    expect(v.ok && v.body.errors).toEqual(["boom"]);
  });
});

describe("keys: remote callers only with a token, loopback without", () => {
  it("with a key configured, LiteLLM's Bearer header is required", async () => {
    expect((await fetch(`${keyed.url}/v1/compress`, post({ messages: chat }))).status).toBe(401);
    expect((await fetch(`${keyed.url}/v1/compress`, post({ messages: chat }, "wrong"))).status).toBe(401);
    const v = await litellmCompressVerdict(await fetch(`${keyed.url}/v1/compress`, post({ messages: chat }, "hr-key")), chat);
    expect(v.ok).toBe(true);
    const h = ((v.ok && v.body.ccr_hashes) as string[])[0]!;
    expect((await fetch(`${keyed.url}/v1/retrieve/${h}`)).status).toBe(401);
    expect((await fetch(`${keyed.url}/v1/retrieve/${h}`, { headers: { Authorization: "Bearer hr-key" } })).status).toBe(200);
  });

  it("without a key, a non-loopback peer is refused; with it, allowed", async () => {
    const deps = async () => ({ pipeline: { compress: async (m: unknown[]) => ({ messages: m, tokensBefore: 1, tokensAfter: 1, tokensSaved: 0, compressionRatio: 0, transformsApplied: [], ccrHashes: [], errors: [] }) } as unknown as Pipeline, store: {} as never });
    // The env @hono/node-server passes: the socket's peer address.
    const remote = { incoming: { socket: { remoteAddress: "10.20.30.40" } } };
    const open = createLiteLLMApp({ deps });
    expect((await open.request("/v1/compress", post({ messages: chat }), remote)).status).toBe(401);
    expect((await open.request("/v1/compress", post({ messages: chat }), { incoming: { socket: { remoteAddress: "127.0.0.1" } } })).status).toBe(200);
    const guarded = createLiteLLMApp({ deps, token: "k" });
    expect((await guarded.request("/v1/compress", post({ messages: chat }, "k"), remote)).status).toBe(200);
    await expect(serveLiteLLM({ host: "0.0.0.0", port: 0, storePath: join(dir, "x.sqlite") })).rejects.toThrow(/requires a token/);
  });
});

describe("generic guardrail API (POST /beta/litellm_basic_guardrail_api)", () => {
  const url = () => `${server.url}/beta/litellm_basic_guardrail_api`;
  it("texts: compressed one for one, same length and order", async () => {
    const texts = ["What failed in the last deploy?", bigLog];
    const res = await fetch(url(), post({ texts, input_type: "request", litellm_call_id: "c-1", model: "gpt-4o" }));
    const b = (await res.json()) as { action: string; texts: string[] };
    expect(b.action).toBe("GUARDRAIL_INTERVENED");
    expect(b.texts).toHaveLength(2);
    expect(b.texts[0]).toBe(texts[0]);
    expect(b.texts[1]!.length).toBeLessThan(bigLog.length / 2);
    expect(b.texts[1]).toContain("db pool exhausted");
    expect(b.texts[1]).toMatch(/hash=[a-f0-9]{24}/);
  });

  it("structured_messages: one row back per row, role-aware", async () => {
    const res = await fetch(url(), post({ texts: [bigJson], structured_messages: chat, input_type: "request" }));
    const b = (await res.json()) as { action: string; structured_messages: unknown[] };
    expect(b.action).toBe("GUARDRAIL_INTERVENED");
    expect(b.structured_messages).toHaveLength(chat.length);
  });

  it("responses and small texts: NONE", async () => {
    expect(await (await fetch(url(), post({ texts: [bigLog], input_type: "response" }))).json()).toEqual({ action: "NONE" });
    expect(await (await fetch(url(), post({ texts: ["hi"], input_type: "request" }))).json()).toEqual({ action: "NONE" });
  });

  it("accepts the generic API's x-api-key header", async () => {
    const res = await fetch(`${keyed.url}/beta/litellm_basic_guardrail_api`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "hr-key" }, body: JSON.stringify({ texts: ["hi"], input_type: "request" }) });
    expect(res.status).toBe(200);
  });
});

describe("config.yaml block", () => {
  it("names the built-in guardrail, the base URL, the key env var and fail_open", () => {
    const y = guardrailConfigYaml({ url: "http://10.0.0.5:8787/", token: true, generic: true });
    expect(y).toContain("guardrail: headroom\n");
    expect(y).toContain("api_base: http://10.0.0.5:8787\n");
    expect(y).toContain("api_key: os.environ/HEADROOM_API_KEY");
    expect(y).toContain("unreachable_fallback: fail_open");
    expect(y).toContain("guardrail: generic_guardrail_api");
  });
});
