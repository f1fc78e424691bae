import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { percentile } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The built proxy (apps/bench does not list @headroom/proxy as a dependency, so it is loaded by path). */
const PROXY_DIST = resolve(HERE, "../../../../packages/proxy/dist/node.js");
const BENCH_DIR = resolve(HERE, "../..");

const REPLY = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 },
});

/** A mock OpenAI upstream on loopback: drains the body and answers a fixed completion. */
async function startMock(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
      res.end(REPLY);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * The proxy runs in its own process (as it does for users), so its RSS is measured alone and the
 * client and mock do not share its event loop. Default plugins are discovered from apps/bench, and the
 * store is a SQLite file in a temp directory.
 */
async function startProxyProcess(upstream: string, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const script = join(dir, "proxy-child.mjs");
  writeFileSync(
    script,
    `const { startProxy } = await import(${JSON.stringify(pathToFileURL(PROXY_DIST).href)});
const p = await startProxy({ port: 0, openaiBaseUrl: ${JSON.stringify(upstream)}, anthropicBaseUrl: ${JSON.stringify(upstream)},
  storePath: ${JSON.stringify(join(dir, "ccr.sqlite"))}, pluginsFrom: ${JSON.stringify(BENCH_DIR)} });
process.stdout.write(p.url + "\\n");
process.on("SIGTERM", () => p.close().then(() => process.exit(0)));`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((ok, fail) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n")[0];
      if (buf.includes("\n") && line) ok(line.trim());
    });
    child.once("exit", (code) => fail(new Error(`proxy child exited with ${code}`)));
  });
  return { child, url };
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One POST; resolves with the wall time in ms. */
function post(url: string, body: Buffer): Promise<number> {
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length, authorization: "Bearer sk-bench" } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => (res.statusCode === 200 ? ok(performance.now() - t0) : fail(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** `total` requests with `concurrency` workers; returns each request's latency. */
async function load(url: string, body: Buffer, total: number, concurrency: number, onDone?: (n: number) => void): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      times.push(await post(url, body));
      onDone?.(times.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

/** A chat request with nothing to compress: a question and a short tool output (under 200 tokens). */
const SMALL = Buffer.from(
  JSON.stringify({
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are a helpful coding agent." },
      { role: "user", content: "What does the build script print?" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: '{"command":"npm run build"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "> build\n> tsup\n\nESM dist/index.js 12 KB\nBuild success in 40ms" },
    ],
  }),
);

/** A 1 MB request: a long user message (pasted file), nothing the default roles compress. */
function bigBody(): Buffer {
  const line = "const value = computeSomething(input, options); // a line of pasted source code\n";
  const text = line.repeat(Math.ceil((1024 * 1024) / line.length)).slice(0, 1024 * 1024 - 200);
  return Buffer.from(JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: text }] }));
}

const f = (n: number) => n.toFixed(3);

/**
 * Proxy overhead: latency added over calling the mock directly (p50/p99 at concurrency 1 and 50, for
 * requests that need no compression), and the proxy process's RSS over many 1 MB requests.
 */
export const suite: BenchSuite = {
  name: "proxy",
  description: "proxy overhead vs direct-to-mock (p50/p99 at concurrency 1 and 50) and RSS over 10,000 1 MB requests",
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), "headroom-bench-proxy-"));
    const mock = await startMock();
    const proxy = await startProxyProcess(mock.url, dir);
    const tables: Table[] = [];
    const data: Record<string, unknown> = {};
    try {
      const direct = `${mock.url}/v1/chat/completions`;
      const via = `${proxy.url}/v1/chat/completions`;
      const n = ctx.quick ? 500 : 3000;
      const rows: (string | number)[][] = [];
      for (const conc of [1, 50]) {
        await load(direct, SMALL, 200, conc);
        await load(via, SMALL, 200, conc); // warm-up: JIT, sockets, tokenizer
        // Alternating blocks so background load on the shared machine hits both sides alike.
        const d: number[] = [];
        const p: number[] = [];
        for (let b = 0; b < 5; b++) {
          d.push(...(await load(direct, SMALL, n / 5, conc)));
          p.push(...(await load(via, SMALL, n / 5, conc)));
          ctx.progress(`latency c=${conc}`, b + 1, 5);
        }
        const row = { conc, directP50: percentile(d, 50), directP99: percentile(d, 99), proxyP50: percentile(p, 50), proxyP99: percentile(p, 99) };
        data[`c${conc}`] = row;
        rows.push([conc, n, f(row.directP50), f(row.proxyP50), f(row.proxyP50 - row.directP50), f(row.directP99), f(row.proxyP99), f(row.proxyP99 - row.directP99)]);
      }
      tables.push({
        title: "Proxy latency overhead (requests needing no compression, loopback mock upstream)",
        columns: ["concurrency", "requests", "direct p50 ms", "proxy p50 ms", "added p50 ms", "direct p99 ms", "proxy p99 ms", "added p99 ms"],
        rows,
        notes: ["Goal: added p50 ≤ 2 ms at concurrency 1. Proxy in its own process; client and mock share the bench process."],
      });

      const big = bigBody();
      const total = ctx.quick ? 1000 : 10_000;
      const samples: [number, number][] = [[0, rssMB(proxy.child.pid!)]];
      const every = total / 20;
      const t0 = performance.now();
      await load(via, big, total, 4, (done) => {
        if (done % every === 0) {
          samples.push([done, rssMB(proxy.child.pid!)]);
          ctx.progress("RSS with 1 MB bodies", done, total);
        }
      });
      const secs = (performance.now() - t0) / 1000;
      const afterWarm = samples.find(([d]) => d >= total / 10)?.[1] ?? samples[1]![1];
      const peak = Math.max(...samples.map(([, r]) => r));
      const end = samples[samples.length - 1]![1];
      data.rss = { samples, secs, bodyBytes: big.length };
      tables.push({
        title: `Proxy RSS over ${total} requests with ${(big.length / 1048576).toFixed(2)} MB bodies (concurrency 4)`,
        columns: ["RSS at start MB", `RSS after ${total / 10} MB`, "RSS peak MB", "RSS at end MB", "end − after-warm-up MB", "seconds"],
        rows: [[samples[0]![1].toFixed(0), afterWarm.toFixed(0), peak.toFixed(0), end.toFixed(0), (end - afterWarm).toFixed(0), secs.toFixed(1)]],
        notes: ["Goal: flat and under 300 MB. Samples every 5% are in results/proxy.json."],
      });
    } finally {
      proxy.child.kill("SIGTERM");
      await new Promise((r) => proxy.child.once("exit", r));
      mock.server.closeAllConnections();
      mock.server.close();
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    return { tables, data };
  },
};
