import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { median, percentile } from "../metrics.js";
import { clientChild, type LoadClient } from "../proxy-client.js";
import { engineRun, type EngineRun } from "../proxy-engine.js";
import { parallelCeiling, type Ceiling, type CeilingRun } from "../parallel-ceiling.js";
import { closeClient, cpuPressure, honoChild, load, mockChild, processCpuMs, PROXY_NODE, proxyChild, stopAll, type Child } from "../proxy-harness.js";
import type { BenchSuite, Table } from "../suite.js";

/** Optional: a proxy build to compare against (e.g. main's `packages/proxy/dist/node.js`). */
const BEFORE = process.env.HEADROOM_BENCH_PROXY_BEFORE;

/** Replaced in every request by a number of its own: each tool output is new to the proxy (see `vary`). */
const VARY = "XXXXXXXXXXXX";

/** ~20k o200k tokens of build/service log as one tool output, the kind agents read. */
function bigToolRequest(): Buffer {
  const lines: string[] = [`2025-03-01T09:59:59Z INFO deploy run=${VARY} started`];
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
/** The bypassed probe sends one request every PROBE_MS; IDLE_PROBE_MS without load per configuration, in all. */
const PROBE_MS = 10;
const IDLE_PROBE_MS = 4000;
/** Each configuration's load is run in this many blocks, alternating with the others'. */
const BLOCKS = 4;
/** The node flag of the one-helper-thread row. */
const ONE_HELPER = "--v8-pool-size=1";
/** The default pool's row label. */
const POOL = (cores: number) => `worker pool (workers: ${cores}, the default)`;
/** The control row's label (see the configurations in `run`). */
const CONTROL = "control: the default pool loaded, the probe sent to the mock upstream directly";

/** What one configuration measured, summed over its blocks. */
interface Tally {
  url: string;
  /** Where the bypassed probe goes: the proxy's own URL, or the mock upstream for the control row. */
  probeUrl: string;
  pid: number | undefined;
  /** CPU ms the proxy process (every thread) used during the loads, when known. */
  cpuMs: number | undefined;
  n: number;
  secs: number;
  /** Requests/s of each block, in block order (paired with the other configurations' blocks). */
  blockRps: number[];
  idle: number[];
  loaded: number[];
  error?: string;
}

const chatUrl = (url: string) => `${url}/v1/chat/completions`;

/** JIT, the workers' pipelines, sockets: before any block is timed. */
async function warmUpProxy(url: string, big: Buffer, loader: LoadClient, prober: LoadClient): Promise<void> {
  await loader.run({ url: chatUrl(url), body: big, total: 32, concurrency: 16, vary: VARY });
  await prober.run({ url: chatUrl(url), body: SMALL, total: 100, concurrency: 1, headers: BYPASS });
}

/**
 * One block: the paced bypassed probe without load, then `n` compressed requests at c=16 with the
 * probe running. The load and the probe come from two client processes, so neither's event loop
 * delays the other's timing; idle and loaded probes alike are paced, so both measure latency.
 */
async function block(t: Tally, big: Buffer, n: number, loader: LoadClient, prober: LoadClient): Promise<void> {
  const chat = chatUrl(t.url);
  const probeAt = chatUrl(t.probeUrl);
  const quiet = prober.stream({ url: probeAt, body: SMALL, headers: BYPASS, intervalMs: PROBE_MS });
  await new Promise((r) => setTimeout(r, IDLE_PROBE_MS / BLOCKS));
  t.idle.push(...(await quiet.stop()));
  const probe = prober.stream({ url: probeAt, body: SMALL, headers: BYPASS, intervalMs: PROBE_MS });
  // The probe is stopped even when the load fails, or the prober stays busy for the next block.
  try {
    const c0 = processCpuMs(t.pid);
    const t0 = performance.now();
    await loader.run({ url: chat, body: big, total: n, concurrency: 16, vary: VARY });
    const secs = (performance.now() - t0) / 1000;
    t.secs += secs;
    t.blockRps.push(n / secs);
    const c1 = processCpuMs(t.pid);
    t.cpuMs = c0 === undefined || c1 === undefined ? undefined : (t.cpuMs ?? 0) + c1 - c0;
    t.n += n;
  } finally {
    t.loaded.push(...(await probe.stop()));
  }
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
    const children: Child[] = [];
    const mock = await mockChild(dir);
    children.push(mock);
    const loader = clientChild();
    const prober = clientChild();
    const big = bigToolRequest();
    const n = ctx.quick ? 160 : 480;
    const cores = availableParallelism();
    const configs: [string, string, string, string[]?][] = [
      ...(BEFORE ? [["before (given build)", BEFORE, ""] as [string, string, string]] : []),
      ["main thread (workers: 0)", PROXY_NODE, "workers: 0"],
      [POOL(cores), PROXY_NODE, ""],
      // Workers are niced by default; on a machine busy with other work that costs them their share.
      [`worker pool (workers: ${cores}, workerNice: 0)`, PROXY_NODE, "workerNice: 0"],
      // One core left to the event loop: the latency side of the trade-off on a small machine.
      ...(cores > 1 ? [[`worker pool (workers: ${cores - 1})`, PROXY_NODE, `workers: ${cores - 1}`] as [string, string, string]] : []),
      // The default pool in a process whose V8 keeps one helper thread (GC marking, compiles) instead of
      // four for its three isolates: fewer threads preempt the event loop on a small machine.
      [`worker pool (workers: ${cores}, node ${ONE_HELPER})`, PROXY_NODE, "", [ONE_HELPER]],
      // Control: the default pool under the same load, the probe sent straight to the mock upstream. Its
      // loaded − idle p99 is what the load costs any request on these shared cores (prober, mock and load
      // generator included), with no proxy in the probe's path.
      [CONTROL, PROXY_NODE, ""],
    ];
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = { cores, bodyBytes: big.length };
    const pressure = [cpuPressure()];
    try {
      // Every configuration runs at once (idle ones cost nothing) and their blocks alternate, so load
      // from outside the bench drifting during the run hits them alike.
      const tallies = new Map<string, Tally>();
      for (const [label, dist, extra, nodeArgs] of configs) {
        const p = await proxyChild(dir, label.replace(/\W+/g, "-"), mock.url, extra, dist, nodeArgs);
        children.push(p);
        tallies.set(label, { url: p.url, probeUrl: label === CONTROL ? mock.url : p.url, pid: p.proc.pid, cpuMs: undefined, n: 0, secs: 0, blockRps: [], idle: [], loaded: [] });
        await warmUpProxy(p.url, big, loader, prober);
      }
      let done = 0;
      for (let b = 0; b < BLOCKS; b++) {
        for (const [label] of configs) {
          const t = tallies.get(label)!;
          // One configuration failing (an old build under this load) must not hide the others.
          if (!t.error) await block(t, big, n / BLOCKS, loader, prober).catch((e: unknown) => (t.error = e instanceof Error ? e.message : String(e)));
          ctx.progress("proxy under load", ++done, BLOCKS * configs.length);
        }
      }
      // Each block against the reference configuration's block of the same round (run a few seconds
      // apart): the median of those paired ratios follows the machine's drift (other work on shared
      // cores) less than a ratio of totals does.
      const paired = (t: Tally, ref: Tally | undefined) => {
        if (!ref || ref.error || ref === t || ref.blockRps.length !== t.blockRps.length) return "";
        return `${median(t.blockRps.map((r, b) => r / ref.blockRps[b]!)).toFixed(2)}×`;
      };
      const before = BEFORE ? tallies.get(configs[0]![0]) : undefined;
      const mainThread = tallies.get("main thread (workers: 0)");
      for (const [label] of configs) {
        const t = tallies.get(label)!;
        if (t.error) {
          data[label] = { error: t.error };
          rows.push([label, `failed: ${t.error}`, "", "", "", "", "", "", "", "", ""]);
          continue;
        }
        const r = { rps: t.n / t.secs, cpuMsPerRequest: t.cpuMs === undefined ? undefined : t.cpuMs / t.n, coresUsed: t.cpuMs === undefined ? undefined : t.cpuMs / 1000 / t.secs, idleP50: percentile(t.idle, 50), idleP99: percentile(t.idle, 99), loadP50: percentile(t.loaded, 50), loadP99: percentile(t.loaded, 99) };
        data[label] = { ...r, blockRps: t.blockRps };
        const opt = (v: number | undefined) => (v === undefined ? "n/a" : f(v));
        rows.push([label, f(r.rps), paired(t, before), paired(t, mainThread), opt(r.cpuMsPerRequest), opt(r.coresUsed), f(r.idleP50), f(r.idleP99), f(r.loadP50), f(r.loadP99), f(r.loadP99 - r.idleP99)]);
      }
      pressure.push(cpuPressure());
      data.cpuPressureAvg60 = pressure;
      const rise = (label: string) => {
        const t = tallies.get(label);
        return t && !t.error && t.loaded.length && t.idle.length ? percentile(t.loaded, 99) - percentile(t.idle, 99) : undefined;
      };
      const poolRise = rise(POOL(cores));
      const machineRise = rise(CONTROL);
      data.proxyShareOfP99Rise = poolRise !== undefined && machineRise !== undefined ? poolRise - machineRise : undefined;
      const tables: Table[] = [
        {
          title: `Proxy under compression load: c=16, ${(big.length / 1024).toFixed(0)} KB (~20k-token) tool outputs, ${n} requests, ${cores} cores`,
          columns: ["compression runs on", "compressed req/s", "× before (paired blocks)", "× main thread (paired blocks)", "proxy CPU ms / request", "proxy cores used", "bypassed p50 idle ms", "bypassed p99 idle ms", "bypassed p50 loaded ms", "bypassed p99 loaded ms", "p99 loaded − idle ms"],
          rows,
          notes: [
            `Goal: worker pool ≥ 2× the main-thread req/s, and loaded p99 within 2 ms of idle. Bypassed = small requests with x-headroom-bypass, one every ${PROBE_MS} ms (one at a time), sent while the load runs; idle = the same probe without load.`,
            `Each configuration's ${n} requests run in ${BLOCKS} blocks, alternating with the other configurations' blocks; each block starts with ${IDLE_PROBE_MS / BLOCKS / 1000} s of idle probing. × … (paired blocks) = median over blocks of this configuration's block req/s / that configuration's block of the same round.`,
            `CPU pressure of the machine (PSI some avg60, share of time a runnable task waited for a core) before / after the load: ${pressure.map((p) => (p === undefined ? "n/a" : `${p.toFixed(0)}%`)).join(" / ")}. Well above 0, the cores are busy with other work and no pool can scale.`,
            "proxy CPU ms / request: CPU time of the proxy process (every thread) during the loads, per compressed request; cores used = that CPU time / wall time. req/s ≈ cores used / CPU per request: a pool can only raise it by getting more cores.",
            `Control row: the default pool under the same load while the probe goes to the mock upstream directly, through no proxy: its p99 loaded − idle (${machineRise === undefined ? "n/a" : f(machineRise)} ms) is what the load costs any request on these cores. The default pool's rise less the control's, the proxy's own share: ${data.proxyShareOfP99Rise === undefined ? "n/a" : f(data.proxyShareOfP99Rise as number)} ms.`,
            `${ONE_HELPER} row: the default pool, its process started with \`node ${ONE_HELPER}\` (also \`NODE_OPTIONS=${ONE_HELPER}\`): V8 runs its background GC and compile work for the main thread and both workers on one helper thread instead of four.`,
            "Processes: the proxy, the mock upstream, the load generator and the bypassed-request prober each run alone (the bench process only orchestrates), so the prober's timing is not delayed by the load's replies on one event loop. All share the machine's cores.",
          ],
        },
      ];
      // Pass-through: small requests needing no compression, direct vs bare Hono vs the proxy, alternating blocks.
      const hono = await honoChild(dir, mock.url);
      children.push(hono);
      const px = await proxyChild(dir, "passthrough", mock.url);
      children.push(px);
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
        notes: ["Same run, alternating blocks, from the bench process (idle otherwise); the mock upstream in its own process. The bare Hono pass-through forwards with the global fetch, as a hand-written one would."],
      });
      data.passthrough = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99) }]));
      const engine = await engineTable(dir, big, cores, ctx.quick, (done, total) => ctx.progress("proxy engine", done, total));
      tables.push(engine.table);
      data.engine = engine.data;
      ctx.progress("parallel ceiling", 0, 1);
      const ceiling = await parallelCeiling(dir, big, VARY, { threads: cores, rounds: ctx.quick ? 2 : 5, n: ctx.quick ? 100 : 300, warm: 100 });
      tables.push(ceilingTable(ceiling));
      data.ceiling = ceiling;
      return { tables, data };
    } finally {
      loader.close();
      prober.close();
      await stopAll(children);
      closeClient();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * The engine without sockets (see proxy-engine.ts): the same requests through each build's app in a
 * process of its own, at c=16, in alternating rounds; medians.
 */
async function engineTable(dir: string, big: Buffer, cores: number, quick: boolean, progress: (done: number, total: number) => void): Promise<{ table: Table; data: Record<string, EngineRun[]> }> {
  const configs: [string, string, number | undefined][] = [
    ...(BEFORE ? [["before (given build, main thread)", BEFORE, undefined] as [string, string, number | undefined]] : []),
    ["main thread (workers: 0)", PROXY_NODE, 0],
    [`worker pool (workers: ${cores})`, PROXY_NODE, cores],
  ];
  const rounds = quick ? 1 : 3;
  const runs: Record<string, EngineRun[]> = Object.fromEntries(configs.map(([label]) => [label, []]));
  let done = 0;
  for (let r = 0; r < rounds; r++)
    for (const [label, dist, workers] of configs) {
      runs[label]!.push(await engineRun(dir, `engine-${done}`, dist, big, { vary: VARY, ...(workers !== undefined ? { workers } : {}), concurrency: 16, n: quick ? 160 : 300, warm: 40 }));
      progress(++done, rounds * configs.length);
    }
  const rps = (label: string) => median(runs[label]!.map((x) => x.rps));
  const base = configs[0]![0];
  const mainThread = "main thread (workers: 0)";
  return {
    table: {
      title: `Proxy engine without sockets: the same ~20k-token requests through app.request at c=16 (median of ${rounds} rounds)`,
      columns: ["compression runs on", "compressed req/s", "CPU ms / request", `× ${base}`, "× main thread", "each round req/s"],
      rows: configs.map(([label]) => [label, rps(label).toFixed(1), median(runs[label]!.map((x) => x.cpuMsPerRequest)).toFixed(2), (rps(label) / rps(base)).toFixed(2), (rps(label) / rps(mainThread)).toFixed(2), runs[label]!.map((x) => x.rps.toFixed(0)).join(" / ")]),
      notes: [
        "Each build in a process of its own: its router, plugins and SQLite store, upstream answered by an in-process fetch; no load generator, mock server or prober shares the cores, and no HTTP parsing or serialisation is counted. CPU = the process's (every thread) per compressed request.",
      ],
    },
    data: runs,
  };
}

/** The machine's parallel ceiling (see parallel-ceiling.ts) as a table. */
function ceilingTable(c: Ceiling): Table {
  const row = (job: string, r: CeilingRun) => {
    const paired = r.many.map((x, i) => x / r.one[i]!);
    // cores used = ops/s × CPU s per op
    const cores = (rps: number[], cpu: number[]) => median(rps.map((x, i) => (x * cpu[i]!) / 1000)).toFixed(2);
    return [job, median(r.one).toFixed(0), median(r.many).toFixed(0), `${median(paired).toFixed(2)}×`, paired.map((x) => x.toFixed(2)).join(" / "), median(r.oneCpu).toFixed(2), median(r.manyCpu).toFixed(2), cores(r.one, r.oneCpu), cores(r.many, r.manyCpu)];
  };
  const n = c.threads;
  return {
    title: `The machine's parallel ceiling: one job on 1 thread and on ${n} at once (worker_threads in one process, no proxy, no sockets)`,
    columns: ["job", "1 thread ops/s", `${n} threads ops/s`, `${n} threads / 1 (median of paired rounds)`, "each round", "CPU ms / op, 1 thread", `CPU ms / op, ${n} threads`, "cores used, 1 thread", `cores used, ${n} threads`],
    rows: [row("arithmetic loop (registers only)", c.arithmetic), row("the proxy worker's job: compress one ~20k-token request", c.compression)],
    notes: [
      "Rounds alternate 1 thread and all threads; each thread has its own pipeline, heap and memory store. The arithmetic row is what the host gives the vCPUs; the compression row is the most any worker pool can multiply one worker's throughput by on this machine, before HTTP, message passing, or the mock, load generator and prober taking their share of the same cores.",
      "CPU = the process's, every thread: V8's GC and compiler helpers run beside the JavaScript threads, so one compressing thread already uses more than one core when another is idle, and all threads at once leave the helpers no idle core.",
    ],
  };
}
