import { serve, type ServerType } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import type { Pipeline, Store } from "@headroom/core";
import { openStore } from "@headroom/ccr/node";
import { warmUp } from "@headroom/router";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { createProxyApp, lazy, type ProxyApp } from "./app.js";
import { nodeFetch } from "./node-fetch.js";
import { DEFAULT_UNIT_CACHE_MB, unitCacheMBOf, type ProxyOptions } from "./options.js";
import { WorkerPool } from "./worker-pool.js";

/** A running proxy. */
export interface RunningProxy {
  /**
   * Base URL clients can use, e.g. `http://127.0.0.1:8787`. For a wildcard bind (`0.0.0.0`, `::`) it
   * names the loopback address, because `http://0.0.0.0:PORT` is not an address a client can reach.
   */
  url: string;
  /** The address bound (`0.0.0.0` for a wildcard bind). */
  host: string;
  port: number;
  app: ProxyApp;
  /** Stops accepting connections, ends idle keep-alive sockets, waits for in-flight ones, closes the store. */
  close(): Promise<void>;
}

/** Default niceness of compression workers: see `ProxyOptions.workerNice`. */
export const DEFAULT_WORKER_NICE = 5;

/** Default start-up warm-up budget (ms): see `ProxyOptions.warmUpMs`. */
export const DEFAULT_WARM_UP_MS = 1500;

/** A module-built pipeline can go to workers; objects (a pipeline, compressors, hooks) cannot. */
function poolSize(o: ProxyOptions): number {
  const canCross = o.pipelineModule !== undefined || (!o.pipeline && !o.compressors && !o.hooks);
  if (!canCross) return 0;
  return Math.max(0, Math.floor(o.workers ?? availableParallelism()));
}

/**
 * The proxy app with Node's defaults: the SQLite store (`@headroom/ccr/node`, at `storePath` or the
 * default path; in memory with a warning when SQLite is unavailable), upstream calls on Node's HTTP
 * client, every installed compressor, compression in worker threads (see `workers`).
 */
export function createNodeProxyApp(options: ProxyOptions = {}): ProxyApp {
  const env = options.env ?? process.env;
  let owned: (Store & { close?: () => void }) | undefined;
  // Opened once and shared: the workers' originals go to the same store the proxy serves retrievals from.
  const store = lazy<Store>(options.store ?? (() => (owned = openStore(options.storePath ?? (env.HEADROOM_STORE || undefined)))));
  const pluginsFrom = options.pluginsFrom ?? process.cwd();
  // Node's default (the edge app's is smaller), for the workers and for an in-process pipeline alike.
  const unitCacheMB = unitCacheMBOf(options, env, DEFAULT_UNIT_CACHE_MB);
  const size = poolSize(options);
  const warmUpMs = Math.max(0, options.warmUpMs ?? DEFAULT_WARM_UP_MS);
  let engine: WorkerPool | undefined;
  if (size > 0) {
    const mod = options.pipelineModule;
    engine = new WorkerPool({
      size,
      init: {
        url: mod ? String(mod.url) : new URL(import.meta.url.endsWith(".ts") ? "../dist/default-pipeline.js" : "./default-pipeline.js", import.meta.url).href,
        exportName: mod?.exportName ?? "createPipeline",
        options: mod ? mod.options : { pluginsFrom },
        ...(options.minTokens !== undefined ? { minTokens: options.minTokens } : {}),
        ...(options.excludeTools ? { excludeTools: options.excludeTools } : {}),
        warmUpMs,
        nice: options.workerNice ?? DEFAULT_WORKER_NICE,
        unitCacheMB,
      },
      store,
      ...(options.log ? { onProblem: options.log } : { onProblem: (m: string) => process.stderr.write(`headroom proxy: ${m}\n`) }),
    });
  }
  // In-process, the warm-up would hold the event loop: it runs inside `ready()`, before the server listens.
  const pipeline: Pipeline | (() => Pipeline | Promise<Pipeline>) =
    options.pipeline ??
    (async () => {
      const p = await defaultWithExtras(options, pluginsFrom);
      if (warmUpMs) await warmUp(p, { budgetMs: warmUpMs });
      return p;
    });
  const app = createProxyApp({ ...options, unitCacheMB, env, store, fetch: options.fetch ?? nodeFetch, ...(engine ? { engine } : { pipeline }) });
  const close = app.close;
  return Object.assign(app, {
    async close() {
      await close();
      if (owned && typeof owned.close === "function") owned.close();
    },
  });
}

/** The default router plus the caller's extra compressors and hooks (in-process). */
function defaultWithExtras(o: ProxyOptions, pluginsFrom: string | string[]): Promise<Pipeline> {
  return createDefaultRouter({
    from: pluginsFrom,
    tokenizer: tiktokenTokenizer,
    ...(o.compressors ? { compressors: o.compressors } : {}),
    ...(o.hooks ? { hooks: o.hooks } : {}),
  });
}

/**
 * Starts the proxy on Node (default 127.0.0.1:8787). Refuses a non-loopback host without a token.
 * Resolves once listening; the pipeline (or the workers' pipelines) and the store are loaded before
 * that, so the first request is fast.
 */
export async function startProxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const app = createNodeProxyApp(options);
  try {
    await app.ready();
  } catch (e) {
    await app.close();
    throw e;
  }
  const { host, port } = app.config;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once("error", (e) => void app.close().finally(() => reject(e)));
  });
  const addr = server.address() as AddressInfo;
  const wildcard = addr.address === "0.0.0.0" || addr.address === "::";
  const reachable = wildcard ? (addr.family === "IPv6" ? "::1" : "127.0.0.1") : addr.address;
  const shownHost = reachable.includes(":") ? `[${reachable}]` : reachable;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    app,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const s = server as Server;
        s.close(() => resolve());
        s.closeIdleConnections?.();
        // Streams still open after 5 s (a client that never reads) are cut so shutdown always ends.
        const t = setTimeout(() => s.closeAllConnections?.(), 5_000);
        t.unref();
      }).then(() => app.close())),
  };
}
