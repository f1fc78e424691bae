/**
 * The machine's parallel ceiling: how much more work two threads do than one, with no proxy, socket or
 * message passing in the way. A child process runs a job on one worker thread, then on `threads` at
 * once, in alternating rounds. Two jobs: a register-only arithmetic loop (what the host gives the
 * vCPUs) and the proxy worker's own job (the default pipeline's compress of the request's messages,
 * each thread with its own pipeline and heap). A worker pool can multiply one worker's throughput by at
 * most the second job's ratio, whatever the proxy around it does.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { jsonChild, PROXY_NODE, pluginsDirOf } from "./proxy-harness.js";

/** Each round, on one thread and on `threads` at once (paired by index). */
export interface CeilingRun {
  /** Operations per second. */
  one: number[];
  many: number[];
  /** CPU ms of the process (every thread: V8's helpers too) per operation. */
  oneCpu: number[];
  manyCpu: number[];
}

/** Both jobs' rounds. */
export interface Ceiling {
  threads: number;
  arithmetic: CeilingRun;
  compression: CeilingRun;
}

/**
 * Measures both jobs in a fresh process. `body` is a chat-completions request whose `vary` placeholder
 * is replaced per operation, so every compression is of a tool output new to the pipeline.
 */
export function parallelCeiling(dir: string, body: Buffer, vary: string, o: { threads: number; rounds: number; n: number; warm: number }): Promise<Ceiling> {
  const bodyFile = join(dir, "ceiling.body.json");
  writeFileSync(bodyFile, body);
  const worker = `const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  let op;
  if (workerData.job === "arithmetic") {
    let x = workerData.seed;
    op = async () => { for (let i = 0; i < 2e5; i++) x = (x * 1103515245 + 12345) | 0; return x; };
  } else {
    const { createDefaultPipeline } = await import(${JSON.stringify(pathToFileURL(PROXY_NODE).href)});
    const pipeline = await createDefaultPipeline({ pluginsFrom: ${JSON.stringify(pluginsDirOf(PROXY_NODE))} });
    const body = require("node:fs").readFileSync(${JSON.stringify(bodyFile)}, "utf8");
    const vary = ${JSON.stringify(vary)};
    const at = body.indexOf(vary);
    const kept = new Map();
    const store = { async put(k, v) { kept.set(k, v); }, async get(k) { return kept.get(k); }, async has(k) { return kept.has(k); }, async delete(k) { return kept.delete(k); } };
    let sent = workerData.seed;
    op = async () => {
      kept.clear();
      const text = body.slice(0, at) + String(sent++).padStart(vary.length, "0") + body.slice(at + vary.length);
      return pipeline.compress(JSON.parse(text).messages, { model: "gpt-4o", format: "openai-chat", store });
    };
  }
  for (let i = 0; i < ${o.warm}; i++) await op();
  parentPort.postMessage("ready");
  parentPort.on("message", async (n) => { for (let i = 0; i < n; i++) await op(); parentPort.postMessage("done"); });
})();`;
  const script = join(dir, "ceiling.mjs");
  writeFileSync(
    script,
    `import { Worker } from "node:worker_threads";
const code = ${JSON.stringify(worker)};
const out = { threads: ${o.threads} };
for (const job of ["arithmetic", "compression"]) {
  const ws = await Promise.all(Array.from({ length: ${o.threads} }, (_, i) => new Promise((ok, fail) => {
    const w = new Worker(code, { eval: true, workerData: { job, seed: i * 1_000_000 } });
    w.once("message", () => ok(w));
    w.once("error", fail);
  })));
  const run = (k) => Promise.all(ws.slice(0, k).map((w) => new Promise((ok) => { w.once("message", ok); w.postMessage(${o.n}); })));
  const res = { one: [], many: [], oneCpu: [], manyCpu: [] };
  // Alternating order: a slow spell of the machine does not land on one side only.
  for (let r = 0; r < ${o.rounds}; r++)
    for (const k of r % 2 ? [${o.threads}, 1] : [1, ${o.threads}]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run(k);
      const secs = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const side = k === 1 ? "one" : "many";
      res[side].push((k * ${o.n}) / secs);
      res[side + "Cpu"].push((c.user + c.system) / 1000 / (k * ${o.n}));
    }
  out[job] = res;
  await Promise.all(ws.map((w) => w.terminate()));
}
process.stdout.write(JSON.stringify(out) + "\\n");
process.exit(0);`,
  );
  return jsonChild<Ceiling>(script, "parallel ceiling");
}
