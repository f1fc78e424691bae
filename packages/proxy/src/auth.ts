import type { MiddlewareHandler } from "hono";
import { isLoopbackHost } from "./options.js";

/** The proxy token a request presents, and whether it came in `Authorization` (then not forwarded). */
export function presentedToken(h: Headers): { token?: string; viaAuthorization: boolean }[] {
  const out: { token?: string; viaAuthorization: boolean }[] = [];
  const x = h.get("x-headroom-proxy-token");
  if (x) out.push({ token: x.trim(), viaAuthorization: false });
  const a = h.get("authorization");
  const m = a ? /^Bearer\s+(.+)$/i.exec(a.trim()) : null;
  if (m) out.push({ token: m[1]!.trim(), viaAuthorization: true });
  return out;
}

const encoder = new TextEncoder();
const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));

/**
 * Constant-time comparison with WebCrypto (every runtime has it): hashing first makes the lengths
 * equal, and the loop looks at every byte whatever differs.
 */
export async function tokenEquals(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** Variables the auth middleware sets for the handlers. */
export interface AuthVariables {
  /** The proxy token came in `Authorization`: strip that header before forwarding. */
  proxyTokenInAuthorization: boolean;
}

/**
 * Access rules. On a non-loopback bind every route needs the token. `/v1/retrieve` and `/stats` (they
 * reveal stored content and usage) also need it when the caller is not on loopback, whatever the bind.
 * The peer address comes from the Node socket; without one (in-process `app.request`) the bind decides.
 */
export function authMiddleware(host: string, token: string | undefined): MiddlewareHandler<{ Variables: AuthVariables }> {
  const loopbackBind = isLoopbackHost(host);
  return async (c, next) => {
    let valid = false;
    let viaAuthorization = false;
    if (token !== undefined) {
      for (const p of presentedToken(c.req.raw.headers)) {
        if (p.token !== undefined && (await tokenEquals(p.token, token))) {
          valid = true;
          viaAuthorization = p.viaAuthorization;
          break;
        }
      }
    }
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    const peer = env?.incoming?.socket?.remoteAddress;
    const localPeer = peer !== undefined ? isLoopbackHost(peer) : loopbackBind;
    const path = c.req.path.toLowerCase();
    const sensitive = /^\/stats\/*$/.test(path) || path.startsWith("/v1/retrieve");
    if ((!loopbackBind || (sensitive && !localPeer)) && !valid) {
      return c.json(
        {
          error: {
            type: "authentication_error",
            message:
              token === undefined
                ? "headroom proxy: this route is only served to loopback clients"
                : "headroom proxy: missing or wrong proxy token (send `x-headroom-proxy-token: <token>` or `Authorization: Bearer <token>`)",
          },
        },
        401,
      );
    }
    c.set("proxyTokenInAuthorization", viaAuthorization);
    await next();
  };
}
