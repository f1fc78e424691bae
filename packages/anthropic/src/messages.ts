import type Anthropic from "@anthropic-ai/sdk";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { Stream } from "@anthropic-ai/sdk/streaming";
import { apiLike, handleRetrieveCalls, injectRetrieveTool, RETRIEVE_TOOL_NAME, type ApiLike, type WithResponse } from "@headroom/ccr";
import { compressMessages, reportRetrievals, type Resolved } from "./options.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
type Params = Anthropic.MessageCreateParams;
type Message = Anthropic.Message;
type Event = Anthropic.RawMessageStreamEvent;
type Options = Anthropic.RequestOptions;
export type Real = (body: Params, options?: Options) => { withResponse(): Promise<WithResponse<unknown>> };

const isOurs = (b: unknown): boolean => isObj(b) && b.type === "tool_use" && b.name === RETRIEVE_TOOL_NAME;

/**
 * Compresses the messages (tool results and, if configured, text blocks; thinking blocks, signatures,
 * `cache_control` and every other field pass through untouched) and offers `headroom_retrieve` when a
 * marker is in them.
 */
export async function prepare(r: Resolved, body: Params): Promise<Params> {
  if (!isObj(body) || !Array.isArray(body.messages)) return body;
  const messages = await compressMessages(r, body.messages, "anthropic", body.model);
  return injectRetrieveTool(messages === body.messages ? body : { ...body, messages }, "anthropic");
}

/** `messages.create` with compression and the in-process retrieval loop, streaming or not. */
export function create(r: Resolved, real: Real, body: Params, options?: Options): ApiLike<Message | Stream<Event>> {
  return apiLike<Message | Stream<Event>>(
    (async (): Promise<WithResponse<Message | Stream<Event>>> => {
      const req = await prepare(r, body);
      return req.stream ? streamRounds(r, real, req, options) : complete(r, real, req, options);
    })(),
  );
}

/** `messages.stream`: the SDK's own `MessageStream` (events, `finalMessage()`…) over our spliced stream. */
export function stream(r: Resolved, real: Real, body: Anthropic.MessageStreamParams, options?: Options): MessageStream {
  const messages = { create: (p: Params, o?: Options) => create(r, real, p, o) };
  return MessageStream.createMessage(messages as never, body as never, options);
}

async function complete(r: Resolved, real: Real, req: Params, options?: Options): Promise<WithResponse<Message>> {
  let got = (await real(req, options).withResponse()) as WithResponse<Message>;
  const rounds: Message[] = [];
  for (let round = 0; ; round++) {
    const handled = await handleRetrieveCalls(got.data, r.store, "anthropic");
    if (!handled.calls.length) break;
    if (!handled.onlyRetrieve || round >= r.maxRounds) break;
    reportRetrievals(r, handled.results);
    rounds.push(got.data);
    req = { ...req, messages: [...req.messages, ...(handled.followUp as Params["messages"])] };
    got = (await real(req, options).withResponse()) as WithResponse<Message>;
  }
  return { ...got, data: combine([...rounds, got.data]) };
}

/** One message for the caller: every round's content without our tool calls, usage summed. */
function combine(rounds: Message[]): Message {
  const last = rounds[rounds.length - 1]!;
  const content = rounds.flatMap((m) => m.content.filter((b) => !isOurs(b)));
  const out: Message = { ...last, id: rounds[0]!.id, content };
  if (rounds.length > 1) out.usage = sumUsage(rounds.map((m) => m.usage)) as Message["usage"];
  if (out.stop_reason === "tool_use" && !content.some((b) => b.type === "tool_use")) out.stop_reason = "end_turn";
  return out;
}

/** Adds up the numeric fields of usage objects (nested ones too). */
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
 * The caller's view of streamed rounds: one message. Our `tool_use` blocks are hidden, the other blocks
 * keep their order with indexes running on across rounds, later rounds' `message_start` is dropped, and
 * `message_delta` / `message_stop` are held until the round's end says whether the stream goes on. The
 * blocks are rebuilt from the deltas (text, thinking with its signature, tool input) for the
 * continuation's assistant turn, which must carry them exactly.
 */
class Splice {
  private visible = 0;
  private usages: unknown[] = [];
  private blocks = new Map<number, { block: Obj; json: string; to: number | null }>();
  private held: Obj[] = [];
  private others = 0;
  private ours = 0;

  startRound(): void {
    this.blocks = new Map();
    this.held = [];
    this.others = 0;
    this.ours = 0;
  }

  push(ev: Obj, round: number): Obj[] {
    switch (ev.type) {
      case "message_start":
        return round === 0 ? [ev] : [];
      case "message_delta":
      case "message_stop":
        this.held.push(ev);
        return [];
      case "content_block_start": {
        const block = isObj(ev.content_block) ? { ...ev.content_block } : {};
        const ours = isOurs(block);
        if (ours) this.ours++;
        else if (block.type === "tool_use") this.others++;
        this.blocks.set(Number(ev.index), { block, json: "", to: ours ? null : this.visible++ });
        break;
      }
      case "content_block_delta":
        this.apply(Number(ev.index), ev.delta);
        break;
    }
    if (typeof ev.index !== "number") return [ev];
    const to = this.blocks.get(ev.index)?.to;
    if (to === null) return [];
    return [to === undefined ? ev : { ...ev, index: to }];
  }

  private apply(index: number, delta: unknown): void {
    const b = this.blocks.get(index);
    if (!b || !isObj(delta)) return;
    const s = (k: string) => (typeof b.block[k] === "string" ? (b.block[k] as string) : "");
    if (delta.type === "text_delta") b.block.text = s("text") + String(delta.text ?? "");
    else if (delta.type === "thinking_delta") b.block.thinking = s("thinking") + String(delta.thinking ?? "");
    else if (delta.type === "signature_delta") b.block.signature = s("signature") + String(delta.signature ?? "");
    else if (delta.type === "input_json_delta") b.json += String(delta.partial_json ?? "");
  }

  get onlyRetrieve(): boolean {
    return this.ours > 0 && this.others === 0;
  }

  /** The round as a non-streaming message, for ccr's `handleRetrieveCalls`. */
  asMessage(): Obj {
    const content = [...this.blocks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, b]) => {
        if (b.block.type !== "tool_use" && b.block.type !== "server_tool_use") return b.block;
        let input: unknown = {};
        try {
          input = b.json ? JSON.parse(b.json) : (b.block.input ?? {});
        } catch {
          input = {};
        }
        return { ...b.block, input };
      });
    return { role: "assistant", content };
  }

  /** Ends a round that goes on: its usage is kept for the final `message_delta`. */
  carry(): void {
    for (const ev of this.held) if (ev.type === "message_delta" && ev.usage) this.usages.push(ev.usage);
  }

  release(): Obj[] {
    return this.held.map((ev) => {
      if (ev.type !== "message_delta") return ev;
      const out: Obj = { ...ev };
      if (this.usages.length && ev.usage) out.usage = sumUsage([...this.usages, ev.usage]);
      const d = isObj(ev.delta) ? ev.delta : {};
      if (d.stop_reason === "tool_use" && this.ours && !this.others) out.delta = { ...d, stop_reason: "end_turn" };
      return out;
    });
  }
}

async function streamRounds(r: Resolved, real: Real, req: Params, options?: Options): Promise<WithResponse<Stream<Event>>> {
  const first = (await real(req, options).withResponse()) as WithResponse<Stream<Event>>;
  const controller = first.data.controller;
  async function* iterate(): AsyncGenerator<Event> {
    const splice = new Splice();
    let events = first.data;
    let body = req;
    for (let round = 0; ; round++) {
      splice.startRound();
      for await (const ev of events) yield* splice.push(ev as unknown as Obj, round) as unknown as Event[];
      if (!splice.onlyRetrieve || round >= r.maxRounds) {
        yield* splice.release() as unknown as Event[];
        return;
      }
      splice.carry();
      const handled = await handleRetrieveCalls(splice.asMessage(), r.store, "anthropic");
      reportRetrievals(r, handled.results);
      body = { ...body, messages: [...body.messages, ...(handled.followUp as Params["messages"])] };
      const next = (await real(body, { ...options, signal: controller.signal }).withResponse()) as WithResponse<Stream<Event>>;
      events = next.data;
    }
  }
  return { ...first, data: new Stream<Event>(iterate, controller) };
}
