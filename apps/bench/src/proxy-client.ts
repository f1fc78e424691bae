/**
 * A load generator in its own process: the proxy suites drive it over IPC, so the bench process does
 * not read 16 concurrent replies on the event loop that also times a probe. Run as a child of the
 * bench (`clientChild`); the same module is the child's entry point.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { load, post, resetClient } from "./proxy-harness.js";

const ENTRY = fileURLToPath(import.meta.url);
const FLAG = "--headroom-bench-client";

/** One request pattern: `total` POSTs of `body` with `concurrency` in flight. */
export interface LoadSpec {
  url: string;
  body: Buffer;
  total: number;
  concurrency: number;
  headers?: Record<string, string>;
  /**
   * A placeholder in `body` that each request replaces with a number of the same width, unique within
   * the client process: every request then carries a tool output seen for the first time (no unit-cache
   * hit, no original already stored), as new tool outputs are in real use.
   */
  vary?: string;
}

/** The bench's side of a client process. */
export interface LoadClient {
  proc: ChildProcess;
  /** Runs a spec to the end; each request's latency in ms. */
  run(spec: LoadSpec): Promise<number[]>;
  /**
   * Starts sending one request every `intervalMs` (one at a time: a slow one delays the next), until
   * `stop()`, which returns the latencies. Paced, not back to back: a probe in a tight loop would itself
   * be a CPU load on the machine it measures.
   */
  stream(spec: Omit<LoadSpec, "total" | "concurrency"> & { intervalMs: number }): { stop(): Promise<number[]> };
  close(): void;
}

type ToChild = { op: "run" | "stream"; url: string; body: string; total: number; concurrency: number; intervalMs?: number; headers?: Record<string, string>; vary?: string } | { op: "stop" };
type FromChild = { times: number[] } | { error: string };

/** Forks a client process (tsx loads this TypeScript module in it, as it does in the bench). */
export function clientChild(): LoadClient {
  const proc = fork(ENTRY, [FLAG], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  // One op at a time: one answer pending.
  let pending: { ok(t: number[]): void; fail(e: Error): void } | undefined;
  proc.on("message", (m: FromChild) => {
    const p = pending;
    pending = undefined;
    if ("error" in m) p?.fail(new Error(m.error));
    else p?.ok(m.times);
  });
  proc.on("exit", (c) => pending?.fail(new Error(`bench client exited with ${c}`)));
  const next = () =>
    new Promise<number[]>((ok, fail) => {
      if (pending) throw new Error("bench client: one op at a time");
      pending = { ok, fail };
    });
  const send = (m: ToChild) => proc.send(m);
  const wire = (s: Omit<LoadSpec, "total" | "concurrency">) => ({ url: s.url, body: s.body.toString("base64"), ...(s.headers ? { headers: s.headers } : {}), ...(s.vary ? { vary: s.vary } : {}) });
  return {
    proc,
    run(spec) {
      const done = next();
      send({ op: "run", ...wire(spec), total: spec.total, concurrency: spec.concurrency });
      return done;
    },
    stream(spec) {
      const done = next();
      send({ op: "stream", ...wire(spec), total: 0, concurrency: 1, intervalMs: spec.intervalMs });
      return {
        stop() {
          send({ op: "stop" });
          return done;
        },
      };
    },
    close() {
      proc.disconnect();
    },
  };
}

/** Requests made so far with a varied body, in this client process. */
let varied = 0;

/** `body` as is, or a function giving a copy with the placeholder `vary` replaced by the next number. */
function bodies(body: Buffer, vary: string | undefined): Buffer | (() => Buffer) {
  const at = vary ? body.indexOf(vary) : -1;
  if (!vary || at < 0) return body;
  return () => {
    const b = Buffer.from(body);
    b.write(String(varied++).padStart(vary.length, "0").slice(-vary.length), at, "latin1");
    return b;
  };
}

/** The child: serves one op at a time. */
function serveChild(): void {
  let stopped = false;
  process.on("message", (m: ToChild) => {
    if (m.op === "stop") {
      stopped = true;
      return;
    }
    const body = Buffer.from(m.body, "base64");
    resetClient();
    const work =
      m.op === "run"
        ? load(m.url, bodies(body, m.vary), m.total, m.concurrency, m.headers ? { headers: m.headers } : {})
        : (async () => {
            stopped = false;
            const times: number[] = [];
            while (!stopped) {
              const t = await post(m.url, body, m.headers);
              times.push(t);
              const wait = (m.intervalMs ?? 0) - t;
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            }
            return times;
          })();
    work.then(
      (times) => process.send!({ times } satisfies FromChild),
      (e: unknown) => process.send!({ error: e instanceof Error ? e.message : String(e) } satisfies FromChild),
    );
  });
  process.on("disconnect", () => process.exit(0));
}

if (process.argv.includes(FLAG)) serveChild();
