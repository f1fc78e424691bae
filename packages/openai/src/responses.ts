import { apiLike, handleRetrieveCalls, injectRetrieveTool, RETRIEVE_TOOL_NAME, type ApiLike, type WithResponse } from "@headroom/ccr";
import type OpenAI from "openai";
import { Stream } from "openai/streaming";
import { sumUsage } from "./chat.js";
import { compressMessages, reportRetrievals, type Resolved } from "./options.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
type Params = OpenAI.Responses.ResponseCreateParams;
type Event = OpenAI.Responses.ResponseStreamEvent;
type Resp = OpenAI.Responses.Response;
type Real = (body: Params, options?: OpenAI.RequestOptions) => { withResponse(): Promise<WithResponse<unknown>> };

const isOurs = (it: unknown): boolean => isObj(it) && it.type === "function_call" && it.name === RETRIEVE_TOOL_NAME;

/** `responses.create` with compression and the in-process retrieval loop, streaming or not. */
export function responsesCreate(r: Resolved, real: Real, body: Params, options?: OpenAI.RequestOptions): ApiLike<Resp | Stream<Event>> {
  return apiLike<Resp | Stream<Event>>(
    (async (): Promise<WithResponse<Resp | Stream<Event>>> => {
      let req = body;
      if (Array.isArray(body.input)) {
        const input = await compressMessages(r, body.input, "openai-responses", typeof body.model === "string" ? body.model : undefined);
        req = injectRetrieveTool(input === body.input ? body : { ...body, input }, "openai-responses");
      }
      return req.stream ? streamResponses(r, real, req, options) : completeResponses(r, real, req, options);
    })(),
  );
}

/** The request continued with the model's output and our answers (a string input becomes a user message). */
function continued(req: Params, followUp: unknown[]): Params {
  const input = typeof req.input === "string" ? [{ role: "user", content: req.input }] : (req.input ?? []);
  return { ...req, input: [...(input as unknown[]), ...followUp] as Params["input"] };
}

async function completeResponses(r: Resolved, real: Real, req: Params, options?: OpenAI.RequestOptions): Promise<WithResponse<Resp>> {
  let got = (await real(req, options).withResponse()) as WithResponse<Resp>;
  const usages: unknown[] = [];
  for (let round = 0; ; round++) {
    const handled = await handleRetrieveCalls(got.data, r.store, "openai-responses");
    if (!handled.calls.length) break;
    if (!handled.onlyRetrieve || round >= r.maxRounds) {
      got.data.output = got.data.output.filter((it) => !isOurs(it));
      break;
    }
    reportRetrievals(r, handled.results);
    usages.push(got.data.usage);
    req = continued(req, handled.followUp);
    got = (await real(req, options).withResponse()) as WithResponse<Resp>;
  }
  if (usages.length && got.data.usage) got.data.usage = sumUsage([...usages, got.data.usage]) as Resp["usage"];
  return got;
}

const FINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);
const OPENING = new Set(["response.created", "response.in_progress", "response.queued"]);

/**
 * Streamed rounds spliced into one event stream: our function-call items are hidden, later rounds'
 * opening events are dropped, `output_index` and `sequence_number` run on across rounds, and the final
 * event is held until the round's end says whether the stream goes on.
 */
class ResponsesSplice {
  private seq = 0;
  private visibleItems = 0;
  private index = new Map<number, number | null>();
  private held: Obj[] = [];
  private items: unknown[] = [];
  private ours = 0;
  private others = 0;
  private usages: unknown[] = [];

  startRound(): void {
    this.index = new Map();
    this.held = [];
    this.items = [];
    this.ours = 0;
    this.others = 0;
  }

  push(ev: Obj, round: number): Obj[] {
    const type = String(ev.type);
    if (round > 0 && OPENING.has(type)) return [];
    if (FINAL.has(type)) {
      this.held.push(ev);
      return [];
    }
    if (typeof ev.output_index === "number") {
      if (type === "response.output_item.added") {
        const hide = isOurs(ev.item);
        if (hide) this.ours++;
        else if (isObj(ev.item) && ev.item.type === "function_call") this.others++;
        this.index.set(ev.output_index, hide ? null : this.visibleItems++);
      }
      if (type === "response.output_item.done") this.items.push(ev.item);
      const to = this.index.get(ev.output_index);
      if (to === null) return [];
      if (to !== undefined) ev = { ...ev, output_index: to };
    }
    return [this.number(ev)];
  }

  private number(ev: Obj): Obj {
    return typeof ev.sequence_number === "number" ? { ...ev, sequence_number: this.seq++ } : ev;
  }

  get onlyRetrieve(): boolean {
    return this.ours > 0 && this.others === 0;
  }

  /** The round as a non-streaming response, for ccr's `handleRetrieveCalls`. */
  asResponse(): Obj {
    return { object: "response", output: this.items };
  }

  /** Ends a round that goes on: its final event is dropped, its usage kept for the sum. */
  carry(): void {
    const fin = this.held.find((e) => isObj(e.response));
    if (fin && isObj(fin.response) && fin.response.usage) this.usages.push(fin.response.usage);
  }

  /** The held final events, with our items removed from the response they carry and usage summed. */
  release(): Obj[] {
    return this.held.map((ev) => {
      if (!isObj(ev.response)) return this.number(ev);
      const resp: Obj = { ...ev.response };
      if (Array.isArray(resp.output)) resp.output = resp.output.filter((it) => !isOurs(it));
      if (resp.usage && this.usages.length) resp.usage = sumUsage([...this.usages, resp.usage]);
      return this.number({ ...ev, response: resp });
    });
  }
}

async function streamResponses(r: Resolved, real: Real, req: Params, options?: OpenAI.RequestOptions): Promise<WithResponse<Stream<Event>>> {
  const first = (await real(req, options).withResponse()) as WithResponse<Stream<Event>>;
  const controller = first.data.controller;
  async function* iterate(): AsyncGenerator<Event> {
    const splice = new ResponsesSplice();
    let stream = first.data;
    let body = req;
    for (let round = 0; ; round++) {
      splice.startRound();
      for await (const ev of stream) yield* splice.push(ev as unknown as Obj, round) as unknown as Event[];
      if (!splice.onlyRetrieve || round >= r.maxRounds) {
        yield* splice.release() as unknown as Event[];
        return;
      }
      splice.carry();
      const handled = await handleRetrieveCalls(splice.asResponse(), r.store, "openai-responses");
      reportRetrievals(r, handled.results);
      body = continued(body, handled.followUp);
      const next = (await real(body, { ...options, signal: controller.signal }).withResponse()) as WithResponse<Stream<Event>>;
      stream = next.data;
    }
  }
  return { ...first, data: new Stream<Event>(iterate, controller) };
}
