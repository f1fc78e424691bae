import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { findMarkerHashes } from "@headroom/core";
import { startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import { BIG_LOG, chatCompletion, chatRequest } from "./testing/fixtures.js";

const mock = new MockUpstream();
const PIPELINES = new URL("./testing/pipelines.mjs", import.meta.url).href;
beforeAll(() => mock.start());
afterAll(() => mock.stop());
beforeEach(() => mock.reset());

const post = (p: RunningProxy, body: string) => fetch(`${p.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });

/** One worker without a warm-up, a 400 ms budget, and a test pipeline built with `options`. */
const oneSlowWorker = (options: Record<string, unknown>) =>
  startProxy({
    port: 0,
    openaiBaseUrl: mock.url,
    anthropicBaseUrl: mock.url,
    store: new MemoryStore(),
    workers: 1,
    compressionTimeoutMs: 400,
    pipelineModule: { url: PIPELINES, exportName: "createTestPipeline", options },
    warmUpMs: 0,
  });

describe("compression in worker threads", () => {
  let busy: RunningProxy;
  beforeAll(async () => {
    // The warm-up would spin too: these tests are about a job that does.
    busy = await oneSlowWorker({ busyMs: 10_000 });
  });
  afterAll(() => busy.close());

  it("cuts off a synchronous compressor that runs 10 s, forwards the original on time, answers /health meanwhile", async () => {
    const raw = JSON.stringify(chatRequest());
    mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
    const t0 = performance.now();
    const pending = post(busy, raw).then(async (r) => ({ r, ms: performance.now() - t0, body: await r.text() }));
    // While the worker spins, the main thread keeps answering.
    const health: number[] = [];
    for (let i = 0; i < 5; i++) {
      const h0 = performance.now();
      const res = await fetch(`${busy.url}/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      health.push(performance.now() - h0);
      await new Promise((r) => setTimeout(r, 40));
    }
    const { r, ms } = await pending;
    expect(r.status).toBe(200);
    expect(r.headers.get("x-headroom-compression")).toBe("failed-open");
    expect(mock.requests[0]!.raw.toString()).toBe(raw);
    expect(ms).toBeLessThan(5_000); // the 400 ms budget plus the upstream, not the compressor's 10 s
    // On the main thread the 10 s spin would hold every /health for seconds (no timer could even fire);
    // the bound is loose because CI machines run other test files in parallel.
    expect(Math.max(...health)).toBeLessThan(2_000);
    const stats = (await (await fetch(`${busy.url}/stats`)).json()) as { fail_open: number; errors: { recent: string[] } };
    expect(stats.fail_open).toBe(1);
    expect(stats.errors.recent.join("\n")).toContain("exceeded its 400 ms budget");
  });

  it("replaces the stuck worker: the next request is cut off on time too, not queued behind the first", async () => {
    mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
    const t0 = performance.now();
    const [a, b] = await Promise.all([post(busy, JSON.stringify(chatRequest())), post(busy, JSON.stringify(chatRequest({ user: "second" })))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe("a busy worker holds the next job", () => {
  let p: RunningProxy;
  beforeAll(async () => {
    p = await oneSlowWorker({ spinFromText: true });
    await p.app.ready();
  });
  afterAll(() => p.close());

  // A tool output that costs the worker `ms` to compress.
  const costing = (ms: number, user: string) => JSON.stringify(chatRequest({ user, messages: [...chatRequest().messages.slice(0, 2), { role: "tool", tool_call_id: "call_1", content: `spin:${ms}\n${BIG_LOG}` }] }));
  const outcome = async (r: Promise<Response>) => (await r).headers.get("x-headroom-compression");

  it("skips a job whose deadline passed while it waited there, so the one after it is on time", async () => {
    mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
    // One worker, 400 ms each: z runs 0–250; a waits in the worker and runs 250–600, past its deadline;
    // b waits behind a from 250 and is cancelled at 400. Were b run (600–900), c would wait for it and
    // miss its own deadline (450 + 400).
    const z = outcome(post(p, costing(250, "z")));
    const a = outcome(post(p, costing(350, "a")));
    const b = outcome(post(p, costing(300, "b")));
    await new Promise((r) => setTimeout(r, 450));
    const c = outcome(post(p, costing(0, "c")));
    expect(await Promise.all([z, a, b, c])).toEqual(["applied", "failed-open", "failed-open", "applied"]);
  });
});

describe("worker results", () => {
  let p: RunningProxy;
  const store = new MemoryStore();
  beforeAll(async () => {
    p = await startProxy({
      port: 0,
      openaiBaseUrl: mock.url,
      anthropicBaseUrl: mock.url,
      store,
      workers: 2,
      pipelineModule: { url: PIPELINES, exportName: "createTestPipeline" },
    });
  });
  afterAll(() => p.close());

  it("stores the workers' originals in the proxy's store before forwarding, and reports the compressors", async () => {
    expect((await p.app.ready()).compressors).toEqual(["test-head"]);
    mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
    const res = await post(p, JSON.stringify(chatRequest()));
    expect(res.headers.get("x-headroom-compression")).toBe("applied");
    const sent = mock.requests[0]!.json;
    const hash = findMarkerHashes(JSON.stringify(sent.messages))[0]!;
    expect(await store.get(hash)).toBe(chatRequest().messages[2]!.content);
    const back = (await (await fetch(`${p.url}/v1/retrieve/${hash}`)).json()) as { original_content: string };
    expect(back.original_content).toBe(chatRequest().messages[2]!.content);
  });
});

describe("a store given as a function", () => {
  it("is opened once, and the workers' originals are retrievable from it", async () => {
    let opened = 0;
    const store = new MemoryStore();
    const p = await startProxy({
      port: 0,
      openaiBaseUrl: mock.url,
      anthropicBaseUrl: mock.url,
      store: () => {
        opened++;
        return store;
      },
      workers: 2,
      warmUpMs: 0,
      pipelineModule: { url: PIPELINES, exportName: "createTestPipeline" },
    });
    try {
      mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
      const hashes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await post(p, JSON.stringify(chatRequest({ user: `u${i}` })));
        await res.arrayBuffer();
        hashes.push(findMarkerHashes(JSON.stringify(mock.requests.at(-1)!.json.messages))[0]!);
      }
      expect(opened).toBe(1);
      for (const h of hashes) {
        const back = (await (await fetch(`${p.url}/v1/retrieve/${h}`)).json()) as { original_content: string };
        expect(back.original_content).toBe(chatRequest().messages[2]!.content);
      }
    } finally {
      await p.close();
    }
  });
});

describe("start-up warm-up", () => {
  it("listens and answers /health at once; workers warm before their first job, into no real store", async () => {
    const puts: string[] = [];
    const inner = new MemoryStore();
    const store = { get: (k: string) => inner.get(k), has: (k: string) => inner.has(k), delete: (k: string) => inner.delete(k), put: (k: string, v: string) => {
        puts.push(k);
        return inner.put(k, v);
      },
    };
    const p = await startProxy({ port: 0, openaiBaseUrl: mock.url, anthropicBaseUrl: mock.url, store, workers: 1, warmUpMs: 1500, pipelineModule: { url: PIPELINES, exportName: "createTestPipeline" } });
    try {
      const health = await fetch(`${p.url}/health`);
      expect(health.status).toBe(200);
      await p.app.warm();
      expect(puts).toEqual([]); // the warm-up's originals went nowhere
      mock.fallback = () => ({ kind: "json", body: chatCompletion({ content: "ok" }) });
      const r = await post(p, JSON.stringify(chatRequest()));
      await r.arrayBuffer();
      expect(r.headers.get("x-headroom-compression")).toBe("applied");
      expect(puts).toHaveLength(1);
      // A large body that is not JSON is parsed in the worker only, and forwarded byte for byte.
      const notJson = `not json ${"x".repeat(40_000)}`;
      const bad = await post(p, notJson);
      await bad.arrayBuffer();
      expect(bad.headers.get("x-headroom-compression")).toBe("skipped");
      expect(mock.requests.at(-1)!.raw.toString()).toBe(notJson);
    } finally {
      await p.close();
    }
  });
});

/** Niceness of every thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync("/proc/self/task").map((t) => {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe.runIf(process.platform === "linux")("worker priority", () => {
  it("compression workers run niced, so the main thread wins the cores it needs", async () => {
    const p = await startProxy({ port: 0, openaiBaseUrl: mock.url, anthropicBaseUrl: mock.url, store: new MemoryStore(), workers: 1, warmUpMs: 0, workerNice: 7, pipelineModule: { url: PIPELINES, exportName: "createTestPipeline" } });
    try {
      await p.app.warm();
      const nices = threadNices();
      expect(nices.filter((n) => n === 7).length).toBeGreaterThanOrEqual(1);
      expect(nices[0]).toBe(0); // the main thread keeps its priority
    } finally {
      await p.close();
    }
  });
});
