import type { Store } from "@headroom/core";
import { answerRetrieveCalls, type RetrieveCall, type RetrieveCallResult } from "./calls.js";
import type { FollowUpFor } from "./follow-up.js";
import { imageAnswerText, storedImage } from "./image-answer.js";
import { RETRIEVE_TOOL_NAME, type Dialect } from "./tool.js";

export type { RetrieveCall, RetrieveCallResult };

/** What `handleRetrieveCalls` returns; `R` is the response's type, which types `followUp`. */
export interface HandledRetrieveCalls<R = unknown> {
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
  followUp: FollowUpFor<R>;
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
  /** The arguments as sent (JSON text or an object). */
  args: unknown;
}

function toolCalls(response: Obj, dialect: Dialect): RawCall[] {
  const out: RawCall[] = [];
  if (dialect === "openai-chat") {
    const msg = (response.choices as unknown[]).map((c) => (isObj(c) && isObj(c.message) ? c.message : undefined))[0];
    for (const tc of Array.isArray(msg?.tool_calls) ? msg.tool_calls : []) {
      if (!isObj(tc) || !isObj(tc.function)) continue;
      out.push({ id: String(tc.id ?? ""), name: String(tc.function.name ?? ""), args: tc.function.arguments });
    }
  } else if (dialect === "anthropic") {
    for (const b of response.content as unknown[]) {
      if (!isObj(b) || b.type !== "tool_use") continue;
      out.push({ id: String(b.id ?? ""), name: String(b.name ?? ""), args: b.input });
    }
  } else {
    for (const it of Array.isArray(response.output) ? response.output : []) {
      if (!isObj(it) || it.type !== "function_call") continue;
      out.push({ id: String(it.call_id ?? ""), name: String(it.name ?? ""), args: it.arguments });
    }
  }
  return out;
}

/**
 * Answers the `headroom_retrieve` calls of a non-streaming model response (OpenAI Chat, Anthropic
 * Messages or OpenAI Responses; detected when `dialect` is omitted) from `store`, and builds the
 * messages to append so an app with its own tool loop can continue the conversation.
 */
export async function handleRetrieveCalls<R = unknown>(response: R, store: Store, dialect?: Dialect): Promise<HandledRetrieveCalls<R>> {
  const d = dialect ?? detectResponseDialect(response);
  const res = response as Obj;
  const all = toolCalls(res, d);
  const ours = all.filter((c) => c.name === RETRIEVE_TOOL_NAME);
  const results = await answerRetrieveCalls(ours, store);
  const calls: RetrieveCall[] = results.map(({ id, hash, query }) => ({ id, hash, ...(query !== undefined ? { query } : {}) }));
  const onlyRetrieve = ours.length > 0 && ours.length === all.length;
  return { dialect: d, calls, onlyRetrieve, results, followUp: (results.length ? followUp(res, d, results) : []) as FollowUpFor<R> };
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
