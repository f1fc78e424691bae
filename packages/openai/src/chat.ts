import { apiLike, handleRetrieveCalls, injectRetrieveTool, RETRIEVE_TOOL_NAME, type ApiLike, type WithResponse } from "@headroom/ccr";
import type OpenAI from "openai";
import { Stream } from "openai/streaming";
import { compressMessages, reportRetrievals, type Resolved } from "./options.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type Completion = OpenAI.Chat.Completions.ChatCompletion;
type Params = OpenAI.Chat.Completions.ChatCompletionCreateParams;
type Real = (body: Params, options?: OpenAI.RequestOptions) => { withResponse(): Promise<WithResponse<unknown>> };

/** Compresses the request's messages and adds `headroom_retrieve` when a marker is in them. */
export async function prepareChat(r: Resolved, body: Params): Promise<Params> {
  if (!isObj(body) || !Array.isArray(body.messages)) return body;
  const messages = await compressMessages(r, body.messages, "openai-chat", body.model);
  return injectRetrieveTool(messages === body.messages ? body : { ...body, messages }, "openai-chat");
}

/** `chat.completions.create` with compression and the in-process retrieval loop, streaming or not. */
export function chatCreate(r: Resolved, real: Real, body: Params, options?: OpenAI.RequestOptions): ApiLike<Completion | Stream<Chunk>> {
  return apiLike<Completion | Stream<Chunk>>(
    (async (): Promise<WithResponse<Completion | Stream<Chunk>>> => {
      const req = await prepareChat(r, body);
      return req.stream ? streamChat(r, real, req, options) : completeChat(r, real, req, options);
    })(),
  );
}

async function completeChat(r: Resolved, real: Real, req: Params, options?: OpenAI.RequestOptions): Promise<WithResponse<Completion>> {
  let got = (await real(req, options).withResponse()) as WithResponse<Completion>;
  const usages: unknown[] = [];
  for (let round = 0; ; round++) {
    const handled = await handleRetrieveCalls(got.data, r.store, "openai-chat");
    if (!handled.calls.length) break;
    if (!handled.onlyRetrieve || round >= r.maxRounds) {
      hideOurCalls(got.data);
      break;
    }
    reportRetrievals(r, handled.results);
    usages.push(got.data.usage);
    req = { ...req, messages: [...req.messages, ...(handled.followUp as Params["messages"])] };
    got = (await real(req, options).withResponse()) as WithResponse<Completion>;
  }
  if (usages.length && got.data.usage) got.data.usage = sumUsage([...usages, got.data.usage]) as Completion["usage"];
  return got;
}

/** Removes our tool calls from a final answer that also asks for the app's tools (or ran out of rounds). */
function hideOurCalls(c: Completion): void {
  for (const choice of c.choices) {
    const calls = choice.message.tool_calls;
    if (!calls) continue;
    const kept = calls.filter((t) => !(t.type === "function" && t.function.name === RETRIEVE_TOOL_NAME));
    if (kept.length === calls.length) continue;
    if (kept.length) choice.message.tool_calls = kept;
    else {
      delete choice.message.tool_calls;
      if (choice.finish_reason === "tool_calls") choice.finish_reason = "stop";
    }
  }
}

/** Adds up the numeric fields of usage objects (nested ones too), so the caller pays what every round cost. */
export function sumUsage(list: unknown[]): unknown {
  const out: Obj = {};
  for (const u of list) {
    if (!isObj(u)) continue;
    for (const [k, v] of Object.entries(u)) {
      if (typeof v === "number") out[k] = (typeof out[k] === "number" ? (out[k] as number) : 0) + v;
      else if (isObj(v)) out[k] = sumUsage([out[k], v]);
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

/**
 * One streamed round: passes chunks through as they come, minus our tool-call deltas (the app's tool
 * calls are renumbered from 0), and holds the finish and usage chunks until the round's end says
 * whether the stream goes on.
 */
class ChatRound {
  private names = new Map<number, string>();
  private visible = new Map<number, number>();
  private ours = new Map<number, { id: string; args: string }>();
  private held: Chunk[] = [];
  private text = "";
  others = 0;

  push(chunk: Chunk): Chunk[] {
    if (!chunk.choices.length || chunk.choices.some((c) => c.finish_reason)) {
      this.held.push(this.filter(chunk));
      return [];
    }
    const out = this.filter(chunk);
    return out.choices.length ? [out] : [];
  }

  private filter(chunk: Chunk): Chunk {
    const choices = chunk.choices.flatMap((c) => {
      if (c.index !== 0 || !c.delta?.tool_calls) {
        if (c.index === 0 && typeof c.delta?.content === "string") this.text += c.delta.content;
        return [c];
      }
      if (typeof c.delta.content === "string") this.text += c.delta.content;
      const kept = c.delta.tool_calls.flatMap((tc) => {
        if (tc.function?.name) this.names.set(tc.index, tc.function.name);
        if (this.names.get(tc.index) === RETRIEVE_TOOL_NAME) {
          const o = this.ours.get(tc.index) ?? { id: "", args: "" };
          o.id ||= tc.id ?? "";
          o.args += tc.function?.arguments ?? "";
          this.ours.set(tc.index, o);
          return [];
        }
        if (!this.visible.has(tc.index)) this.visible.set(tc.index, this.others++);
        return [{ ...tc, index: this.visible.get(tc.index)! }];
      });
      const delta = { ...c.delta, tool_calls: kept };
      if (!kept.length) delete (delta as Obj).tool_calls;
      const empty = Object.values(delta).every((v) => v == null);
      return empty && !c.finish_reason ? [] : [{ ...c, delta }];
    });
    return { ...chunk, choices };
  }

  /** Usage reported by the round (with `stream_options.include_usage`). */
  get usage(): unknown {
    return this.held.find((c) => c.usage)?.usage;
  }

  /** True when the round asked for our tool and nothing else. */
  get onlyRetrieve(): boolean {
    return this.ours.size > 0 && this.others === 0;
  }

  /** The held chunks, released: a finish asking for tools of which none is left visible becomes `stop`. */
  release(earlierUsage: unknown[]): Chunk[] {
    return this.held.map((ch) => ({
      ...ch,
      ...(ch.usage && earlierUsage.length ? { usage: sumUsage([...earlierUsage, ch.usage]) as Chunk["usage"] } : {}),
      choices: ch.choices.map((c) => (c.finish_reason === "tool_calls" && this.ours.size && !this.others ? { ...c, finish_reason: "stop" as const } : c)),
    }));
  }

  /** The round as a non-streaming response, for ccr's `handleRetrieveCalls`. */
  asCompletion(): Obj {
    const calls = [...this.ours.values()].map((o) => ({ id: o.id, type: "function", function: { name: RETRIEVE_TOOL_NAME, arguments: o.args } }));
    return { choices: [{ index: 0, message: { role: "assistant", content: this.text || null, tool_calls: calls } }] };
  }
}

async function streamChat(r: Resolved, real: Real, req: Params, options?: OpenAI.RequestOptions): Promise<WithResponse<Stream<Chunk>>> {
  const first = (await real(req, options).withResponse()) as WithResponse<Stream<Chunk>>;
  const controller = first.data.controller;
  async function* iterate(): AsyncGenerator<Chunk> {
    let stream = first.data;
    let body = req;
    const usages: unknown[] = [];
    for (let round = 0; ; round++) {
      const cur = new ChatRound();
      for await (const chunk of stream) yield* cur.push(chunk);
      if (!cur.onlyRetrieve || round >= r.maxRounds) {
        yield* cur.release(usages);
        return;
      }
      if (cur.usage) usages.push(cur.usage);
      const handled = await handleRetrieveCalls(cur.asCompletion(), r.store, "openai-chat");
      reportRetrievals(r, handled.results);
      body = { ...body, messages: [...body.messages, ...(handled.followUp as Params["messages"])] };
      // The continuation is cancelled with the stream the caller holds.
      const next = (await real(body, { ...options, signal: controller.signal }).withResponse()) as WithResponse<Stream<Chunk>>;
      stream = next.data;
    }
  }
  return { ...first, data: new Stream<Chunk>(iterate, controller) };
}
