import { Hono, type Context } from "hono";
import type { Pipeline, Store } from "@headroom/core";
import { openStore } from "@headroom/ccr";
import { createLiteLLMApp } from "@headroom/litellm";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { authMiddleware, type AuthVariables } from "./auth.js";
import { compressBody, type CompressOutcome, type RouteName } from "./compress-step.js";
import { anthropic } from "./dialects/anthropic.js";
import { openaiChat } from "./dialects/openai-chat.js";
import { openaiResponses } from "./dialects/openai-responses.js";
import { isObj, type Dialect, type Obj } from "./dialects/types.js";
import { clientResponseHeaders, setTokenHeaders, upstreamRequestHeaders } from "./headers.js";
import { isEventStream, nonStreamingLoop, streamingLoop, type LoopContext } from "./loop.js";
import { isLoopbackHost, resolveOptions, type ProxyOptions, type ResolvedOptions } from "./options.js";
import { nodeFetch } from "./node-fetch.js";
import { ProxyStats } from "./stats.js";
import { callUpstream, describeNetworkError, UpstreamTimeoutError } from "./upstream.js";

type Env = { Variables: AuthVariables };
type Ctx = Context<Env>;

const DIALECTS: Record<RouteName, Dialect> = { "chat.completions": openaiChat, responses: openaiResponses, messages: anthropic };
const NULL_BODY = new Set([101, 204, 205, 304]);
const decoder = new TextDecoder();

/** The proxy app: a Hono app plus its counters and a `close()` for the store. */
export type ProxyApp = Hono<Env> & {
  /** The counters `/stats` shows. */
  readonly stats: ProxyStats;
  /** The options in effect (defaults and environment applied). */
  readonly config: ResolvedOptions;
  /** Loads the pipeline and opens the store now instead of on the first request. */
  ready(): Promise<{ pipeline: Pipeline; store: Store }>;
  /** Closes the store the app opened (not one passed in). */
  close(): Promise<void>;
};

class TooLarge extends Error {}

/**
 * Builds the Headroom proxy as a Hono app: OpenAI Chat Completions, Responses and Anthropic Messages
 * routes that compress the conversation and answer `headroom_retrieve` calls in place, `/v1/compress`,
 * `/v1/retrieve/:hash`, `/health`, `/stats`, and a passthrough for every other route. Serve it with
 * `startProxy` or any Hono adapter; test it with `app.request()`.
 */
export function createProxyApp(options: ProxyOptions = {}): ProxyApp {
  const cfg = resolveOptions(options);
  if (!isLoopbackHost(cfg.host) && !cfg.token)
    throw new Error(`headroom proxy: binding ${cfg.host} (not loopback) requires a token (--token or HEADROOM_PROXY_TOKEN)`);
  const stats = new ProxyStats();
  const doFetch = options.fetch ?? nodeFetch;
  const log = options.log;
  let ownedStore: (Store & { close?: () => void }) | undefined;
  let deps: Promise<{ pipeline: Pipeline; store: Store }> | undefined;

  const getDeps = () =>
    (deps ??= (async () => {
      const store = options.store ?? (ownedStore = openStore(cfg.storePath));
      const pipeline =
        options.pipeline ??
        (await createDefaultRouter({
          from: options.pluginsFrom ?? process.cwd(),
          tokenizer: tiktokenTokenizer,
          store,
          ...(options.compressors ? { compressors: options.compressors } : {}),
          ...(options.hooks ? { hooks: options.hooks } : {}),
        }));
      return { pipeline, store };
    })().catch((e) => {
      deps = undefined; // retry on the next request
      throw e;
    }));

  const app = new Hono<Env>();
  app.use("*", authMiddleware(cfg.host, cfg.token));

  app.onError((e, c) => {
    stats.error("internal", e.message);
    return c.json({ error: { type: "headroom_proxy_error", message: `headroom proxy: ${e.message}` } }, 500);
  });

  app.get("/health", (c) => c.json({ status: "ok", service: "headroom-proxy", upstreams: { openai: cfg.openaiBaseUrl, anthropic: cfg.anthropicBaseUrl } }));
  app.get("/stats", (c) => c.json(stats.toJSON()));

  app.post("/v1/chat/completions", (c) => modelRoute(c, "chat.completions"));
  app.post("/v1/responses", (c) => modelRoute(c, "responses"));
  app.post("/v1/messages", (c) => modelRoute(c, "messages"));
  app.post("/v1/messages/count_tokens", (c) => passthrough(c, cfg.anthropicBaseUrl));
  // The LiteLLM guardrail contract (/v1/compress, /v1/retrieve/:hash, generic guardrail API) lives in
  // @headroom/litellm; the proxy's auth above already ran, and it shares the proxy's pipeline and store.
  app.route(
    "/",
    createLiteLLMApp({
      deps: getDeps,
      auth: false,
      maxBodyBytes: cfg.maxBodyBytes,
      compressionTimeoutMs: cfg.compressionTimeoutMs,
      ...(options.minTokens !== undefined ? { minTokens: options.minTokens } : {}),
      onResult: (e) => {
        if (e.error) {
          stats.failOpen++;
          stats.error("compress", e.error);
          return;
        }
        stats.record(e.route, e.model, e.result);
        if (e.bypass) stats.bypassed++;
      },
    }),
  );
  app.all("*", (c) => passthrough(c));

  /** The three model routes: compress, forward, answer retrieve calls, stream back. */
  async function modelRoute(c: Ctx, route: RouteName): Promise<Response> {
    const t0 = performance.now();
    stats.requests++;
    const raw = await readLimited(c.req.raw, cfg.maxBodyBytes).catch((e) => e as Error);
    if (raw instanceof TooLarge) return tooLarge(c);
    if (raw instanceof Error) throw raw;
    const bypass = (c.req.header("x-headroom-bypass") ?? "").trim().toLowerCase() === "true";
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(raw));
    } catch {
      parsed = undefined; // not JSON: the upstream gives the client its own 400
    }
    let outcome: CompressOutcome | undefined;
    let loaded: { pipeline: Pipeline; store: Store } | undefined;
    let payload: Uint8Array | string = raw;
    if (bypass) stats.bypassed++;
    else if (isObj(parsed)) {
      try {
        loaded = await getDeps();
        outcome = await compressBody(route, parsed, {
          ...loaded,
          timeoutMs: cfg.compressionTimeoutMs,
          ...(options.minTokens !== undefined ? { minTokens: options.minTokens } : {}),
          ...(options.excludeTools ? { excludeTools: options.excludeTools } : {}),
        });
      } catch (e) {
        outcome = { body: parsed, changed: false, injected: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (outcome.error) {
        stats.failOpen++;
        stats.error("compress", outcome.error);
      }
      if (outcome.changed) payload = JSON.stringify(outcome.body);
    }
    const model = isObj(parsed) && typeof parsed.model === "string" ? parsed.model : undefined;
    stats.record(route, model, outcome?.result);

    const base = route === "messages" ? cfg.anthropicBaseUrl : cfg.openaiBaseUrl;
    const ac = linkAbort(c.req.raw.signal);
    const headers = upstreamRequestHeaders(c.req.raw.headers, c.get("proxyTokenInAuthorization"));
    const send = (body: Uint8Array | string) =>
      callUpstream({ url: upstreamUrl(base, c), method: "POST", headers, body, signal: ac.signal, timeoutMs: cfg.upstreamTimeoutMs, fetch: doFetch });
    let up: Response;
    try {
      up = await send(payload);
    } catch (e) {
      return upstreamFailure(c, e, base);
    }
    stats.upstreamStatus(up.status);
    const resHeaders = clientResponseHeaders(up.headers);
    const r = outcome?.result;
    if (r) setTokenHeaders(resHeaders, r.tokensBefore, r.tokensAfter);
    else resHeaders.set("x-headroom-tokens-saved", "0");
    resHeaders.set("x-headroom-compression", bypass ? "bypass" : outcome?.error ? "failed-open" : r ? "applied" : "skipped");
    log?.(`${c.req.method} ${c.req.path} ${up.status} ${model ?? "-"} ${r ? `${r.tokensBefore}->${r.tokensAfter} tokens` : bypass ? "bypass" : "no compression"} ${(performance.now() - t0).toFixed(1)}ms`);

    if (outcome?.injected && loaded && up.ok && up.body) {
      const loopCtx: LoopContext = {
        dialect: DIALECTS[route],
        store: loaded.store,
        maxRounds: cfg.maxRetrieveRounds,
        send: (b) => send(JSON.stringify(b)),
        onRound: (calls) => {
          stats.retrieveRounds++;
          stats.retrieveCalls += calls.length;
        },
      };
      if (isEventStream(up)) {
        resHeaders.delete("content-length");
        return new Response(streamingLoop(up, outcome.body, loopCtx, () => ac.abort()), { status: up.status, headers: resHeaders });
      }
      if ((up.headers.get("content-type") ?? "").includes("json")) {
        const reply = await nonStreamingLoop(up, outcome.body, loopCtx).catch((e) => e as Error);
        if (reply instanceof Error) return upstreamFailure(c, reply, base);
        const h = clientResponseHeaders(reply.headers);
        h.delete("content-length");
        for (const k of ["x-headroom-tokens-before", "x-headroom-tokens-after", "x-headroom-tokens-saved", "x-headroom-compression"]) {
          const v = resHeaders.get(k);
          if (v !== null) h.set(k, v);
        }
        return new Response(reply.body, { status: reply.status, headers: h });
      }
    }
    return new Response(NULL_BODY.has(up.status) ? null : up.body, { status: up.status, headers: resHeaders });
  }

  /** Everything else goes upstream unchanged, streamed back as it arrives. */
  async function passthrough(c: Ctx, base?: string): Promise<Response> {
    const method = c.req.method;
    let body: Uint8Array | undefined;
    if (method !== "GET" && method !== "HEAD") {
      const raw = await readLimited(c.req.raw, cfg.maxBodyBytes).catch((e) => e as Error);
      if (raw instanceof TooLarge) return tooLarge(c);
      if (raw instanceof Error) throw raw;
      body = raw;
    }
    const h = c.req.raw.headers;
    const target = base ?? (h.has("anthropic-version") || h.has("x-api-key") ? cfg.anthropicBaseUrl : cfg.openaiBaseUrl);
    const ac = linkAbort(c.req.raw.signal);
    let up: Response;
    try {
      up = await callUpstream({
        url: upstreamUrl(target, c),
        method,
        headers: upstreamRequestHeaders(h, c.get("proxyTokenInAuthorization")),
        body: body ?? null,
        signal: ac.signal,
        timeoutMs: cfg.upstreamTimeoutMs,
        fetch: doFetch,
      });
    } catch (e) {
      return upstreamFailure(c, e, target);
    }
    stats.upstreamStatus(up.status);
    return new Response(NULL_BODY.has(up.status) || method === "HEAD" ? null : up.body, { status: up.status, headers: clientResponseHeaders(up.headers) });
  }

  function upstreamFailure(c: Ctx, e: unknown, base: string): Response {
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    const timeout = e instanceof UpstreamTimeoutError;
    const status = timeout ? 504 : 502;
    stats.upstreamStatus(status);
    stats.error("upstream", describeNetworkError(e));
    return c.json({ error: { type: timeout ? "upstream_timeout" : "upstream_unreachable", message: `headroom proxy: ${base}: ${describeNetworkError(e)}` } }, status);
  }

  function tooLarge(c: Ctx): Response {
    stats.error("request", "body over limit");
    return c.json(
      {
        error: {
          type: "request_too_large",
          message: `headroom proxy: request body is larger than ${cfg.maxBodyBytes} bytes; raise the limit with --max-body-bytes or HEADROOM_MAX_BODY_BYTES`,
        },
      },
      413,
    );
  }

  return Object.assign(app, {
    stats,
    config: cfg,
    ready: getDeps,
    async close() {
      if (ownedStore && typeof ownedStore.close === "function") ownedStore.close();
    },
  });
}

function upstreamUrl(base: string, c: Ctx): string {
  const u = new URL(c.req.url);
  return base + u.pathname + u.search;
}

/** An AbortController that fires when the client's request is aborted (disconnect). */
function linkAbort(signal: AbortSignal): AbortController {
  const ac = new AbortController();
  if (signal.aborted) ac.abort(signal.reason);
  else signal.addEventListener("abort", () => ac.abort(signal.reason), { once: true });
  return ac;
}

/** Reads a request body, rejecting with `TooLarge` past `limit` bytes (declared or actual). */
async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new TooLarge();
  if (!req.body) return new Uint8Array(0);
  if (Number.isFinite(declared)) {
    const buf = new Uint8Array(await req.arrayBuffer());
    if (buf.length > limit) throw new TooLarge();
    return buf;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    out.set(ch, off);
    off += ch.length;
  }
  return out;
}

export type { Obj };
