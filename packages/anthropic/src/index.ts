/**
 * @headroom/anthropic — Headroom in-process for the official `@anthropic-ai/sdk`: `withHeadroom(client)`
 * returns the same client whose `messages.create` and `messages.stream` compress the request, offer
 * `headroom_retrieve` when a marker was emitted, answer the model's retrieve calls from the store and
 * call again, and hand back one ordinary message or stream without our tool calls.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { create, stream, type Real } from "./messages.js";
import { resolveOptions, type HeadroomOptions } from "./options.js";

export type { HeadroomOptions, HeadroomError } from "./options.js";

/** A view of `target` whose listed keys are replaced; everything else is the target's own (methods bound to it). */
function override<T extends object>(target: T, replaced: Record<string, unknown>): T {
  return new Proxy(target, {
    get(t, p) {
      if (typeof p === "string" && Object.hasOwn(replaced, p)) return replaced[p];
      const v = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/**
 * Wraps an Anthropic client. The client itself is not modified; the returned one has the same type.
 * Other methods (`messages.countTokens`, `messages.batches`, `beta.*`…) are the original ones.
 *
 * @param client - an `Anthropic` instance.
 * @param options - the pipeline's options (`store`, `compressors`, `hooks`, `model`…), or a ready
 *   `pipeline`, plus `maxRounds`, `onCompress`, `onRetrieve`, `onError`.
 */
export function withHeadroom<C extends Anthropic>(client: C, options: HeadroomOptions = {}): C {
  if (!client || typeof client !== "object" || !client.messages || typeof client.messages.create !== "function")
    throw new TypeError("withHeadroom: expected an Anthropic client (new Anthropic(...))");
  const r = resolveOptions(options);
  const messages = client.messages;
  const real: Real = (b, o) => messages.create(b as never, o) as never;
  const wrapped = override(messages, {
    create: (body: Anthropic.MessageCreateParams, o?: Anthropic.RequestOptions) => create(r, real, body, o),
    stream: (body: Anthropic.MessageStreamParams, o?: Anthropic.RequestOptions) => stream(r, real, body, o),
  });
  return override(client, { messages: wrapped });
}
