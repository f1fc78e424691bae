import { tmpdir } from "node:os";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { createNodeProxyApp as createProxyApp, startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import { chatCompletion, chatRequest, chatStream, headCompressor, throwingCompressor } from "./testing/fixtures.js";

const mock = new MockUpstream();
const store = new MemoryStore();
let proxy: RunningProxy;
let openai: OpenAI;
const base = { openaiBaseUrl: "", anthropicBaseUrl: "", store, pluginsFrom: tmpdir() };

beforeAll(async () => {
  await mock.start();
  base.openaiBaseUrl = base.anthropicBaseUrl = mock.url;
  proxy = await startProxy({ ...base, port: 0, compressors: [headCompressor()], maxBodyBytes: 200_000 });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.close();
  await mock.stop();
});
beforeEach(() => mock.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("fail open", () => {
  it("forwards the original bytes when every compressor throws", async () => {
    const p = await startProxy({ ...base, port: 0, compressors: [throwingCompressor] });
    try {
      const raw = JSON.stringify(chatRequest());
      mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
      const res = await fetch(`${p.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
      expect(res.status).toBe(200);
      expect(mock.requests[0]!.raw.toString()).toBe(raw);
      const stats = (await (await fetch(`${p.url}/stats`)).json()) as any;
      expect(stats.errors.by_stage.compress).toBeGreaterThan(0);
      expect(stats.errors.recent.join("\n")).toContain("boom");
    } finally {
      await p.close();
    }
  });

  it("forwards the original when compression blows its time budget", async () => {
    const slow = { ...headCompressor(), name: "slow", compress: () => new Promise<null>((r) => setTimeout(() => r(null), 500)) };
    const p = await startProxy({ ...base, port: 0, compressors: [slow], compressionTimeoutMs: 50 });
    try {
      const raw = JSON.stringify(chatRequest());
      mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
      const res = await fetch(`${p.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
      expect(res.headers.get("x-headroom-compression")).toBe("failed-open");
      expect(mock.requests[0]!.raw.toString()).toBe(raw);
      expect(p.app.stats.failOpen).toBe(1);
    } finally {
      await p.close();
    }
  });

  it("passes upstream 4xx/5xx through with status and body", async () => {
    mock.reply({ kind: "json", status: 500, body: { error: { message: "upstream exploded", type: "server_error" } } });
    const err = await openai.chat.completions.create(chatRequest() as never).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(500);
    expect(err.message).toContain("upstream exploded");
    mock.reply({ kind: "json", status: 429, body: { error: { message: "slow down" } }, headers: { "retry-after": "7" } });
    const res = await post("/v1/chat/completions", chatRequest());
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("passes an upstream reset mid-stream on to the client", async () => {
    mock.reply({ kind: "sse", chunks: chatStream("c1", "partial answer that never ends"), resetAfter: 3 });
    const stream = await openai.chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    const err = await (async () => {
      for await (const ch of stream) text += ch.choices[0]?.delta?.content ?? "";
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
  });

  it("a reset during a retrieve-loop stream breaks the client stream too", async () => {
    mock.fallback = () => ({ kind: "sse", chunks: chatStream("c2", "text before reset"), resetAfter: 2 });
    const stream = await openai.chat.completions.create({ ...(chatRequest() as any), stream: true });
    const err = await (async () => {
      for await (const _ of stream as any);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
  });

  it("aborts the upstream request when the client disconnects", async () => {
    mock.reply({ kind: "hang", chunks: chatStream("c3", "hello").slice(0, 2) });
    const ac = new AbortController();
    const res = await post("/v1/chat/completions", { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }, {});
    void res;
    mock.reply({ kind: "hang", chunks: chatStream("c4", "hello").slice(0, 2) });
    const res2 = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...chatRequest(), stream: true }),
      signal: ac.signal,
    });
    const reader = res2.body!.getReader();
    await reader.read();
    ac.abort();
    const closed = await Promise.race([mock.requests[1]!.closed, new Promise((r) => setTimeout(() => r("timeout"), 3000))]);
    expect(closed).toEqual({ finished: false });
    await res.body?.cancel();
    const closed0 = await Promise.race([mock.requests[0]!.closed, new Promise((r) => setTimeout(() => r("timeout"), 3000))]);
    expect(closed0).toEqual({ finished: false });
  });

  it("answers 502 when the upstream is unreachable and 504 when it is too slow", async () => {
    const dead = await startProxy({ ...base, port: 0, openaiBaseUrl: "http://127.0.0.1:1" });
    try {
      const r = await fetch(`${dead.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
      expect(r.status).toBe(502);
      expect(((await r.json()) as any).error.type).toBe("upstream_unreachable");
    } finally {
      await dead.close();
    }
    // A socket that accepts and never answers.
    const { createServer } = await import("node:net");
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const p2 = await startProxy({ ...base, port: 0, openaiBaseUrl: `http://127.0.0.1:${port}`, upstreamTimeoutMs: 100 });
    try {
      const r = await fetch(`${p2.url}/v1/models`);
      expect(r.status).toBe(504);
      expect(((await r.json()) as any).error.type).toBe("upstream_timeout");
    } finally {
      await p2.close();
      silent.close();
    }
  });
});

describe("controls and limits", () => {
  it("x-headroom-bypass forwards the exact bytes and strips x-headroom-* headers", async () => {
    const raw = JSON.stringify(chatRequest());
    mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
    const res = await post("/v1/chat/completions", raw, { "x-headroom-bypass": "true", "x-headroom-anything": "1" });
    expect(res.headers.get("x-headroom-compression")).toBe("bypass");
    expect(mock.requests[0]!.raw.toString()).toBe(raw);
    expect(Object.keys(mock.requests[0]!.headers).filter((h) => h.startsWith("x-headroom"))).toEqual([]);
  });

  it("answers 413 over the body limit", async () => {
    const res = await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(300_000) }] });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.message).toMatch(/larger than 200000 bytes/);
    expect(mock.requests).toHaveLength(0);
  });

  it("serves /v1/compress and /v1/retrieve per the LiteLLM contract", async () => {
    const res = await post("/v1/compress", { messages: chatRequest().messages, model: "gpt-4o" });
    const body = (await res.json()) as any;
    expect(Object.keys(body).slice(0, 7)).toEqual(["messages", "tokens_before", "tokens_after", "tokens_saved", "compression_ratio", "transforms_applied", "ccr_hashes"]);
    expect(body.tokens_saved).toBe(body.tokens_before - body.tokens_after);
    expect(body.ccr_hashes).toHaveLength(1);
    const hash = body.ccr_hashes[0];
    const got = (await (await fetch(`${proxy.url}/v1/retrieve/${hash}`)).json()) as any;
    expect(got.hash).toBe(hash);
    expect(got.original_content).toBe(chatRequest().messages[2]!.content);
    const q = (await (await fetch(`${proxy.url}/v1/retrieve/${hash}?query=${encodeURIComponent("job 123")}`)).json()) as any;
    expect(q.original_content).toContain("job 123 ");
    expect(q.original_content.length).toBeLessThan(got.original_content.length);
    expect((await fetch(`${proxy.url}/v1/retrieve/${"0".repeat(24)}`)).status).toBe(404);
    const bypass = (await (await post("/v1/compress", { messages: chatRequest().messages, model: "gpt-4o" }, { "x-headroom-bypass": "true" })).json()) as any;
    expect(bypass.messages).toEqual(chatRequest().messages);
    expect(bypass.tokens_saved).toBe(0);
    expect((await post("/v1/compress", { model: "x" })).status).toBe(400);
  });

  it("passes count_tokens, models and unknown routes through to the right upstream", async () => {
    mock.fallback = (r) => ({ kind: "json", body: { path: r.path } });
    const ct = await post("/v1/messages/count_tokens?beta=true", { model: "claude", messages: [] }, { "x-api-key": "k" });
    expect(await ct.json()).toEqual({ path: "/v1/messages/count_tokens?beta=true" });
    const models = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer sk" } });
    expect(await models.json()).toEqual({ path: "/v1/models" });
    expect(mock.requests[1]!.headers.authorization).toBe("Bearer sk");
    const other = await fetch(`${proxy.url}/v1/embeddings`, { method: "POST", body: "{}" });
    expect(await other.json()).toEqual({ path: "/v1/embeddings" });
  });

  it("reports /health and /stats", async () => {
    expect(await (await fetch(`${proxy.url}/health`)).json()).toMatchObject({ status: "ok" });
    mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
    await post("/v1/chat/completions", chatRequest());
    const s = (await (await fetch(`${proxy.url}/stats`)).json()) as any;
    expect(s.by_route["chat.completions"].tokens_saved).toBeGreaterThan(0);
    expect(s.by_model["gpt-4o"].requests).toBeGreaterThan(0);
    expect(s.compressors["test-head"].units).toBeGreaterThan(0);
    expect(JSON.stringify(s)).not.toContain("sk-");
  });
});

describe("security", () => {
  it("refuses a non-loopback bind without a token", () => {
    expect(() => createProxyApp({ host: "0.0.0.0" })).toThrow(/requires a token/);
  });

  it("requires the token on every route when bound beyond loopback", async () => {
    const p = await startProxy({ ...base, host: "0.0.0.0", port: 0, token: "s3cret" });
    const url = `http://127.0.0.1:${p.port}`;
    try {
      expect((await fetch(`${url}/health`)).status).toBe(401);
      expect((await fetch(`${url}/v1/models`, { headers: { "x-headroom-proxy-token": "wrong" } })).status).toBe(401);
      mock.fallback = () => ({ kind: "json", body: { data: [] } });
      const ok = await fetch(`${url}/v1/models`, { headers: { "x-headroom-proxy-token": "s3cret", authorization: "Bearer sk-provider" } });
      expect(ok.status).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-provider");
      // The token given as a bearer authenticates to the proxy and is not leaked upstream.
      await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer s3cret", "x-api-key": "sk-ant" } });
      expect(mock.requests.at(-1)!.headers.authorization).toBeUndefined();
      expect(mock.requests.at(-1)!.headers["x-headroom-proxy-token"]).toBeUndefined();
      expect((await fetch(`${url}/stats`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it("guards /stats and /v1/retrieve from non-local peers even on a loopback bind", async () => {
    const app = createProxyApp({ ...base, token: "t" });
    const remote = { incoming: { socket: { remoteAddress: "10.1.2.3" } } };
    const local = { incoming: { socket: { remoteAddress: "::ffff:127.0.0.1" } } };
    expect((await app.request("/stats", {}, remote)).status).toBe(401);
    expect((await app.request(`/v1/retrieve/${"a".repeat(24)}`, {}, remote)).status).toBe(401);
    expect((await app.request("/stats", { headers: { "x-headroom-proxy-token": "t" } }, remote)).status).toBe(200);
    expect((await app.request("/stats", {}, local)).status).toBe(200);
  });
});
