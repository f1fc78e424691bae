// Measures the "45 MB text through the proxy" scenario on the tiny model: /health latency
// while /v1/compress handles one 45 MB tool output with text-ml installed. Run from the repo root
// after a build:  node packages/text-ml/scripts/big-through-proxy.mjs [MB]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPipeline } from "@headroom/core";
import { MemoryStore } from "@headroom/ccr";
import { startProxy } from "@headroom/proxy";
import { createTextMlCompressor } from "@headroom/text-ml/node";
import { writeTinyModel } from "@headroom/text-ml/testing";

const mb = Number(process.argv[2] ?? 45);
const model = writeTinyModel(join(mkdtempSync(join(tmpdir(), "tm-big-")), "tiny"), { maxLength: 512 });
const events = [];
const textMl = createTextMlCompressor({ model, onEvent: (e) => events.push(e) });
await textMl.ready();
const pipeline = createPipeline({ compressors: [textMl], detect: () => ({ kind: "prose", confidence: 1 }), model: "gpt-4o" });
const proxy = await startProxy({ port: 0, store: new MemoryStore(), pipeline });
const para = "The service restarted at 04:12 after the health check failed three times in a row. Operators saw the queue grow while the worker pool drained slowly. ";
const text = para.repeat(Math.ceil((mb * 1e6) / para.length)).slice(0, mb * 1e6);
const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "what failed?" }, { role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "read", arguments: "{}" } }] }, { role: "tool", tool_call_id: "t", content: text }] });
for (let i = 0; i < 5; i++) await (await fetch(`${proxy.url}/health`)).arrayBuffer();
const t0 = performance.now();
let done = false;
const res = fetch(`${proxy.url}/v1/compress`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => ({ status: r.status, json: await r.json() })).finally(() => (done = true));
const pings = [];
while (!done) {
  const s = performance.now();
  await (await fetch(`${proxy.url}/health`)).arrayBuffer();
  pings.push(performance.now() - s);
  await new Promise((r) => setTimeout(r, 10));
}
const out = await res;
const took = performance.now() - t0;
pings.sort((a, b) => a - b);
const q = (p) => pings[Math.min(pings.length - 1, Math.floor(pings.length * p))]?.toFixed(1);
console.log(JSON.stringify({ mb, status: out.status, compressMs: Math.round(took), tokensSaved: out.json.tokens_saved, errors: out.json.errors, transforms: out.json.transforms_applied, pings: pings.length, p50: q(0.5), p99: q(0.99), max: q(1), events: events.map((e) => e.type === "fallback" ? `fallback:${e.reason} after ${e.elapsedMs.toFixed(0)} ms` : e.type) }));
await proxy.close();
await textMl.close();
