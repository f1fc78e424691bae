/** The routes the proxy serves itself; everything else is passed through. */
export type RouteId = "chat.completions" | "responses" | "messages" | "count_tokens" | "compress" | "retrieve" | "health" | "stats";

/** A matched route, with the canonical path to forward and the retrieve hash when there is one. */
export interface RouteMatch {
  id: RouteId;
  /** The path as the provider spells it (`/v1/chat/completions`), whatever variant the client sent. */
  path: string;
  hash?: string;
}

const POST: Record<string, RouteId> = {
  "/v1/chat/completions": "chat.completions",
  "/v1/responses": "responses",
  "/v1/messages": "messages",
  "/v1/messages/count_tokens": "count_tokens",
  "/v1/compress": "compress",
};
const GET: Record<string, RouteId> = { "/health": "health", "/stats": "stats" };

/**
 * The one route table of the proxy app and of the `headroom()` middleware. Matching ignores case and
 * trailing slashes (`/V1/chat/completions/` is the chat route, not a passthrough that skips
 * compression); `/v1/retrieve/` without a hash is the retrieve route too, so it gets a 400 of ours.
 */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const p = pathname.replace(/\/+$/, "").toLowerCase() || "/";
  if (method === "POST" && POST[p]) return { id: POST[p]!, path: p };
  if (method === "GET" || method === "HEAD") {
    if (GET[p]) return { id: GET[p]!, path: p };
    const r = /^\/v1\/retrieve(?:\/([^/]*))?$/i.exec(pathname.replace(/\/+$/, ""));
    if (r) return { id: "retrieve", path: "/v1/retrieve", hash: decodeURIComponent(r[1] ?? "") };
  }
  return undefined;
}
