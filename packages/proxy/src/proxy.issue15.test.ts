// Issue 15, "Proxy under faults": each test here failed before its fix.
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { findMarkerHashes } from "@headroom/core";
import { startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import { BIG_LOG, chatCompletion, chatRequest, chatStream, headCompressor } from "./testing/fixtures.js";

const mock = new MockUpstream();
const store = new MemoryStore();
const lines: string[] = [];
let proxy: RunningProxy;

beforeAll(async () => {
  await mock.start();
  proxy = await startProxy({ port: 0, openaiBaseUrl: mock.url, anthropicBaseUrl: mock.url, store, compressors: [headCompressor()], pluginsFrom: tmpdir(), log: (l) => lines.push(l) });
});
afterAll(async () => {
  await proxy.close();
  await mock.stop();
});
beforeEach(() => {
  mock.reset();
  lines.length = 0;
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A chat request as raw text with fields a JSON round trip would corrupt. */
function trickyBody(): string {
  const base = JSON.stringify(chatRequest());
  // seed beyond 2^53, a float written as 1.0, a duplicate key, an exponent, odd spacing.
  return base.replace(/^\{/, '{"seed": 12345678901234567890, "temperature": 1.0, "metadata": {"trace":"a","trace":"b"}, "top_p": 1e0,');
}

describe("untouched fields pass byte-for-byte", () => {
  it("keeps big integers, number spellings and duplicate keys when compressing", async () => {
    mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
    const res = await post("/v1/chat/completions", trickyBody());
    expect(res.headers.get("x-headroom-compression")).toBe("applied");
    const sent = mock.requests[0]!.raw.toString();
    expect(sent.startsWith('{"seed": 12345678901234567890, "temperature": 1.0, "metadata": {"trace":"a","trace":"b"}, "top_p": 1e0,')).toBe(true);
    expect(sent).not.toContain(BIG_LOG); // the tool output itself was compressed
    expect(findMarkerHashes(sent)).toHaveLength(1);
    // Everything but the tool message's content is the client's text.
    const original = trickyBody();
    const toolMsgAt = original.indexOf('{"role":"tool"');
    expect(sent.slice(0, toolMsgAt)).toBe(original.slice(0, toolMsgAt));
  });

  it("keeps them in retrieve-loop continuations too", async () => {
    mock.fallback = (r) =>
      mock.requests.length === 1
        ? { kind: "json", body: chatCompletion({ content: null, tool_calls: [{ id: "c9", type: "function", function: { name: "headroom_retrieve", arguments: JSON.stringify({ hash: findMarkerHashes(r.raw.toString())[0] }) } }] }, "tool_calls") }
        : { kind: "json", body: chatCompletion({ content: "done" }) };
    await post("/v1/chat/completions", trickyBody());
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests[1]!.raw.toString()).toContain('"seed": 12345678901234567890, "temperature": 1.0, "metadata": {"trace":"a","trace":"b"}');
  });
});

describe("route variants", () => {
  it("compresses on /v1/chat/completions/ and /V1/Chat/Completions, forwarding the canonical path", async () => {
    for (const path of ["/v1/chat/completions/", "/V1/Chat/Completions"]) {
      mock.reset();
      mock.reply({ kind: "json", body: chatCompletion({ content: "ok" }) });
      const res = await post(path, JSON.stringify(chatRequest()));
      expect(res.headers.get("x-headroom-compression")).toBe("applied");
      expect(mock.requests[0]!.path).toBe("/v1/chat/completions");
    }
  });

  it("answers GET /v1/retrieve/ (no hash) itself with a 400, and /v1/retrieve/<hash>/ like the canonical path", async () => {
    const res = await fetch(`${proxy.url}/v1/retrieve/`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/hash is missing/);
    await store.put("ab".repeat(12), "stored original");
    const ok = (await (await fetch(`${proxy.url}/v1/retrieve/${"ab".repeat(12)}/`)).json()) as { original_content: string };
    expect(ok.original_content).toBe("stored original");
    expect(mock.requests).toHaveLength(0);
  });
});

describe("upstream reset mid-stream", () => {
  it("is logged once with the request's context, no raw stack, and the client sees the break", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      mock.reply({ kind: "sse", chunks: chatStream("c1", "partial answer that never ends"), resetAfter: 3 });
      const res = await post("/v1/chat/completions", JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }));
      const err = await res.text().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      await new Promise((r) => setTimeout(r, 50));
      const broke = lines.filter((l) => l.includes("upstream stream broke"));
      expect(broke).toHaveLength(1);
      expect(broke[0]).toMatch(/^POST \/v1\/chat\/completions gpt-4o: upstream stream broke after \d+ bytes: /);
      expect(broke[0]).not.toContain("\n");
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe("binding 0.0.0.0", () => {
  it("gives clients a URL they can reach, not http://0.0.0.0:PORT", async () => {
    const p = await startProxy({ host: "0.0.0.0", port: 0, token: "s3cret", openaiBaseUrl: mock.url, anthropicBaseUrl: mock.url, store, compressors: [], pluginsFrom: tmpdir() });
    try {
      expect(p.host).toBe("0.0.0.0");
      expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
      const res = await fetch(`${p.url}/health`, { headers: { "x-headroom-proxy-token": "s3cret" } });
      expect(res.status).toBe(200);
    } finally {
      await p.close();
    }
  });
});

describe("/v1/compress token_budget", () => {
  it("rejects an invalid token_budget with a 400 that names it", async () => {
    const messages = chatRequest().messages;
    for (const token_budget of ["abc", -5, 0, 1.5, true]) {
      const res = await post("/v1/compress", JSON.stringify({ model: "gpt-4o", messages, token_budget }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/`token_budget` must be a positive integer/);
    }
    const ok = await post("/v1/compress", JSON.stringify({ model: "gpt-4o", messages, token_budget: 500 }));
    expect(ok.status).toBe(200);
  });
});
