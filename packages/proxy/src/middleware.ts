import type { MiddlewareHandler } from "hono";
import { dispatch, proxyContext, type ProxyReady } from "./app.js";
import { authMiddleware, type AuthVariables } from "./auth.js";
import type { ProxyAppOptions } from "./options.js";
import { matchRoute } from "./routes/match.js";
import type { Ctx } from "./routes/shared.js";
import type { ProxyStats } from "./stats.js";

/** The middleware, with the proxy's counters and lifecycle. */
export type HeadroomMiddleware = MiddlewareHandler<{ Variables: AuthVariables }> & {
  readonly stats: ProxyStats;
  ready(): Promise<ProxyReady>;
  close(): Promise<void>;
};

/**
 * Headroom as a Hono middleware for your own app: the proxy's routes (`/v1/chat/completions`,
 * `/v1/responses`, `/v1/messages`, `/v1/compress`, `/v1/retrieve/:hash`, `/health`, `/stats`) are
 * served, every other request goes on to your handlers (`next()`), nothing is passed through.
 *
 * ```ts
 * const app = new Hono();
 * app.use("*", headroom({ pipeline: await createRouter({ compressors }), store: new MemoryStore() }));
 * app.get("/", (c) => c.text("mine"));
 * ```
 */
export function headroom(options: ProxyAppOptions): HeadroomMiddleware {
  const px = proxyContext(options);
  const auth = authMiddleware(px.cfg.host, px.cfg.token);
  const mw: MiddlewareHandler<{ Variables: AuthVariables }> = async (c, next) => {
    const m = matchRoute(c.req.method, c.req.path);
    if (!m) return next();
    let res: Response | undefined;
    // The access rules run only for our routes; the app's own routes keep theirs.
    const denied = await auth(c, async () => {
      res = await dispatch(c as Ctx, px, m);
    });
    return denied ?? res;
  };
  return Object.assign(mw, { stats: px.stats, ready: px.ready, close: px.close });
}
