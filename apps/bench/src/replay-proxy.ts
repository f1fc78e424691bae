import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectFormat } from "@headroom/core";
import type { CorpusCase } from "./corpus.js";
import { median } from "./metrics.js";
import { closeClient, mockChild, post, processCpuMs, PROXY_NODE, proxyChild, stopAll, type Child } from "./proxy-harness.js";
import type { Table } from "./suite.js";

/** Optional: an earlier proxy build to replay against too (see the proxy-load suite). */
const BEFORE = process.env.HEADROOM_BENCH_PROXY_BEFORE;

type Msg = { role?: string };

/** The requests a client sends for a conversation: every prefix that ends where the model is asked again. */
export function conversationRequests(messages: readonly unknown[]): unknown[][] {
  const out: unknown[][] = [];
  for (let k = 1; k <= messages.length; k++) if ((messages[k - 1] as Msg).role !== "assistant") out.push(messages.slice(0, k));
  return out;
}

/**
 * One conversation's requests (`conversationRequests`) as request bodies. `round` marks every text, so
 * that each round's units are new to the proxy while the requests within a round resend the same
 * earlier turns.
 */
function bodies(c: CorpusCase, round: number): { path: string; body: Buffer }[] {
  const anthropic = detectFormat(c.messages!) === "anthropic";
  return conversationRequests(c.messages!).map((messages) => {
    const req = anthropic ? { model: "claude-sonnet-4-5", max_tokens: 1024, messages } : { model: "gpt-4o", messages };
    const json = JSON.stringify(req).replaceAll('"content":"', `"content":"[${round}] `).replaceAll('"text":"', `"text":"[${round}] `);
    return { path: anthropic ? "/v1/messages" : "/v1/chat/completions", body: Buffer.from(json) };
  });
}

/**
 * The corpus conversations replayed through the proxy (worker pool, its default SQLite store), one
 * request at a time as one client sends them: latency and proxy CPU per request, with the unit cache
 * off and on (and an earlier build when given). The cache and the skipped re-puts act here together.
 */
export async function replayThroughProxy(convs: readonly CorpusCase[], rounds: number, progress: (done: number, total: number) => void): Promise<Table> {
  const dir = mkdtempSync(join(tmpdir(), "headroom-replay-"));
  const children: Child[] = [];
  const configs: [string, string, string][] = [
    ...(BEFORE ? [["before (given build)", BEFORE, ""] as [string, string, string]] : []),
    ["unit cache off (unitCacheMB: 0)", PROXY_NODE, "unitCacheMB: 0"],
    ["default (unit cache on)", PROXY_NODE, ""],
  ];
  const rows: (string | number)[][] = [];
  try {
    const mock = await mockChild(dir);
    children.push(mock);
    const proxies: { label: string; url: string; pid: number | undefined; ms: number[]; cpu: number[]; n: number }[] = [];
    for (const [label, dist, extra] of configs) {
      const p = await proxyChild(dir, label.replace(/\W+/g, "-"), mock.url, extra, dist);
      children.push(p);
      proxies.push({ label, url: p.url, pid: p.proc.pid, ms: [], cpu: [], n: 0 });
    }
    let done = 0;
    // Round 0 warms every proxy up (JIT, grammars) and is not counted.
    for (let r = 0; r <= rounds; r++)
      for (const p of proxies) {
        let ms = 0;
        let n = 0;
        const c0 = processCpuMs(p.pid);
        for (const c of convs) for (const b of bodies(c, r)) {
          ms += await post(p.url + b.path, b.body);
          n++;
        }
        const c1 = processCpuMs(p.pid);
        if (r === 0) continue;
        p.ms.push(ms / n);
        if (c0 !== undefined && c1 !== undefined) p.cpu.push((c1 - c0) / n);
        p.n = n;
        progress(++done, rounds * proxies.length);
      }
    const base = proxies.find((p) => p.label.startsWith("unit cache off"))!;
    for (const p of proxies)
      rows.push([p.label, p.n, median(p.ms).toFixed(1), p.cpu.length ? median(p.cpu).toFixed(1) : "—", (median(base.ms) / median(p.ms)).toFixed(2)]);
  } finally {
    closeClient();
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `Through the proxy (worker pool, SQLite store): every corpus conversation's requests in order, one at a time (median of ${rounds} rounds)`,
    columns: ["proxy", "requests per round", "ms per request", "proxy CPU ms per request", "× faster than unit cache off"],
    rows,
    notes: [
      "each round marks every text with its number, so its units are new to the proxy while its requests resend the round's earlier turns, as a client does",
      "proxy CPU = every thread of the proxy process (main thread and workers), per request",
    ],
  };
}
