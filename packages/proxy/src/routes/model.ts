import { isObj, tryParse, type Dialect, type Obj } from "../dialects/types.js";
import { anthropic } from "../dialects/anthropic.js";
import { openaiChat } from "../dialects/openai-chat.js";
import { openaiResponses } from "../dialects/openai-responses.js";
import { hasCandidate, injectOnly, type CompressOutcome, type RouteName } from "../compress-step.js";
import { clientResponseHeaders, setTokenHeaders, upstreamRequestHeaders } from "../headers.js";
import { spliceJson } from "../json-splice.js";
import { isEventStream, nonStreamingLoop, streamingLoop, type LoopContext } from "../loop.js";
import { callUpstream } from "../upstream.js";
import { decoder, isBypass, linkAbort, NULL_BODY, readBody, upstreamFailure, upstreamUrl, watchStream, type Ctx, type ProxyContext } from "./shared.js";

const DIALECTS: Record<RouteName, Dialect> = { "chat.completions": openaiChat, responses: openaiResponses, messages: anthropic };
const TOKEN_HEADERS = ["x-headroom-tokens-before", "x-headroom-tokens-after", "x-headroom-tokens-saved", "x-headroom-compression"];

/**
 * Bodies from this size go to an off-thread engine unparsed: the worker parses them anyway, and a
 * 50 kB JSON.parse plus the unit scan on the request's thread is time every other request waits for.
 */
export const OFF_THREAD_PARSE_BYTES = 16 * 1024;

/** Compression of one request: skipped for bypass and for bodies with nothing to compress. */
async function compressStep(c: Ctx, px: ProxyContext, route: RouteName, input: { raw: Uint8Array; text: () => string; parsed: unknown; deferred: boolean }): Promise<CompressOutcome | undefined> {
  if (isBypass(c)) {
    px.stats.bypassed++;
    return undefined;
  }
  const { raw, parsed } = input;
  let outcome: CompressOutcome;
  // A deferred body is decoded on this thread only if its compression fails open (the worker decodes its own copy).
  if (input.deferred) outcome = await px.engine.request(route, { raw, get text() { return input.text(); } }, px.cfg.compressionTimeoutMs);
  else if (!isObj(parsed)) return undefined; // not JSON: the upstream gives the client its own 400
  // Decided here, on the request's thread, so small requests never wait for a busy worker.
  else
    outcome = hasCandidate(route, parsed, px.cfg.minTokens)
      ? await px.engine.request(route, { raw, text: input.text(), body: parsed }, px.cfg.compressionTimeoutMs)
      : injectOnly(route, input.text(), parsed, { skipped: "no tool output large enough to compress" });
  if (outcome.error) {
    px.stats.failOpen++;
    px.stats.error("compress", outcome.error);
  }
  return outcome;
}

/** The three model routes: compress, forward, answer retrieve calls, stream back. */
export async function modelRoute(c: Ctx, px: ProxyContext, route: RouteName, path: string): Promise<Response> {
  const t0 = performance.now();
  px.stats.requests++;
  const raw = await readBody(c, px);
  if (raw instanceof Response) return raw;
  let decoded: string | undefined;
  const text = () => (decoded ??= decoder.decode(raw));
  const deferred = px.engine.offThread === true && raw.byteLength >= OFF_THREAD_PARSE_BYTES && !isBypass(c);
  const parsed = deferred ? undefined : tryParse(text());
  const outcome = await compressStep(c, px, route, { raw, text, parsed, deferred });
  const model = outcome?.model ?? (isObj(parsed) && typeof parsed.model === "string" ? parsed.model : undefined);
  px.stats.record(route, model, outcome?.result);

  const base = route === "messages" ? px.cfg.anthropicBaseUrl : px.cfg.openaiBaseUrl;
  const ac = linkAbort(c.req.raw.signal);
  const headers = upstreamRequestHeaders(c.req.raw.headers, c.get("proxyTokenInAuthorization"));
  const send = (body: Uint8Array | string) =>
    callUpstream({ url: upstreamUrl(base, c, path), method: "POST", headers, body, signal: ac.signal, timeoutMs: px.cfg.upstreamTimeoutMs, fetch: px.fetch });
  const payload = (outcome?.changed && (outcome.bytes ?? outcome.text)) || raw;
  let up: Response;
  try {
    up = await send(payload);
  } catch (e) {
    return upstreamFailure(c, px, e, base);
  }
  px.stats.upstreamStatus(up.status);
  const resHeaders = clientResponseHeaders(up.headers);
  const r = outcome?.result;
  if (r) setTokenHeaders(resHeaders, r.tokensBefore, r.tokensAfter);
  else resHeaders.set("x-headroom-tokens-saved", "0");
  resHeaders.set("x-headroom-compression", !outcome ? (isBypass(c) ? "bypass" : "skipped") : outcome.error ? "failed-open" : r ? "applied" : "skipped");
  const cached = r ? r.units.filter((u) => u.cached).length : 0;
  const what = r ? `${r.tokensBefore}->${r.tokensAfter} tokens${cached ? ` (${cached} cached)` : ""}` : isBypass(c) ? "bypass" : "no compression";
  px.log?.(`${c.req.method} ${c.req.path} ${up.status} ${model ?? "-"} ${what} ${(performance.now() - t0).toFixed(1)}ms`);
  const context = `${model ?? "-"}`;

  if (outcome?.injected && (outcome.text !== undefined || outcome.bytes) && up.ok && up.body) {
    // What was sent, decoded and parsed only when the model does call the retrieve tool.
    let sentText = outcome.text;
    let sentBody: Obj | undefined;
    const bytes = outcome.bytes;
    const sentAsText = () => (sentText ??= decoder.decode(bytes));
    const sent = () => (sentBody ??= JSON.parse(sentAsText()) as Obj);
    const store = await px.store();
    const loopCtx: LoopContext = {
      dialect: DIALECTS[route],
      store,
      maxRounds: px.cfg.maxRetrieveRounds,
      // Continuations keep the request's own bytes: only the appended turns are new text.
      send: (b) => send(spliceJson(sentAsText(), sent(), b)),
      onRound: (calls) => {
        px.stats.retrieveRounds++;
        px.stats.retrieveCalls += calls.length;
      },
    };
    if (isEventStream(up)) {
      resHeaders.delete("content-length");
      const stream = streamingLoop(up, sent, loopCtx, () => ac.abort());
      return new Response(watchStream(c, px, stream, context), { status: up.status, headers: resHeaders });
    }
    if ((up.headers.get("content-type") ?? "").includes("json")) {
      const reply = await nonStreamingLoop(up, sent, loopCtx).catch((e: unknown) => e as Error);
      if (reply instanceof Error) return upstreamFailure(c, px, reply, base);
      const h = clientResponseHeaders(reply.headers);
      h.delete("content-length");
      for (const k of TOKEN_HEADERS) {
        const v = resHeaders.get(k);
        if (v !== null) h.set(k, v);
      }
      return new Response(reply.body, { status: reply.status, headers: h });
    }
  }
  const body = NULL_BODY.has(up.status) || !up.body ? null : watchStream(c, px, up.body, context);
  return new Response(body, { status: up.status, headers: resHeaders });
}
