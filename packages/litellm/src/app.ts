import { Hono, type Context } from "hono";
import type { CompressResult, Pipeline, Store, UnitCache } from "@headroom/core";
import { retrieve } from "@headroom/ccr";
import { guardrailAuth } from "./auth.js";
import { compressReplyBody } from "./reply.js";

/** The pipeline and store the routes use (loaded lazily by the host app). */
export interface GuardrailDeps {
  pipeline: Pipeline;
  store: Store;
  /** Remembers units across calls (LiteLLM sends the whole conversation on every request). */
  cache?: UnitCache;
}

/** Options of {@link createLiteLLMApp}. */
export interface LiteLLMAppOptions {
  /** Loads (once) the pipeline and store; the proxy passes its own, so both share one store. */
  deps: () => Promise<GuardrailDeps>;
  /** Check callers here (default true). The proxy mounts the app with `false`: its own auth runs first. */
  auth?: boolean;
  /** Key LiteLLM sends (`api_key` in its guardrail config). Without one only loopback callers are served. */
  token?: string;
  /** Interface the server binds (decides when the peer address is unknown). Default `127.0.0.1`. */
  host?: string;
  /** Larger bodies get a 413. Default 50 MiB. */
  maxBodyBytes?: number;
  /** Compression past this returns the messages unchanged (fail open). Default 5000. */
  compressionTimeoutMs?: number;
  /** Default for units too small to compress (LiteLLM may send `min_tokens`). Default the pipeline's (200). */
  minTokens?: number;
  /**
   * Which routes to serve: `contract` (POST /v1/compress, GET /v1/retrieve/:hash) and `guardrail`
   * (POST /beta/litellm_basic_guardrail_api). Default both. The proxy mounts only `guardrail`: it serves
   * the contract routes itself.
   */
  routes?: ReadonlyArray<"contract" | "guardrail">;
  /** Counters: every compress call's outcome. */
  onResult?: (event: { route: "compress" | "guardrail"; model: string; result?: Omit<CompressResult, "messages">; bypass?: boolean; error?: string }) => void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const decoder = new TextDecoder();
const DEFAULT_MAX_BODY = 50 * 1024 * 1024;

function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`compression exceeded its ${ms} ms budget`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const invalid = (c: Context, message: string, status: 400 | 413 = 400) => c.json({ error: { type: status === 413 ? "request_too_large" : "invalid_request_error", message: `headroom: ${message}` } }, status);

/** Reads a JSON body within the size limit; a string is an error message. */
async function readJson(c: Context, limit: number): Promise<unknown | { tooLarge: true } | { bad: string }> {
  const declared = Number(c.req.header("content-length") ?? NaN);
  if (declared > limit) return { tooLarge: true };
  const buf = new Uint8Array(await c.req.raw.arrayBuffer());
  if (buf.length > limit) return { tooLarge: true };
  try {
    return JSON.parse(decoder.decode(buf)) as unknown;
  } catch {
    return { bad: "body must be JSON" };
  }
}

/**
 * The LiteLLM guardrail contract as a Hono app: `POST /v1/compress` and `GET /v1/retrieve/:hash` (what
 * LiteLLM's built-in `guardrail: headroom` calls) and `POST /beta/litellm_basic_guardrail_api` (its generic
 * guardrail API). Compression fails open: on an internal error or timeout the messages come back unchanged
 * with `errors`, so LiteLLM forwards the request as it was. Mount it in any Hono app or serve it alone.
 */
export function createLiteLLMApp(options: LiteLLMAppOptions): Hono {
  const app = new Hono();
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const budgetMs = options.compressionTimeoutMs ?? 5_000;
  if (options.auth !== false) app.use("*", guardrailAuth(options.token, options.host ?? "127.0.0.1"));

  /** Runs the pipeline on a message list with LiteLLM's per-request knobs; throws on failure/timeout. */
  async function run(messages: unknown[], model: string, body: Obj, bypass: boolean) {
    const { pipeline, store, cache } = await options.deps();
    const seconds = typeof body.timeout === "number" && body.timeout > 0 ? body.timeout * 1000 : Infinity;
    const minTokens = typeof body.min_tokens === "number" && body.min_tokens >= 0 ? body.min_tokens : options.minTokens;
    const r = pipeline.compress(messages, {
      model,
      store,
      ...(cache ? { cache } : {}),
      ...(typeof body.token_budget === "number" ? { tokenBudget: body.token_budget } : {}),
      ...(minTokens !== undefined ? { minTokens } : {}),
      // Without retrieval (LiteLLM's `ccr_retrieval: false`) the model could not follow a marker: lossless only.
      ...(body.ccr_retrieval === false ? { lossless: true } : {}),
      // Bypass: nothing is a candidate, so the input returns as it came, with its token count.
      ...(bypass ? { roles: [] } : {}),
    });
    return raceTimeout(r, Math.min(budgetMs, seconds));
  }

  const serve = new Set(options.routes ?? ["contract", "guardrail"]);
  if (serve.has("contract")) app.post("/v1/compress", async (c) => {
    const body = await readJson(c, limit);
    if (isObj(body) && body.tooLarge === true) return invalid(c, `request body is larger than ${limit} bytes`, 413);
    if (isObj(body) && typeof body.bad === "string") return invalid(c, "body must be JSON: {messages, model?}");
    if (!isObj(body) || !Array.isArray(body.messages) || body.messages.length === 0) return invalid(c, "`messages` must be a non-empty array");
    const messages = body.messages as unknown[];
    const model = typeof body.model === "string" && body.model ? body.model : "gpt-4o";
    const bypass = (c.req.header("x-headroom-bypass") ?? "").trim().toLowerCase() === "true";
    try {
      const r = await run(messages, model, body, bypass);
      const { messages: _out, ...rest } = r;
      options.onResult?.({ route: "compress", model, result: rest, bypass });
      const res = c.json(compressReplyBody(r));
      res.headers.set("x-headroom-tokens-before", String(r.tokensBefore));
      res.headers.set("x-headroom-tokens-after", String(r.tokensAfter));
      res.headers.set("x-headroom-tokens-saved", String(r.tokensSaved));
      return res;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      options.onResult?.({ route: "compress", model, error });
      return c.json({ messages, tokens_before: 0, tokens_after: 0, tokens_saved: 0, compression_ratio: 0, transforms_applied: [], ccr_hashes: [], errors: [error] });
    }
  });

  if (serve.has("contract")) app.get("/v1/retrieve/:hash", async (c) => {
    const { store } = await options.deps();
    const query = c.req.query("query");
    const r = await retrieve(store, c.req.param("hash"), query ? { query } : {});
    if (!r.found) return c.json({ hash: r.hash, error: r.message, status: r.status }, 404);
    const { found: _found, content, hash, ...rest } = r;
    return c.json({ hash, original_content: content, ...rest });
  });

  if (serve.has("guardrail")) app.post("/beta/litellm_basic_guardrail_api", async (c) => {
    const body = await readJson(c, limit);
    if (isObj(body) && body.tooLarge === true) return invalid(c, `request body is larger than ${limit} bytes`, 413);
    if (!isObj(body) || typeof body.bad === "string") return invalid(c, "body must be JSON: {texts, input_type, …}");
    // Responses are the model's own words: nothing to compress.
    if (body.input_type !== "request") return c.json({ action: "NONE" });
    const model = typeof body.model === "string" && body.model ? body.model : "gpt-4o";
    const bypass = (c.req.header("x-headroom-bypass") ?? "").trim().toLowerCase() === "true";
    if (bypass) return c.json({ action: "NONE" });
    try {
      return c.json(await guardrail(body, model));
    } catch (e) {
      options.onResult?.({ route: "guardrail", model, error: e instanceof Error ? e.message : String(e) });
      return c.json({ action: "NONE" }); // fail open
    }
  });

  /**
   * Generic guardrail: with `structured_messages` (role-aware, one row back per row received) the
   * conversation is compressed like `/v1/compress`; with only `texts`, each text is compressed as one
   * tool output and the list comes back with the same length and order.
   */
  async function guardrail(body: Obj, model: string): Promise<Obj> {
    const rows = body.structured_messages;
    if (Array.isArray(rows) && rows.length && rows.every(isObj)) {
      const r = await run(rows, model, body, false);
      const { messages, ...rest } = r;
      options.onResult?.({ route: "guardrail", model, result: rest });
      return r.tokensAfter < r.tokensBefore ? { action: "GUARDRAIL_INTERVENED", structured_messages: messages } : { action: "NONE" };
    }
    const texts = Array.isArray(body.texts) ? body.texts : [];
    if (!texts.length || !texts.every((t) => typeof t === "string")) return { action: "NONE" };
    const { pipeline, store } = await options.deps();
    let changed = false;
    const out: string[] = [];
    for (const t of texts as string[]) {
      const r = await raceTimeout(pipeline.compressText(t, { model, store, ...(options.minTokens !== undefined ? { minTokens: options.minTokens } : {}) }), budgetMs);
      const { text, ...rest } = r;
      options.onResult?.({ route: "guardrail", model, result: { ...rest, format: "openai-chat" } });
      if (text !== t) changed = true;
      out.push(text);
    }
    return changed ? { action: "GUARDRAIL_INTERVENED", texts: out } : { action: "NONE" };
  }

  return app;
}
