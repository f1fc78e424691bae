import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { percentile } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PROXY_PKG = resolve(HERE, "../../../../packages/proxy");
const PROXY_NODE = join(PROXY_PKG, "dist/node.js");
const BENCH_DIR = resolve(HERE, "../..");
/** Optional: a proxy build to compare against (e.g. main's `packages/proxy/dist/index.js`), run in-process as it was. */
const BEFORE = process.env.HEADROOM_BENCH_PROXY_BEFORE;

const REPLY = JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] });

async function startMock(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.on("data", () => undefined);
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
      res.end(REPLY);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs a server script in its own process; resolves with the URL it prints. */
async function child(dir: string, name: string, code: string): Promise<{ proc: ChildProcess; url: string }> {
  const script = join(dir, `${name}.mjs`);
  writeFileSync(script, code);
  const proc = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((ok, fail) => {
    let buf = "";
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes("\n")) ok(buf.split("\n")[0]!.trim());
    });
    proc.once("exit", (c) => fail(new Error(`${name} exited with ${c}`)));
  });
  return { proc, url };
}

function proxyChild(dir: string, name: string, dist: string, upstream: string, extra: string) {
  return child(
    dir,
    name,
    `const { startProxy } = await import(${JSON.stringify(pathToFileURL(dist).href)});
const p = await startProxy({ port: 0, openaiBaseUrl: ${JSON.stringify(upstream)}, anthropicBaseUrl: ${JSON.stringify(upstream)},
  storePath: ${JSON.stringify(join(dir, `${name}.sqlite`))}, pluginsFrom: ${JSON.stringify(BENCH_DIR)}, ${extra} });
process.stdout.write(p.url + "\\n");
process.on("SIGTERM", () => p.close().then(() => process.exit(0)));`,
  );
}

/** A bare Hono pass-through (what a user writes in five lines), for the overhead comparison. */
function honoChild(dir: string, upstream: string) {
  const req = createRequire(join(PROXY_PKG, "package.json"));
  const hono = pathToFileURL(req.resolve("hono")).href;
  const server = pathToFileURL(req.resolve("@hono/node-server")).href;
  return child(
    dir,
    "bare-hono",
    `const { Hono } = await import(${JSON.stringify(hono)});
const { serve } = await import(${JSON.stringify(server)});
const app = new Hono();
app.all("*", async (c) => {
  const r = c.req.raw;
  const up = await fetch(${JSON.stringify(upstream)} + new URL(r.url).pathname, { method: r.method, headers: r.headers, body: await r.arrayBuffer() });
  return new Response(up.body, { status: up.status, headers: up.headers });
});
const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (i) => process.stdout.write("http://127.0.0.1:" + i.port + "\\n"));
process.on("SIGTERM", () => s.close(() => process.exit(0)));`,
  );
}

const agent = new Agent({ keepAlive: true, maxSockets: 128 });

function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length, authorization: "Bearer sk-bench", ...headers } }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => (res.statusCode === 200 ? ok(performance.now() - t0) : fail(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", fail);
    req.end(body);
  });
}

async function load(url: string, body: Buffer, total: number, concurrency: number, headers?: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      times.push(await post(url, body, headers));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

/** ~20k o200k tokens of build/service log as one tool output, the kind agents read. */
function bigToolRequest(): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.join("\n").length < 50_000; i++)
    lines.push(`2025-03-0${1 + (i % 9)}T10:${String(i % 60).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}Z ${i % 41 === 0 ? "ERROR" : "INFO"} svc-${i % 5} request ${i} handled in ${(i * 37) % 900} ms status=${i % 41 === 0 ? 500 : 200}`);
  return Buffer.from(
    JSON.stringify({
      model: "gpt-4o",
      messages: [
        { role: "user", content: "Why are requests failing?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: '{"command":"cat service.log"}' } }] },
        { role: "tool", tool_call_id: "c1", content: lines.join("\n") },
      ],
    }),
  );
}

const SMALL = Buffer.from(JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "ping" }] }));
const BYPASS = { "x-headroom-bypass": "true" };
const f = (n: number) => n.toFixed(2);

/** Compressed throughput at c=16 and the latency of a concurrent stream of small bypassed requests. */
async function underLoad(url: string, big: Buffer, n: number): Promise<{ rps: number; idleP99: number; loadP99: number; loadP50: number; idleP50: number }> {
  const chat = `${url}/v1/chat/completions`;
  await load(chat, big, 32, 16); // warm-up: JIT, workers' pipelines, sockets
  await load(chat, SMALL, 100, 1, BYPASS);
  const idle = await load(chat, SMALL, 300, 1, BYPASS);
  let stop = false;
  const small: number[] = [];
  const prober = (async () => {
    while (!stop) small.push(await post(chat, SMALL, BYPASS));
  })();
  const t0 = performance.now();
  await load(chat, big, n, 16);
  const secs = (performance.now() - t0) / 1000;
  stop = true;
  await prober;
  return { rps: n / secs, idleP50: percentile(idle, 50), idleP99: percentile(idle, 99), loadP50: percentile(small, 50), loadP99: percentile(small, 99) };
}

/**
 * The proxy under compression load: compressed requests/s at c=16 with 20k-token tool outputs, and the
 * p99 of small bypassed requests sent meanwhile vs with no load — main-thread compression (workers: 0,
 * and an optional earlier build) against the worker pool. Pass-through overhead beside a bare Hono
 * pass-through in the same run.
 */
export const suite: BenchSuite = {
  name: "proxy-load",
  description: "proxy under compression load (c=16, 20k-token tool outputs): compressed req/s, bypassed p99 idle vs loaded; pass-through vs bare Hono",
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), "headroom-bench-proxy-load-"));
    const mock = await startMock();
    const big = bigToolRequest();
    const n = ctx.quick ? 160 : 480;
    const cores = availableParallelism();
    const configs: [string, string, string][] = [
      ...(BEFORE ? [["before (given build, in-process)", BEFORE, ""] as [string, string, string]] : []),
      ["main thread (workers: 0)", PROXY_NODE, "workers: 0"],
      [`worker pool (workers: ${cores}, the default)`, PROXY_NODE, ""],
    ];
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = { cores, bodyBytes: big.length };
    const procs: ChildProcess[] = [];
    try {
      for (const [label, dist, extra] of configs) {
        const p = await proxyChild(dir, label.replace(/\W+/g, "-"), dist, mock.url, extra);
        procs.push(p.proc);
        const r = await underLoad(p.url, big, n).catch((e: unknown) => e as Error);
        if (r instanceof Error) {
          // One configuration failing (an old build under this load) must not hide the others.
          data[label] = { error: r.message };
          rows.push([label, `failed: ${r.message}`, "", "", "", "", ""]);
        } else {
          data[label] = r;
          rows.push([label, f(r.rps), f(r.idleP50), f(r.idleP99), f(r.loadP50), f(r.loadP99), f(r.loadP99 - r.idleP99)]);
        }
        ctx.progress("proxy under load", rows.length, configs.length);
        p.proc.kill("SIGTERM");
      }
      const tables: Table[] = [
        {
          title: `Proxy under compression load: c=16, ${(big.length / 1024).toFixed(0)} KB (~20k-token) tool outputs, ${n} requests, ${cores} cores`,
          columns: ["compression runs on", "compressed req/s", "bypassed p50 idle ms", "bypassed p99 idle ms", "bypassed p50 loaded ms", "bypassed p99 loaded ms", "p99 loaded − idle ms"],
          rows,
          notes: ["Goal: worker pool ≥ 2× the main-thread req/s, and loaded p99 within 2 ms of idle. Bypassed = small requests with x-headroom-bypass, one at a time, sent while the load runs."],
        },
      ];
      // Pass-through: small requests needing no compression, direct vs bare Hono vs the proxy, alternating blocks.
      const hono = await honoChild(dir, mock.url);
      procs.push(hono.proc);
      const px = await proxyChild(dir, "passthrough", PROXY_NODE, mock.url, "");
      procs.push(px.proc);
      const targets: [string, string][] = [["direct to mock", mock.url], ["bare Hono pass-through", hono.url], ["headroom proxy", px.url]];
      const lat: Record<string, number[]> = Object.fromEntries(targets.map(([name]) => [name, []]));
      for (const [, u] of targets) await load(`${u}/v1/chat/completions`, SMALL, 200, 1);
      for (let b = 0; b < 5; b++) for (const [name, u] of targets) lat[name]!.push(...(await load(`${u}/v1/chat/completions`, SMALL, ctx.quick ? 100 : 400, 1)));
      const d50 = percentile(lat["direct to mock"]!, 50);
      const d99 = percentile(lat["direct to mock"]!, 99);
      tables.push({
        title: "Pass-through overhead (c=1, small requests needing no compression)",
        columns: ["target", "p50 ms", "p99 ms", "added p50 ms", "added p99 ms"],
        rows: targets.map(([name]) => {
          const v = lat[name]!;
          return [name, f(percentile(v, 50)), f(percentile(v, 99)), f(percentile(v, 50) - d50), f(percentile(v, 99) - d99)];
        }),
        notes: ["Same run, alternating blocks. The bare Hono pass-through forwards with the global fetch, as a hand-written one would."],
      });
      data.passthrough = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99) }]));
      return { tables, data };
    } finally {
      for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM");
      mock.server.closeAllConnections();
      mock.server.close();
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
