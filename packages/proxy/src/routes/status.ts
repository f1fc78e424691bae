import type { Ctx, ProxyContext } from "./shared.js";

/** `GET /health`: liveness and the upstreams in use. Never waits for compression. */
export function healthRoute(c: Ctx, px: ProxyContext): Response {
  return c.json({ status: "ok", service: "headroom-proxy", upstreams: { openai: px.cfg.openaiBaseUrl, anthropic: px.cfg.anthropicBaseUrl } });
}

/** `GET /stats`: the counters. */
export function statsRoute(c: Ctx, px: ProxyContext): Response {
  return c.json(px.stats.toJSON());
}
