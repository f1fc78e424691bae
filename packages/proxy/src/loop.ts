import { RETRIEVE_TOOL_NAME, type Store } from "@headroom/core";
import { isObj, tryParse, type Dialect, type Obj } from "./dialects/types.js";
import { answerRetrieveCalls, retrieveLimitText, type RetrieveCall } from "./retrieval.js";
import { parseEvent, SseSplitter } from "./sse.js";
import { describeNetworkError } from "./upstream.js";

/** What the retrieve loop needs from the app. */
export interface LoopContext {
  dialect: Dialect;
  store: Store;
  maxRounds: number;
  /** Sends a continuation body upstream (same URL and credentials as the original request). */
  send(body: Obj): Promise<Response>;
  /** Called once per answered round, for stats. */
  onRound?(calls: RetrieveCall[]): void;
}

/** The final upstream reply of a non-streamed exchange: status, headers and body text to return. */
export interface LoopReply {
  status: number;
  headers: Headers;
  body: string;
}

/** Text answers to the calls: from the store, or — past the last round — the limit message. */
async function answers(calls: RetrieveCall[], ctx: LoopContext, overLimit: boolean): Promise<string[]> {
  if (overLimit) return calls.map(() => retrieveLimitText(ctx.maxRounds));
  return (await answerRetrieveCalls(calls, ctx.store)).map((r) => r.text);
}

/**
 * The continuation after the limit: its calls were answered with the limit message, and tools are
 * switched off so that the model answers in text and never hands a `headroom_retrieve` call to a
 * client that did not declare it.
 */
function withoutTools(format: string, body: Obj): Obj {
  return { ...body, tool_choice: format === "anthropic" ? { type: "none" } : "none" };
}

/**
 * Non-streaming retrieve loop: while the model asks for `headroom_retrieve` and nothing else, answer from
 * the store and call upstream again (at most `maxRounds` times); return one combined response. A single
 * round returns the upstream bytes untouched; an upstream error during a continuation is returned as is.
 * A retrieve call past `maxRounds` gets the limit message and one last continuation without tools.
 */
export async function nonStreamingLoop(first: Response, sent: Obj | (() => Obj), ctx: LoopContext): Promise<LoopReply> {
  let resp = first;
  let text = await resp.text();
  // No retrieve call can be in a reply that never names the tool: pass it on without parsing it.
  if (!text.includes(RETRIEVE_TOOL_NAME)) return { status: resp.status, headers: resp.headers, body: text };
  let body: Obj | undefined;
  const current = () => (body ??= typeof sent === "function" ? sent() : sent);
  const rounds: Obj[] = [];
  for (let round = 0; ; round++) {
    const json = tryParse(text);
    if (!isObj(json)) return { status: resp.status, headers: resp.headers, body: text };
    rounds.push(json);
    const calls = round <= ctx.maxRounds ? ctx.dialect.retrieveOnly(json) : undefined;
    if (!calls) {
      if (rounds.length === 1) return { status: resp.status, headers: resp.headers, body: text };
      return { status: resp.status, headers: resp.headers, body: JSON.stringify(ctx.dialect.combine(rounds)) };
    }
    const overLimit = round === ctx.maxRounds;
    const texts = await answers(calls, ctx, overLimit);
    ctx.onRound?.(calls);
    body = ctx.dialect.continueBody(current(), json, calls, texts);
    if (overLimit) body = withoutTools(ctx.dialect.format, body);
    resp = await ctx.send(body);
    text = await resp.text();
    if (!resp.ok) return { status: resp.status, headers: resp.headers, body: text };
  }
}

/**
 * Streaming retrieve loop. Events pass through as they arrive (byte-exact for the first upstream call)
 * until a retrieve call starts; those events are held. When the round ends with retrieve calls only, they
 * are answered and the continuation's events are spliced into the same client stream. Otherwise held
 * events are released unchanged. An upstream reset is passed on as a broken stream; a client cancel
 * cancels the upstream read (and through `abort`, the upstream request).
 */
export function streamingLoop(first: Response, sent: Obj | (() => Obj), ctx: LoopContext, abort: () => void): ReadableStream<Uint8Array> {
  // The sent body is needed (and parsed) only for a continuation.
  let body: Obj | undefined;
  const current = () => (body ??= typeof sent === "function" ? sent() : sent);
  const session = ctx.dialect.streamSession();
  session.startRound();
  let reader = first.body!.getReader();
  let splitter = new SseSplitter();
  let round = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          controller.error(e);
          return;
        }
        if (!r.done) {
          let sent = false;
          for (const ev of splitter.push(r.value))
            for (const bytes of session.onEvent(ev)) {
              controller.enqueue(bytes);
              sent = true;
            }
          if (sent) return;
          continue;
        }
        const rest = splitter.rest();
        if (rest.length) for (const bytes of session.onEvent(parseEvent(rest))) controller.enqueue(bytes);
        const outcome = session.finish();
        if (outcome.kind === "done" || round > ctx.maxRounds) {
          for (const bytes of outcome.flush) controller.enqueue(bytes);
          controller.close();
          return;
        }
        const overLimit = round === ctx.maxRounds;
        round++;
        let next: Response;
        try {
          const texts = await answers(outcome.calls, ctx, overLimit);
          ctx.onRound?.(outcome.calls);
          body = outcome.continueBody(current(), texts);
          if (overLimit) body = withoutTools(ctx.dialect.format, body);
          next = await ctx.send(body);
        } catch (e) {
          controller.enqueue(session.errorEvent(`headroom: retrieval continuation failed: ${describeNetworkError(e)}`));
          controller.close();
          return;
        }
        if (!next.ok || !next.body || !isEventStream(next)) {
          const detail = (await next.text().catch(() => "")).slice(0, 1000);
          controller.enqueue(session.errorEvent(`headroom: upstream answered ${next.status} to the retrieval continuation: ${detail}`));
          controller.close();
          return;
        }
        reader = next.body.getReader();
        splitter = new SseSplitter();
        session.startRound();
      }
    },
    cancel(reason) {
      reader.cancel(reason).catch(() => {});
      abort();
    },
  });
}

export function isEventStream(r: Response): boolean {
  return (r.headers.get("content-type") ?? "").toLowerCase().includes("text/event-stream");
}
