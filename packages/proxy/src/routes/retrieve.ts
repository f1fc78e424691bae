import { retrieve } from "@headroom/ccr";
import { badRequest, type Ctx, type ProxyContext } from "./shared.js";

/** `GET /v1/retrieve/{hash}?query=`: `{hash, original_content, …}` or 404 (400 without a hash). */
export async function retrieveRoute(c: Ctx, px: ProxyContext, hash: string): Promise<Response> {
  if (!hash) return badRequest(c, "GET /v1/retrieve/{hash}: the hash is missing (24 hex characters from a marker)");
  const store = await px.store();
  const query = c.req.query("query");
  const r = await retrieve(store, hash, query ? { query } : {});
  if (!r.found) return c.json({ hash: r.hash, error: r.message, status: r.status }, 404);
  const { found: _found, content, hash: key, ...rest } = r;
  return c.json({ hash: key, original_content: content, ...rest });
}
