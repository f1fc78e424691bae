/** Thrown when the upstream sent no response headers within the configured time. */
export class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`upstream sent no response within ${ms} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

/** One upstream exchange: the fetch, linked to the client's lifetime and a header timeout. */
export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Headers;
  body?: Uint8Array | string | null;
  /** Aborted when the client goes away: the upstream call is cancelled with it. */
  signal: AbortSignal;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Sends a request upstream. The returned response's body stays tied to `signal`, so a client disconnect
 * during streaming cancels the upstream read too. Rejects with `UpstreamTimeoutError` when no headers came
 * in time, or with the network error (connection refused, reset before headers).
 */
export async function callUpstream(r: UpstreamRequest): Promise<Response> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(r.signal.reason);
  if (r.signal.aborted) onAbort();
  else r.signal.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(new UpstreamTimeoutError(r.timeoutMs));
  }, r.timeoutMs);
  try {
    const hasBody = r.body !== undefined && r.body !== null && r.method !== "GET" && r.method !== "HEAD";
    return await r.fetch(r.url, {
      method: r.method,
      headers: r.headers,
      ...(hasBody ? { body: r.body } : {}),
      signal: ac.signal,
      redirect: "manual",
    });
  } catch (e) {
    if (timedOut) throw new UpstreamTimeoutError(r.timeoutMs);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A short, credential-free description of a network error (`ECONNREFUSED`, `other side closed`…). */
export function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return [e.message, cause?.code, cause?.message].filter(Boolean).join(": ");
}
