import { Hono } from "hono";
import type { Pipeline, Store, UnitCache } from "@headroom/core";
import { MemoryStore } from "@headroom/ccr";
import { createLiteLLMApp } from "@headroom/litellm";
import { authMiddleware } from "./auth.js";
import { inProcessEngine, type CompressionEngine } from "./engine.js";
import { DEFAULT_EDGE_STORE_MB, isLoopbackHost, resolveOptions, unitCacheFor, type ProxyAppOptions, type ResolvedOptions } from "./options.js";
import { compressRoute } from "./routes/compress.js";
import { matchRoute, type RouteMatch } from "./routes/match.js";
import { modelRoute } from "./routes/model.js";
import { passthrough } from "./routes/passthrough.js";
import { retrieveRoute } from "./routes/retrieve.js";
import type { Ctx, Env, ProxyContext } from "./routes/shared.js";
import { healthRoute, statsRoute } from "./routes/status.js";
import { ProxyStats } from "./stats.js";

/** What `ready()` reports once the app's dependencies are loaded. */
export interface ProxyReady {
  store: Store;
  /** The pipeline, when compression runs in this thread (not with a worker pool). */
  pipeline?: Pipeline;
  /** Names of the compressors in use. */
  compressors: string[];
  /** The in-process pipeline's unit cache (unless `unitCacheMB` is 0). */
  cache?: UnitCache;
}

/** The proxy app: a Hono app plus its counters and a `close()`. */
export type ProxyApp = Hono<Env> & {
  /** The counters `/stats` shows. */
  readonly stats: ProxyStats;
  /** The options in effect (defaults and environment applied). */
  readonly config: ResolvedOptions;
  /** Loads the pipeline and opens the store now instead of on the first request. */
  ready(): Promise<ProxyReady>;
  /** Settles once the compression engine finished its start-up warm-up (at once when it has none). */
  warm(): Promise<void>;
  /** Stops the compression engine and closes what the app opened (not a store passed in). */
  close(): Promise<void>;
};

/** A value, or a function that makes it on first use (once; a failure is retried on the next call). */
export function lazy<T>(v: T | (() => T | Promise<T>)): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () =>
    (p ??= Promise.resolve()
      .then(() => (typeof v === "function" ? (v as () => T | Promise<T>)() : v))
      .catch((e: unknown) => {
        p = undefined;
        throw e;
      }));
}

/** Shared by `createProxyApp` and `headroom()`: the context every route handler gets. */
export function proxyContext(options: ProxyAppOptions): ProxyContext & { ready(): Promise<ProxyReady>; close(): Promise<void> } {
  const cfg = resolveOptions(options);
  if (!isLoopbackHost(cfg.host) && !cfg.token)
    throw new Error(`headroom proxy: binding ${cfg.host} (not loopback) requires a token (--token or HEADROOM_PROXY_TOKEN)`);
  const store = lazy<Store>(options.store ?? (() => new MemoryStore({ maxBytes: DEFAULT_EDGE_STORE_MB * 1024 * 1024 })));
  const pipeline = options.pipeline ? lazy<Pipeline>(options.pipeline) : undefined;
  const cache = options.engine ? undefined : unitCacheFor(cfg.unitCacheMB);
  const settings = { ...(options.minTokens !== undefined ? { minTokens: options.minTokens } : {}), ...(options.excludeTools ? { excludeTools: options.excludeTools } : {}), ...(cache ? { cache } : {}) };
  let engine: CompressionEngine;
  if (options.engine) engine = options.engine;
  else if (pipeline) engine = inProcessEngine(async () => ({ pipeline: await pipeline(), store: await store() }), settings);
  else throw new TypeError("createProxyApp: pass `pipeline` (a router) or `engine`; on Node, `startProxy` from @headroom/proxy/node builds the default one");
  const fetchFn: typeof fetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return {
    cfg,
    stats: new ProxyStats(),
    fetch: fetchFn,
    ...(options.log ? { log: options.log } : {}),
    store,
    engine,
    async ready() {
      const s = await store();
      const p = pipeline ? await pipeline() : undefined;
      const names = p ? p.compressors.map((c) => c.name) : ((await engine.compressorNames?.()) ?? []);
      return { store: s, ...(p ? { pipeline: p } : {}), compressors: names, ...(cache ? { cache } : {}) };
    },
    async close() {
      await engine.close?.();
    },
  };
}

/** Runs the handler of a matched route. */
export function dispatch(c: Ctx, px: ProxyContext, m: RouteMatch): Promise<Response> | Response {
  switch (m.id) {
    case "chat.completions":
    case "responses":
    case "messages":
      return modelRoute(c, px, m.id, m.path);
    case "count_tokens":
      return passthrough(c, px, px.cfg.anthropicBaseUrl, m.path);
    case "compress":
      return compressRoute(c, px);
    case "retrieve":
      return retrieveRoute(c, px, m.hash ?? "");
    case "health":
      return healthRoute(c, px);
    case "stats":
      return statsRoute(c, px);
  }
}

/**
 * Builds the Headroom proxy as a Hono app that runs on any runtime (no Node built-in is imported):
 * OpenAI Chat Completions, Responses and Anthropic Messages routes that compress the conversation and
 * answer `headroom_retrieve` calls in place, `/v1/compress`, `/v1/retrieve/:hash`, `/health`, `/stats`,
 * and a passthrough for every other route. Serve it with any Hono adapter (`export default app` on
 * Workers, Deno or Bun; `startProxy` from `@headroom/proxy/node` on Node); test it with `app.request()`.
 *
 * `pipeline` is required (a router from `@headroom/router`); `store` defaults to a `MemoryStore`;
 * `fetch` to the runtime's.
 */
export function createProxyApp(options: ProxyAppOptions): ProxyApp {
  const px = proxyContext(options);
  const app = new Hono<Env>();
  app.use("*", authMiddleware(px.cfg.host, px.cfg.token));
  app.onError((e, c) => {
    px.stats.error("internal", e.message);
    return c.json({ error: { type: "headroom_proxy_error", message: `headroom proxy: ${e.message}` } }, 500);
  });
  // LiteLLM's generic guardrail API (for LiteLLM versions without the built-in headroom guardrail) is
  // served by @headroom/litellm, sharing this proxy's pipeline, store and counters; its auth already ran.
  app.route(
    "/",
    createLiteLLMApp({
      deps: async () => {
        const r = await px.ready();
        if (!r.pipeline) throw new Error("the guardrail API needs an in-process pipeline");
        return { pipeline: r.pipeline, store: r.store, ...(r.cache ? { cache: r.cache } : {}) };
      },
      auth: false,
      routes: ["guardrail"],
      maxBodyBytes: px.cfg.maxBodyBytes,
      compressionTimeoutMs: px.cfg.compressionTimeoutMs,
      onResult: (e) => {
        if (e.error) {
          px.stats.failOpen++;
          px.stats.error("compress", e.error);
          return;
        }
        px.stats.record(e.route, e.model, e.result);
        if (e.bypass) px.stats.bypassed++;
      },
    }),
  );
  app.all("*", (c) => {
    const m = matchRoute(c.req.method, c.req.path);
    return m ? dispatch(c, px, m) : passthrough(c, px);
  });
  const warm = async () => {
    await px.engine.warm?.();
  };
  return Object.assign(app, { stats: px.stats, config: px.cfg, ready: px.ready, warm, close: px.close });
}
