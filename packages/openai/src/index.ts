/**
 * @headroom/openai — Headroom in-process for the official `openai` SDK: `withHeadroom(client)` returns the
 * same client whose `chat.completions.create` and `responses.create` compress the request, offer
 * `headroom_retrieve` when a marker was emitted, answer the model's retrieve calls from the store and
 * call again, and hand back an ordinary response or stream without our tool calls.
 */
import type OpenAI from "openai";
import { chatCreate } from "./chat.js";
import { resolveOptions, type HeadroomOptions } from "./options.js";
import { responsesCreate } from "./responses.js";

export type { HeadroomOptions, HeadroomError } from "./options.js";

type Obj = Record<string | symbol, unknown>;

/** A view of `target` whose `key` is `value`; everything else is the target's own (methods bound to it). */
function override<T extends object>(target: T, key: string, value: unknown): T {
  return new Proxy(target, {
    get(t, p) {
      if (p === key) return value;
      const v = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/**
 * Wraps an OpenAI client (also `AzureOpenAI`, or any client with the same resources). The client itself
 * is not modified; the returned one has the same type. Other methods (`chat.completions.stream`,
 * `responses.stream`, files, embeddings…) are the original ones, without compression.
 *
 * @param client - an `OpenAI` instance.
 * @param options - the pipeline's options (`store`, `compressors`, `hooks`, `model`…), or a ready
 *   `pipeline`, plus `maxRounds`, `onCompress`, `onRetrieve`, `onError`.
 */
export function withHeadroom<C extends OpenAI>(client: C, options: HeadroomOptions = {}): C {
  if (!client || typeof client !== "object" || !(client as Obj).chat)
    throw new TypeError("withHeadroom: expected an OpenAI client (new OpenAI(...))");
  const r = resolveOptions(options);
  const completions = client.chat.completions;
  const chatFn = (body: never, opts?: OpenAI.RequestOptions) =>
    chatCreate(r, (b, o) => completions.create(b as never, o) as never, body, opts);
  const chat = override(client.chat, "completions", override(completions, "create", chatFn));
  let out = override(client, "chat", chat);
  const responses = (client as Obj).responses as OpenAI["responses"] | undefined;
  if (responses) {
    const respFn = (body: never, opts?: OpenAI.RequestOptions) =>
      responsesCreate(r, (b, o) => responses.create(b as never, o) as never, body, opts);
    const viewed = out;
    out = new Proxy(client, {
      get(_t, p) {
        if (p === "responses") return override(responses, "create", respFn);
        return Reflect.get(viewed, p);
      },
    });
  }
  return out;
}
