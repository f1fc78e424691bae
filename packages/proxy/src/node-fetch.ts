import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

// Keep-alive pools shared by every proxy in the process: reusing upstream sockets is most of the
// difference between a proxy that adds a millisecond and one that adds ten.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
const NULL_BODY = new Set([101, 204, 205, 304]);

function decoded(res: IncomingMessage): { stream: Readable; decodedFrom?: string } {
  const enc = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const d = enc === "gzip" || enc === "x-gzip" ? createGunzip() : enc === "deflate" ? createInflate() : enc === "br" ? createBrotliDecompress() : undefined;
  if (!d) return { stream: res };
  res.on("error", (e) => d.destroy(e));
  return { stream: res.pipe(d), decodedFrom: enc };
}

/**
 * A `fetch` for upstream calls on Node's own HTTP client: several times less CPU per request than the
 * built-in fetch, which matters when the proxy is busy. Bodies come back decoded (like fetch), so the
 * caller drops `content-encoding` either way; the request body must be bytes or a string.
 */
export const nodeFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const body = init.body as Uint8Array | string | null | undefined;
    if (body !== undefined && body !== null) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    const method = init.method ?? "GET";
    const https = url.protocol === "https:";
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method, headers, agent: https ? httpsAgent : httpAgent, ...(init.signal ? { signal: init.signal } : {}) },
      (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) h.append(k, x);
          else if (v !== undefined) h.set(k, v);
        }
        const status = res.statusCode ?? 502;
        if (NULL_BODY.has(status) || method === "HEAD") {
          res.resume();
          resolve(new Response(null, { status, headers: h }));
          return;
        }
        const { stream } = decoded(res);
        resolve(new Response(Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, { status, statusText: res.statusMessage ?? "", headers: h }));
      },
    );
    req.on("error", reject);
    req.end(body ?? undefined);
  });
