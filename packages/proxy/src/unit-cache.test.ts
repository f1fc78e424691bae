import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { findMarkerHashes, type CompressorV2 } from "@headroom/core";
import { createRouter } from "@headroom/router";
import { createProxyApp } from "./app.js";
import { createNodeProxyApp, startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import { BIG_LOG, chatCompletion, chatRequest, headCompressor } from "./testing/fixtures.js";

const mock = new MockUpstream();
const PIPELINES = new URL("./testing/pipelines.mjs", import.meta.url).href;
beforeAll(() => mock.start());
afterAll(() => mock.stop());
beforeEach(() => {
  mock.reset();
  mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
});

/** The conversation of `chatRequest`, grown by one more turn with a tool output of its own. */
const nextTurn = () => {
  const first = chatRequest();
  return {
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: "Job 123 waited on a lock." },
      { role: "user", content: "And job 200?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_2", type: "function", function: { name: "read_log", arguments: '{"path":"other.log"}' } }] },
      { role: "tool", tool_call_id: "call_2", content: BIG_LOG.replaceAll("worker-", "shard-") },
    ],
  };
};

/** Counts how often the pipeline really compressed. */
function counted(): CompressorV2 & { calls: number } {
  const c = headCompressor();
  const wrapped = {
    ...c,
    calls: 0,
    compress: (u: Parameters<CompressorV2["compress"]>[0], ctx: Parameters<CompressorV2["compress"]>[1]) => {
      wrapped.calls++;
      return c.compress(u, ctx);
    },
  };
  return wrapped;
}

describe("unit cache, in-process engine", () => {
  const send = async (app: ReturnType<typeof createProxyApp>, body: unknown) =>
    (await app.request("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).text();

  it("compresses an earlier turn's tool output once: the next request reuses it, byte for byte", async () => {
    const head = counted();
    const store = new MemoryStore();
    const lines: string[] = [];
    const app = createProxyApp({ pipeline: createRouter({ compressors: [head] }), store, openaiBaseUrl: mock.url, log: (l) => lines.push(l) });
    await send(app, chatRequest());
    const firstSent = mock.requests[0]!.json.messages as unknown[];
    const hash = findMarkerHashes(JSON.stringify(firstSent))[0]!;
    // The original must be put again on a hit (a store that lost it, a TTL that ran out).
    await store.delete(hash);
    await send(app, nextTurn());
    expect(head.calls).toBe(2); // the first turn's output once, the new one once
    const secondSent = mock.requests[1]!.json.messages as unknown[];
    expect(JSON.stringify(secondSent.slice(0, 3))).toBe(JSON.stringify(firstSent));
    expect(await store.get(hash)).toBe(BIG_LOG);
    expect((app.stats.toJSON() as { cached_units: number }).cached_units).toBe(1);
    expect(lines[0]).not.toContain("cached");
    expect(lines[1]).toMatch(/ \d+->\d+ tokens \(1 cached\) /);
  });

  it("`unitCacheMB: 0` compresses every unit on every request", async () => {
    const head = counted();
    const app = createProxyApp({ pipeline: createRouter({ compressors: [head] }), store: new MemoryStore(), openaiBaseUrl: mock.url, unitCacheMB: 0 });
    await send(app, chatRequest());
    await send(app, nextTurn());
    expect(head.calls).toBe(3);
    expect(JSON.stringify(mock.requests[1]!.json.messages).startsWith(JSON.stringify(mock.requests[0]!.json.messages).slice(0, -1))).toBe(true);
  });

  it("defaults to 16 MiB in the any-runtime app and 64 MiB per thread on Node; the variable and option override", async () => {
    expect(createProxyApp({ pipeline: createRouter({ compressors: [] }) }).config.unitCacheMB).toBe(16);
    expect(createProxyApp({ pipeline: createRouter({ compressors: [] }), env: { HEADROOM_UNIT_CACHE_MB: "8" } }).config.unitCacheMB).toBe(8);
    const node = createNodeProxyApp({ pipeline: createRouter({ compressors: [] }), store: new MemoryStore(), env: {} });
    const fromEnv = createNodeProxyApp({ pipeline: createRouter({ compressors: [] }), store: new MemoryStore(), env: { HEADROOM_UNIT_CACHE_MB: "8" } });
    const given = createNodeProxyApp({ pipeline: createRouter({ compressors: [] }), store: new MemoryStore(), env: { HEADROOM_UNIT_CACHE_MB: "8" }, unitCacheMB: 0 });
    expect([node.config.unitCacheMB, fromEnv.config.unitCacheMB, given.config.unitCacheMB]).toEqual([64, 8, 0]);
    await Promise.all([node.close(), fromEnv.close(), given.close()]);
  });

  it("bounds the any-runtime app's default store to 32 MiB, below an edge isolate's memory", async () => {
    const app = createProxyApp({ pipeline: createRouter({ compressors: [] }) });
    const { store } = await app.ready();
    expect(store).toBeInstanceOf(MemoryStore);
    expect((store as MemoryStore).stats().maxBytes).toBe(32 * 1024 * 1024);
  });

  it("rejects a negative size with a one-line error naming the variable", () => {
    expect(() => createProxyApp({ pipeline: createRouter({ compressors: [] }), env: { HEADROOM_UNIT_CACHE_MB: "-1" } })).toThrow(
      /unitCacheMB must be a number ≥ 0 \(HEADROOM_UNIT_CACHE_MB\)/,
    );
  });
});

describe("unit cache, worker pool", () => {
  let p: RunningProxy;
  const store = new MemoryStore();
  beforeAll(async () => {
    p = await startProxy({
      port: 0,
      openaiBaseUrl: mock.url,
      anthropicBaseUrl: mock.url,
      store,
      workers: 1,
      warmUpMs: 0,
      pipelineModule: { url: PIPELINES, exportName: "createTestPipeline" },
    });
  });
  afterAll(() => p.close());

  it("each worker remembers the units it compressed; originals still reach the proxy's store", async () => {
    const post = (body: unknown) =>
      fetch(`${p.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) =>
        r.text(),
      );
    await post(chatRequest());
    const hash = findMarkerHashes(JSON.stringify(mock.requests[0]!.json.messages))[0]!;
    await store.delete(hash);
    await post(nextTurn());
    const stats = (await (await fetch(`${p.url}/stats`)).json()) as { cached_units: number };
    expect(stats.cached_units).toBe(1);
    expect(JSON.stringify((mock.requests[1]!.json.messages as unknown[]).slice(0, 3))).toBe(JSON.stringify(mock.requests[0]!.json.messages));
    expect(await store.get(hash)).toBe(BIG_LOG);
  });
});
