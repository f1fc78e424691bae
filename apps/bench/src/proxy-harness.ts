/**
 * What the proxy suites share: servers that each run in their own process (a mock OpenAI upstream, the
 * built proxy, a bare Hono pass-through), HTTP clients (in-process, or a load generator in a child
 * process), all on loopback. Separate processes keep the measured proxy's event loop alone: the mock
 * answering 16 concurrent requests, or a load generator reading their replies, would otherwise delay
 * the one measuring a latency.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROXY_PKG = resolve(HERE, "../../../packages/proxy");
/** The built proxy (apps/bench does not import @headroom/proxy's sources: the child loads its dist). */
export const PROXY_NODE = join(PROXY_PKG, "dist/node.js");
/** Default plugins are discovered from apps/bench. */
const BENCH_DIR = resolve(HERE, "..");

/** The mock's fixed chat completion. */
export const REPLY = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 },
});

/** A process of the harness: the child and the URL it printed (empty for a client). */
export interface Child {
  proc: ChildProcess;
  url: string;
}

/** With `PROF_DIR` set, node flags that write CPU profiles of every thread of a child to `PROF_DIR/name`. */
export function profileArgs(name: string): string[] {
  return process.env.PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${join(process.env.PROF_DIR, name)}`] : [];
}

/**
 * Runs a measuring script in a fresh node process (`args` before it) and resolves with the JSON value
 * on the last line of its stdout; rejects, naming `what`, when it exits non-zero.
 */
export function jsonChild<T>(script: string, what: string, args: readonly string[] = []): Promise<T> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, [...args, script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.on("error", fail);
    proc.on("exit", (code) => {
      try {
        if (code !== 0) throw new Error(`${what}: exit ${code}`);
        ok(JSON.parse(out.trim().split("\n").pop()!) as T);
      } catch (e) {
        fail(e);
      }
    });
  });
}

/**
 * Runs a server script in its own process (with `nodeArgs`, node's own flags, before the script);
 * resolves with the URL it prints on its first stdout line.
 */
export async function childServer(dir: string, name: string, code: string, nodeArgs: readonly string[] = []): Promise<Child> {
  const script = join(dir, `${name}.mjs`);
  writeFileSync(script, code);
  const proc = spawn(process.execPath, [...nodeArgs, ...profileArgs(name), script], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((ok, fail) => {
    let buf = "";
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n")[0];
      if (buf.includes("\n") && line) ok(line.trim());
    });
    proc.once("exit", (c) => fail(new Error(`${name} exited with ${c}`)));
  });
  return { proc, url };
}

/** A mock OpenAI upstream on loopback: drains the body and answers a fixed completion. */
export function mockChild(dir: string): Promise<Child> {
  return childServer(
    dir,
    "mock-upstream",
    `import { createServer } from "node:http";
const REPLY = ${JSON.stringify(REPLY)};
const server = createServer((req, res) => {
  req.on("data", () => undefined);
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
    res.end(REPLY);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => process.stdout.write("http://127.0.0.1:" + server.address().port + "\\n"));
process.on("SIGTERM", () => { server.closeAllConnections(); server.close(() => process.exit(0)); });`,
  );
}

/**
 * The bench folder plugins are discovered from for a proxy build: the `apps/bench` of the checkout the
 * build lives in (an earlier build is measured with that checkout's compressors, not today's), else ours.
 */
export function pluginsDirOf(dist: string): string {
  for (let d = dirname(dist); d !== dirname(d); d = dirname(d)) if (existsSync(join(d, "apps/bench/package.json"))) return join(d, "apps/bench");
  return BENCH_DIR;
}

/**
 * The proxy from `dist` (default the built one) in its own process, with a SQLite store in `dir`; `extra`
 * is more option source, `nodeArgs` node flags for its process.
 */
export function proxyChild(dir: string, name: string, upstream: string, extra = "", dist = PROXY_NODE, nodeArgs: readonly string[] = []): Promise<Child> {
  return childServer(
    dir,
    name,
    `const { startProxy } = await import(${JSON.stringify(pathToFileURL(dist).href)});
const p = await startProxy({ port: 0, openaiBaseUrl: ${JSON.stringify(upstream)}, anthropicBaseUrl: ${JSON.stringify(upstream)},
  storePath: ${JSON.stringify(join(dir, `${name}.sqlite`))}, pluginsFrom: ${JSON.stringify(pluginsDirOf(dist))}, ${extra} });
process.stdout.write(p.url + "\\n");
process.on("SIGTERM", () => p.close().then(() => process.exit(0)));`,
    nodeArgs,
  );
}

/** A bare Hono pass-through (what a user writes in five lines), for the overhead comparison. */
export function honoChild(dir: string, upstream: string): Promise<Child> {
  const req = createRequire(join(PROXY_PKG, "package.json"));
  const hono = pathToFileURL(req.resolve("hono")).href;
  const server = pathToFileURL(req.resolve("@hono/node-server")).href;
  return childServer(
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

/** Sends SIGTERM to every child still running and waits for them to exit. */
export async function stopAll(children: readonly Child[]): Promise<void> {
  const running = children.filter(({ proc }) => proc.exitCode === null && proc.signalCode === null);
  await Promise.all(
    running.map(
      ({ proc }) =>
        new Promise((r) => {
          proc.once("exit", r);
          proc.kill("SIGTERM");
        }),
    ),
  );
}

let agent = new Agent({ keepAlive: true, maxSockets: 128 });

/** Drops the in-process client's keep-alive sockets (end of a suite). */
export function closeClient(): void {
  agent.destroy();
}

/**
 * A fresh socket pool: no socket idles across ops. A socket left idle while other configurations run
 * outlives the server's keep-alive timeout (Node's 5 s), and reusing it races the server's close
 * (ECONNRESET), most often against a proxy whose event loop is busy compressing.
 */
export function resetClient(): void {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 128 });
}

/** One POST from this process; resolves with the wall time in ms, rejects on a non-200 answer. */
export function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
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

/** `total` POSTs from this process with `concurrency` in flight (`body` may make each one); each request's latency. */
export async function load(url: string, body: Buffer | (() => Buffer), total: number, concurrency: number, o: { headers?: Record<string, string>; onDone?: (n: number) => void } = {}): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      times.push(await post(url, typeof body === "function" ? body() : body, o.headers));
      o.onDone?.(times.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

/**
 * The machine's CPU pressure (Linux PSI, `some avg60`: share of the last minute in which some runnable
 * task waited for a CPU), or `undefined` where not available. Printed beside throughput numbers: on a
 * machine shared with other work, a pool of threads cannot get cores that are not idle.
 */
export function cpuPressure(): number | undefined {
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, ms) a process has used so far, all its threads included (Linux
 * `/proc/PID/stat`, 10 ms ticks), or `undefined` elsewhere.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}
