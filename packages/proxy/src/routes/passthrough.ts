import { clientResponseHeaders, upstreamRequestHeaders } from "../headers.js";
import { callUpstream } from "../upstream.js";
import { linkAbort, NULL_BODY, readBody, upstreamFailure, upstreamUrl, watchStream, type Ctx, type ProxyContext } from "./shared.js";

/**
 * Everything the proxy does not handle goes upstream unchanged, streamed back as it arrives. Requests
 * with Anthropic headers go to the Anthropic upstream, the rest to OpenAI's, unless `base` is given.
 */
export async function passthrough(c: Ctx, px: ProxyContext, base?: string, path?: string): Promise<Response> {
  const method = c.req.method;
  let body: Uint8Array | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const raw = await readBody(c, px);
    if (raw instanceof Response) return raw;
    body = raw;
  }
  const h = c.req.raw.headers;
  const target = base ?? (h.has("anthropic-version") || h.has("x-api-key") ? px.cfg.anthropicBaseUrl : px.cfg.openaiBaseUrl);
  const ac = linkAbort(c.req.raw.signal);
  let up: Response;
  try {
    up = await callUpstream({
      url: upstreamUrl(target, c, path),
      method,
      headers: upstreamRequestHeaders(h, c.get("proxyTokenInAuthorization")),
      body: body ?? null,
      signal: ac.signal,
      timeoutMs: px.cfg.upstreamTimeoutMs,
      fetch: px.fetch,
    });
  } catch (e) {
    return upstreamFailure(c, px, e, target);
  }
  px.stats.upstreamStatus(up.status);
  const out = NULL_BODY.has(up.status) || method === "HEAD" || !up.body ? null : watchStream(c, px, up.body, "passthrough");
  return new Response(out, { status: up.status, headers: clientResponseHeaders(up.headers) });
}
