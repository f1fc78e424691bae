import type { Store } from "@headroom/core";
import { imageAnswerText, storedImage } from "./image-answer.js";
import { formatRetrieveResult, retrieve, type RetrieveResult } from "./retrieve.js";
import { RETRIEVE_TOOL_NAME, type Dialect } from "./tool.js";

/** One `headroom_retrieve` call found in a model response. */
export interface RetrieveCall {
  /** The call id (`tool_calls[].id`, `tool_use.id`, or the Responses `call_id`). */
  id: string;
  hash: string;
  query?: string;
}

/** The answer to one call. */
export interface RetrieveCallResult extends RetrieveCall {
  /** Undefined when the call's arguments were unusable. */
  result?: RetrieveResult;
  /** The text sent back to the model as the tool result. */
  text: string;
  /** True for invalid arguments or a miss (Anthropic's `is_error`). */
  isError: boolean;
}

/** What `handleRetrieveCalls` returns. */
export interface HandledRetrieveCalls {
  dialect: Dialect;
  /** The `headroom_retrieve` calls in the response, in order. */
  calls: RetrieveCall[];
  /**
   * True when the response asks for tools and every one of them is `headroom_retrieve`: the app can send
   * `followUp` right away. When false and `calls` is not empty, the app runs its own tools and adds
   * their results beside ours (Anthropic: in the same user message) before continuing.
   */
  onlyRetrieve: boolean;
  results: RetrieveCallResult[];
  /**
   * To append to the conversation, in the response's dialect: the assistant turn as the model sent it,
   * then the tool results (Chat: `tool` messages; Anthropic: one `user` message of `tool_result`
   * blocks; Responses: the response's output items, then `function_call_output` items — when chaining
   * with `previous_response_id`, send only the outputs). Empty when there is no retrieve call.
   */
  followUp: unknown[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Dialect of a non-streaming response body. */
export function detectResponseDialect(response: unknown): Dialect {
  if (!isObj(response)) throw new TypeError("response must be an object");
  if (Array.isArray(response.choices)) return "openai-chat";
  if (Array.isArray(response.output) || response.object === "response") return "openai-responses";
  if (Array.isArray(response.content)) return "anthropic";
  throw new TypeError("cannot tell the dialect of this response (no choices, output or content)");
}

interface RawCall {
  id: string;
  name: string;
  /** Parsed arguments, or undefined when they were not a JSON object. */
  args: Obj | undefined;
}

function parseArgs(raw: unknown): Obj | undefined {
  if (isObj(raw)) return raw;
  if (typeof raw !== "string") return undefined;
  try {
    const v = JSON.parse(raw || "{}") as unknown;
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function toolCalls(response: Obj, dialect: Dialect): RawCall[] {
  const out: RawCall[] = [];
  if (dialect === "openai-chat") {
    const msg = (response.choices as unknown[]).map((c) => (isObj(c) && isObj(c.message) ? c.message : undefined))[0];
    for (const tc of Array.isArray(msg?.tool_calls) ? msg.tool_calls : []) {
      if (!isObj(tc) || !isObj(tc.function)) continue;
      out.push({ id: String(tc.id ?? ""), name: String(tc.function.name ?? ""), args: parseArgs(tc.function.arguments) });
    }
  } else if (dialect === "anthropic") {
    for (const b of response.content as unknown[]) {
      if (!isObj(b) || b.type !== "tool_use") continue;
      out.push({ id: String(b.id ?? ""), name: String(b.name ?? ""), args: parseArgs(b.input) });
    }
  } else {
    for (const it of Array.isArray(response.output) ? response.output : []) {
      if (!isObj(it) || it.type !== "function_call") continue;
      out.push({ id: String(it.call_id ?? ""), name: String(it.name ?? ""), args: parseArgs(it.arguments) });
    }
  }
  return out;
}

const INVALID = `headroom_retrieve: invalid arguments; expected {"hash": "<24 hex characters from the marker>", "query": "<optional keywords>"}.`;

/**
 * Answers the `headroom_retrieve` calls of a non-streaming model response (OpenAI Chat, Anthropic
 * Messages or OpenAI Responses; detected when `dialect` is omitted) from `store`, and builds the
 * messages to append so an app with its own tool loop can continue the conversation.
 */
export async function handleRetrieveCalls(response: unknown, store: Store, dialect?: Dialect): Promise<HandledRetrieveCalls> {
  const d = dialect ?? detectResponseDialect(response);
  const res = response as Obj;
  const all = toolCalls(res, d);
  const ours = all.filter((c) => c.name === RETRIEVE_TOOL_NAME);
  const calls: RetrieveCall[] = [];
  const results: RetrieveCallResult[] = [];
  for (const c of ours) {
    const hash = typeof c.args?.hash === "string" ? c.args.hash : undefined;
    const query = typeof c.args?.query === "string" && c.args.query.trim() ? c.args.query : undefined;
    const call: RetrieveCall = { id: c.id, hash: hash ?? "", ...(query ? { query } : {}) };
    calls.push(call);
    if (!hash) {
      results.push({ ...call, text: INVALID, isError: true });
      continue;
    }
    const result = await retrieve(store, hash, query ? { query } : {});
    results.push({ ...call, result, text: formatRetrieveResult(result), isError: !result.found });
  }
  const onlyRetrieve = ours.length > 0 && ours.length === all.length;
  return { dialect: d, calls, onlyRetrieve, results, followUp: results.length ? followUp(res, d, results) : [] };
}

function followUp(response: Obj, d: Dialect, results: RetrieveCallResult[]): unknown[] {
  if (d === "openai-chat") {
    const msg = (response.choices as Obj[])[0]!.message as Obj;
    // Only the fields a request accepts: a response message also carries `refusal`, `annotations`…
    const assistant: Obj = { role: "assistant", content: msg.content ?? null, tool_calls: msg.tool_calls };
    return [assistant, ...results.map((r) => ({ role: "tool", tool_call_id: r.id, content: r.text }))];
  }
  if (d === "anthropic") {
    // The content goes back exactly as received: thinking blocks must keep their signatures.
    return [
      { role: "assistant", content: response.content },
      {
        role: "user",
        content: results.map((r) => ({ type: "tool_result", tool_use_id: r.id, content: anthropicContent(r), ...(r.isError ? { is_error: true } : {}) })),
      },
    ];
  }
  const output = Array.isArray(response.output) ? response.output : [];
  return [...output, ...results.map((r) => ({ type: "function_call_output", call_id: r.id, output: r.text }))];
}

/** Anthropic tool results may hold images: a stored image goes back as an image block after one line. */
function anthropicContent(r: RetrieveCallResult): string | unknown[] {
  const img = r.result?.found ? storedImage(r.result.content) : undefined;
  if (!img) return r.text;
  return [{ type: "text", text: imageAnswerText(r.result!.hash, img, true) }, { type: "image", source: { type: "base64", media_type: img.mediaType, data: img.data } }];
}
