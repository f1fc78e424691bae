import { hasMarker, scanMessages, type CompressOptions, type CompressResult, type MessageFormat, type Pipeline, type Store } from "@headroom/core";
import { injectRetrieveTool, RETRIEVE_TOOL_NAME } from "./retrieval.js";

type Obj = Record<string, unknown>;

/** The three model routes and where each keeps its conversation. */
export const ROUTES = {
  "chat.completions": { format: "openai-chat", key: "messages" },
  responses: { format: "openai-responses", key: "input" },
  messages: { format: "anthropic", key: "messages" },
} as const satisfies Record<string, { format: MessageFormat; key: string }>;
export type RouteName = keyof typeof ROUTES;

/** What the compression step did to a request body. */
export interface CompressOutcome {
  /** The body to send (the input object itself when nothing changed). */
  body: Obj;
  changed: boolean;
  /** The retrieve tool was added: the proxy must answer its calls. */
  injected: boolean;
  result?: CompressResult;
  /** Why the pipeline did not run, or why its output was dropped (fail open). */
  skipped?: string;
  error?: string;
}

export interface CompressStepDeps {
  pipeline: Pipeline;
  store: Store;
  timeoutMs: number;
  minTokens?: number;
  excludeTools?: string[];
}

/**
 * Compresses a parsed request body. Never throws: a failing or slow pipeline leaves the body as it was
 * (fail open) and says why. Requests with no tool output large enough to matter skip the pipeline
 * entirely, so they pay neither tokenizing nor re-serializing.
 */
export async function compressBody(route: RouteName, body: Obj, deps: CompressStepDeps): Promise<CompressOutcome> {
  const { format, key } = ROUTES[route];
  const messages = body[key];
  if (!Array.isArray(messages)) return { body, changed: false, injected: false, skipped: `no ${key} array` };
  let result: CompressResult | undefined;
  let error: string | undefined;
  let skipped: string | undefined;
  const model = typeof body.model === "string" ? body.model : "gpt-4o";
  if (!hasCandidate(messages, format, deps.minTokens ?? 200)) skipped = "no tool output large enough to compress";
  else {
    try {
      const opts: CompressOptions = { model, format, store: deps.store };
      if (deps.minTokens !== undefined) opts.minTokens = deps.minTokens;
      if (deps.excludeTools) opts.excludeTools = deps.excludeTools;
      result = await withTimeout(deps.pipeline.compress(messages, opts), deps.timeoutMs);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  let out = body;
  if (result && result.messages !== messages) out = { ...body, [key]: result.messages };
  // Markers from earlier turns count too: the model may want to retrieve them now.
  const withTool = injectRetrieveTool(out, format);
  const outcome: CompressOutcome = { body: withTool, changed: withTool !== body, injected: withTool !== out };
  if (result) outcome.result = result;
  if (skipped) outcome.skipped = skipped;
  if (error) outcome.error = error;
  return outcome;
}

/**
 * Cheap test for "could the pipeline change anything": a tool output whose UTF-8 size reaches
 * `minTokens` (a token is at least one byte, and a UTF-16 unit is at most three bytes), not already
 * compressed and not a retrieval result.
 */
function hasCandidate(messages: unknown[], format: MessageFormat, minTokens: number): boolean {
  let scan;
  try {
    scan = scanMessages(messages, format);
  } catch {
    return true; // let the pipeline report it
  }
  return scan.units.some((u) => u.role === "tool" && u.text.length * 3 >= minTokens && u.toolName !== RETRIEVE_TOOL_NAME && !hasMarker(u.text));
}

/** Compression past the budget is abandoned (its late result is ignored) and the request goes out as is. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`compression exceeded its ${ms} ms budget`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
