import type { Store } from "@headroom/core";
import { formatRetrieveResult, retrieve, type RetrieveResult } from "./retrieve.js";
import { RETRIEVE_TOOL_NAME } from "./tool.js";

/** A `headroom_retrieve` call as a response carries it: the call id and its raw arguments. */
export interface RawRetrieveCall {
  /** The call id (`tool_calls[].id`, `tool_use.id`, or the Responses `call_id`). */
  id: string;
  /** The arguments as sent: a JSON string (OpenAI) or an object (Anthropic `input`). */
  args: unknown;
}

/** One `headroom_retrieve` call found in a model response, its arguments read. */
export interface RetrieveCall {
  id: string;
  /** Empty when the arguments had no usable `hash`. */
  hash: string;
  query?: string;
}

/** The answer to one call. */
export interface RetrieveCallResult extends RetrieveCall {
  /** Undefined when the call's arguments were unusable or the store failed. */
  result?: RetrieveResult;
  /** The text sent back to the model as the tool result. */
  text: string;
  /** True for invalid arguments, a miss or a store error (Anthropic's `is_error`). */
  isError: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const INVALID = `${RETRIEVE_TOOL_NAME}: invalid arguments; expected {"hash": "<24 hex characters from the marker>", "query": "<optional keywords>"}.`;

/** The call's arguments as an object, or undefined when they are not a JSON object. */
function parseArgs(raw: unknown): Obj | undefined {
  if (isObj(raw)) return raw;
  if (typeof raw !== "string") return undefined;
  try {
    const v = JSON.parse(raw || "{}") as unknown;
    return isObj(v) ? v : undefined;
  } catch {
    return undefined; // not JSON: reported to the model as invalid arguments
  }
}

/**
 * Answers `headroom_retrieve` calls from `store`, in order. Never throws: bad arguments, a miss or a
 * failing store each become a text the model can act on. The one implementation behind
 * `handleRetrieveCalls` and the proxy's retrieve loop.
 */
export async function answerRetrieveCalls(calls: readonly RawRetrieveCall[], store: Store): Promise<RetrieveCallResult[]> {
  const out: RetrieveCallResult[] = [];
  for (const c of calls) {
    const args = parseArgs(c.args);
    const hash = typeof args?.hash === "string" ? args.hash : undefined;
    const query = typeof args?.query === "string" && args.query.trim() ? args.query : undefined;
    const call: RetrieveCall = { id: c.id, hash: hash ?? "", ...(query ? { query } : {}) };
    if (!hash) {
      out.push({ ...call, text: INVALID, isError: true });
      continue;
    }
    try {
      const result = await retrieve(store, hash, query ? { query } : {});
      out.push({ ...call, result, text: formatRetrieveResult(result), isError: !result.found });
    } catch (e) {
      out.push({ ...call, text: `${RETRIEVE_TOOL_NAME}: store error: ${e instanceof Error ? e.message : String(e)}`, isError: true });
    }
  }
  return out;
}

/**
 * The answer given once a request used up its retrieve rounds: the model is told to go on without it,
 * so the call never reaches a client that did not declare the tool.
 */
export function retrieveLimitText(maxRounds: number): string {
  return `${RETRIEVE_TOOL_NAME}: the limit of ${maxRounds} retrieval round${maxRounds === 1 ? "" : "s"} for this request was reached; answer with the content you already have.`;
}
