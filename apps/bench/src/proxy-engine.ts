/**
 * The proxy's engine without sockets: a child process builds the proxy app (the real router, plugins
 * and SQLite store), answers upstream calls with an in-process `fetch`, and sends it compressed requests
 * through `app.request` at a given concurrency. No load generator, mock server or HTTP stack shares the
 * cores, so the numbers are what compression, body handling and the worker pool cost on their own.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { jsonChild, pluginsDirOf, profileArgs, REPLY } from "./proxy-harness.js";

/** What one child measured. */
export interface EngineRun {
  rps: number;
  cpuMsPerRequest: number;
}

/**
 * Runs `n` compressed requests (after `warm` untimed ones) through a proxy build's app in a fresh
 * process. `dist` exports `createNodeProxyApp` (today's `node` entry) or only `createProxyApp` (an earlier
 * build, compressing on its main thread); `workers` is passed to the former.
 */
export function engineRun(dir: string, name: string, dist: string, body: Buffer, o: { workers?: number; concurrency: number; n: number; warm: number; vary?: string }): Promise<EngineRun> {
  const bodyFile = join(dir, `${name}.body.json`);
  writeFileSync(bodyFile, body);
  const script = join(dir, `${name}.engine.mjs`);
  writeFileSync(
    script,
    `import { readFileSync } from "node:fs";
const mod = await import(${JSON.stringify(pathToFileURL(dist).href)});
const body = readFileSync(${JSON.stringify(bodyFile)}, "utf8");
const reply = ${JSON.stringify(REPLY)};
const options = { openaiBaseUrl: "http://upstream.invalid", storePath: ${JSON.stringify(join(dir, `${name}.sqlite`))},
  pluginsFrom: ${JSON.stringify(pluginsDirOf(dist))}, fetch: async () => new Response(reply, { headers: { "content-type": "application/json" } }) };
const app = mod.createNodeProxyApp ? mod.createNodeProxyApp({ ...options, workers: ${o.workers ?? 0} }) : mod.createProxyApp(options);
await app.ready();
if (app.warm) await app.warm();
// Each request's tool output is new to the proxy (a number of its own in place of the placeholder).
const vary = ${JSON.stringify(o.vary ?? "")};
const at = vary ? body.indexOf(vary) : -1;
let sent = 0;
const next = () => (at < 0 ? body : body.slice(0, at) + String(sent++).padStart(vary.length, "0") + body.slice(at + vary.length));
const send = async () => { const r = await app.request("/v1/chat/completions", { method: "POST", body: next(), headers: { "content-type": "application/json" } }); await r.text(); };
const run = async (n) => { let left = n; await Promise.all(Array.from({ length: ${o.concurrency} }, async () => { while (left-- > 0) await send(); })); };
await run(${o.warm});
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(${o.n});
const c = process.cpuUsage(c0);
const secs = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ rps: ${o.n} / secs, cpuMsPerRequest: (c.user + c.system) / 1000 / ${o.n} }) + "\\n");
await app.close();
process.exit(0);`,
  );
  return jsonChild<EngineRun>(script, name, profileArgs(name));
}
