import { isLoopbackHost, sameToken } from "@headroom/core";
import type { MiddlewareHandler } from "hono";

// Loopback and token checks are @headroom/core's (the MCP server uses the same); re-exported as before.
export { isLoopbackHost, sameToken };

/** The key a LiteLLM guardrail sends: `Authorization: Bearer <key>` (headroom) or `x-api-key` (generic API). */
export function presentedKey(h: Headers): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(h.get("authorization")?.trim() ?? "")?.[1]?.trim();
  return bearer ?? h.get("x-api-key")?.trim() ?? undefined;
}

/**
 * LiteLLM usually runs on another machine, so: with a token configured every caller must present it;
 * without one only loopback callers are served. The peer address comes from the Node socket
 * (`@hono/node-server`); without one (in-process `app.request`, edge runtimes) `bindHost` decides.
 */
export function guardrailAuth(token: string | undefined, bindHost: string): MiddlewareHandler {
  return async (c, next) => {
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    const peer = env?.incoming?.socket?.remoteAddress;
    const local = peer !== undefined ? isLoopbackHost(peer) : isLoopbackHost(bindHost);
    if (token !== undefined) {
      const key = presentedKey(c.req.raw.headers);
      if (key === undefined || !sameToken(key, token))
        return c.json({ error: { type: "authentication_error", message: "headroom: missing or wrong key (send Authorization: Bearer <key>; set api_key in the LiteLLM guardrail)" } }, 401);
    } else if (!local) {
      return c.json({ error: { type: "authentication_error", message: "headroom: remote callers need a token; start the server with --token and set api_key in the LiteLLM guardrail" } }, 401);
    }
    await next();
  };
}
