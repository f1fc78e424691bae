/**
 * The SDK adapters' stand-in for the vendor SDKs' `APIPromise`: `@headroom/openai` and
 * `@headroom/anthropic` return it from their wrapped `create`, so `await`, `.withResponse()` and
 * `.asResponse()` keep working after the retrieve loop replaced the SDK's own promise.
 */

/** What the SDK's `APIPromise.withResponse()` resolves to. */
export interface WithResponse<T> {
  data: T;
  response: Response;
  request_id: string | null;
}

/** The part of the SDK's `APIPromise` the adapters keep: awaitable, plus `withResponse()` and `asResponse()`. */
export type ApiLike<T> = Promise<T> & {
  withResponse(): Promise<WithResponse<T>>;
  asResponse(): Promise<Response>;
};

/** Wraps a promise of `{data, response}` so callers can use it like the SDK's `APIPromise`. */
export function apiLike<T>(p: Promise<WithResponse<T>>): ApiLike<T> {
  // The branches a caller does not use must not turn a rejection into an unhandled one; the caller
  // still sees the rejection through whichever branch it awaits.
  p.catch(() => undefined);
  const out = p.then((x) => x.data) as ApiLike<T>;
  out.withResponse = () => p;
  out.asResponse = () => p.then((x) => x.response);
  return out;
}
