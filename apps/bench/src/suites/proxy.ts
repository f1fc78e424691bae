import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "../metrics.js";
import { closeClient, load, mockChild, proxyChild, stopAll, type Child } from "../proxy-harness.js";
import type { BenchSuite, Table } from "../suite.js";

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
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
    // The proxy runs in its own process (as it does for users), so its RSS is measured alone; the mock
    // upstream too, so the client's event loop (this process) only times requests.
    const children: Child[] = [];
    const mock = await mockChild(dir);
    children.push(mock);
    const proxy = await proxyChild(dir, "proxy", mock.url);
    children.push(proxy);
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
        notes: ["Goal: added p50 ≤ 2 ms at concurrency 1. The proxy and the mock upstream each in their own process; the client in the bench process."],
      });

      const big = bigBody();
      const total = ctx.quick ? 1000 : 10_000;
      const samples: [number, number][] = [[0, rssMB(proxy.proc.pid!)]];
      const every = total / 20;
      const t0 = performance.now();
      await load(via, big, total, 4, {
        onDone: (done) => {
        if (done % every === 0) {
          samples.push([done, rssMB(proxy.proc.pid!)]);
          ctx.progress("RSS with 1 MB bodies", done, total);
          }
        },
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
      await stopAll(children);
      closeClient();
      rmSync(dir, { recursive: true, force: true });
    }
    return { tables, data };
  },
};
