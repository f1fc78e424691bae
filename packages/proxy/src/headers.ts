/** Headers that describe one hop, never the message (RFC 9110 §7.6.1), plus ones fetch recomputes. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

/**
 * Headers for the upstream request: everything the client sent (credentials included, untouched) except
 * hop-by-hop headers and our own `x-headroom-*` controls. `dropAuthorization` removes an Authorization
 * header that carried the proxy token rather than a provider key.
 */
export function upstreamRequestHeaders(incoming: Headers, dropAuthorization = false): Headers {
  const out = new Headers();
  const connectionListed = listedInConnection(incoming);
  incoming.forEach((value, key) => {
    const k = key.toLowerCase();
    if (HOP_BY_HOP.has(k) || connectionListed.has(k) || k.startsWith("x-headroom-")) return;
    if (dropAuthorization && k === "authorization") return;
    out.append(key, value);
  });
  return out;
}

/**
 * Headers for the client response. `content-encoding` and `content-length` go: fetch has already decoded
 * the body, and a body we rewrite (retrieval) has another length.
 */
export function clientResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  const connectionListed = listedInConnection(upstream);
  upstream.forEach((value, key) => {
    const k = key.toLowerCase();
    if (HOP_BY_HOP.has(k) || connectionListed.has(k) || k === "content-encoding") return;
    out.append(key, value);
  });
  return out;
}

function listedInConnection(h: Headers): Set<string> {
  const c = h.get("connection");
  return new Set(c ? c.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean) : []);
}

/** Token counts the proxy reports on every compressed response. */
export function setTokenHeaders(h: Headers, before: number, after: number): void {
  h.set("x-headroom-tokens-before", String(before));
  h.set("x-headroom-tokens-after", String(after));
  h.set("x-headroom-tokens-saved", String(before - after));
}
