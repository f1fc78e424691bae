import { hasMarker, scanImages, scanMessages, type CompressOptions, type CompressResult, type MessageFormat, type Pipeline, type Store, type UnitCache } from "@headroom/core";
import { spliceJson } from "./json-splice.js";
import { injectRetrieveTool, RETRIEVE_TOOL_NAME } from "./retrieval.js";

type Obj = Record<string, unknown>;

/** The three model routes and where each keeps its conversation. */
export const ROUTES = {
  "chat.completions": { format: "openai-chat", key: "messages" },
  responses: { format: "openai-responses", key: "input" },
  messages: { format: "anthropic", key: "messages" },
} as const satisfies Record<string, { format: MessageFormat; key: string }>;
export type RouteName = keyof typeof ROUTES;

/** What the proxy keeps of a pipeline result (the messages themselves travel as the body text). */
export type ResultSummary = Pick<CompressResult, "tokensBefore" | "tokensAfter" | "units" | "errors" | "transformsApplied" | "ccrHashes">;

/** What the compression step did to a request body. */
export interface CompressOutcome {
  /** The body to send when `changed`: the original text with the compressed units spliced in. */
  text?: string;
  /**
   * The same body as UTF-8 bytes, when it arrived as bytes from a worker: sent upstream as they are
   * (`text` is then left out, and decoded only if a retrieve continuation needs it).
   */
  bytes?: Uint8Array;
  /** The request's `model`, when the engine parsed the body (it was not parsed on the request's thread). */
  model?: string;
  changed: boolean;
  /** The retrieve tool was added: the proxy must answer its calls. */
  injected: boolean;
  result?: ResultSummary;
  /** Why the pipeline did not run. */
  skipped?: string;
  /** Why the pipeline's output was dropped (fail open). */
  error?: string;
}

export interface CompressStepDeps {
  pipeline: Pipeline;
  store: Store;
  minTokens?: number;
  excludeTools?: string[];
  cache?: UnitCache;
}

/**
 * Cheap test for "could the pipeline change anything": a tool output whose UTF-8 size reaches
 * `minTokens` (a token is at least one byte, and a UTF-16 unit is at most three bytes), not already
 * compressed and not a retrieval result. Requests without one skip the pipeline (and the worker pool).
 */
export function hasCandidate(route: RouteName, body: Obj, minTokens = 200): boolean {
  const { format, key } = ROUTES[route];
  const messages = body[key];
  if (!Array.isArray(messages)) return false;
  let scan: ReturnType<typeof scanMessages>;
  try {
    scan = scanMessages(messages, format);
  } catch {
    return true; // let the pipeline report it
  }
  if (scan.units.some((u) => u.role === "tool" && u.text.length * 3 >= minTokens && u.toolName !== RETRIEVE_TOOL_NAME && !hasMarker(u.text))) return true;
  // A base64 image: an installed image compressor (@headroom/image) may shrink it; the pipeline decides.
  return scanImages(messages, format).length > 0;
}

/**
 * Adds the retrieve tool when the conversation carries markers (from earlier turns too: the model may
 * want to retrieve them now), splicing it into the original text. Used when the pipeline did not run or
 * failed open.
 */
export function injectOnly(route: RouteName, text: string, body: Obj, extra: Partial<CompressOutcome> = {}): CompressOutcome {
  const withTool = injectRetrieveTool(body, ROUTES[route].format);
  if (withTool === body) return { changed: false, injected: false, ...extra };
  return { text: spliceJson(text, body, withTool), changed: true, injected: true, ...extra };
}

/**
 * Compresses a parsed request body (`text` is its JSON source). Never throws: a failing pipeline leaves
 * the body as it was (fail open) and says why. Only the compressed units and the added tool are new
 * text; every other byte of the request is the client's.
 */
export async function compressRequest(route: RouteName, text: string, body: Obj | undefined, deps: CompressStepDeps): Promise<CompressOutcome> {
  if (body === undefined) {
    const parsed = parseObject(text);
    if (!parsed) return { changed: false, injected: false, skipped: "body is not a JSON object" };
    const out = await compressRequest(route, text, parsed, deps);
    return typeof parsed.model === "string" ? { ...out, model: parsed.model } : out;
  }
  const { format, key } = ROUTES[route];
  const messages = body[key];
  if (!Array.isArray(messages)) return injectOnly(route, text, body, { skipped: `no ${key} array` });
  const model = typeof body.model === "string" ? body.model : "gpt-4o";
  let result: CompressResult;
  try {
    const opts: CompressOptions = { model, format, store: deps.store };
    if (deps.minTokens !== undefined) opts.minTokens = deps.minTokens;
    if (deps.excludeTools) opts.excludeTools = deps.excludeTools;
    if (deps.cache) opts.cache = deps.cache;
    result = await deps.pipeline.compress(messages, opts);
  } catch (e) {
    return injectOnly(route, text, body, { error: e instanceof Error ? e.message : String(e) });
  }
  const out = result.messages !== messages ? { ...body, [key]: result.messages } : body;
  const withTool = injectRetrieveTool(out, format);
  const summary: ResultSummary = {
    tokensBefore: result.tokensBefore,
    tokensAfter: result.tokensAfter,
    units: result.units,
    errors: result.errors,
    transformsApplied: result.transformsApplied,
    ccrHashes: result.ccrHashes,
  };
  if (withTool === body) return { changed: false, injected: false, result: summary };
  return { text: spliceJson(text, body, withTool), changed: true, injected: withTool !== out, result: summary };
}

/** The body as a JSON object, or `undefined` (not JSON, or JSON but not an object). */
export function parseObject(text: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined; // not JSON: the upstream answers the client's 400
    throw e;
  }
}

/** Rejects after `ms`; the late result is ignored (the in-process engine cannot stop a running compressor). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`compression exceeded its ${ms} ms budget`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
