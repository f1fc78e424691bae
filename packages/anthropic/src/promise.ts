/** What the SDK's `APIPromise.withResponse()` resolves to. */
export interface WithResponse<T> {
  data: T;
  response: Response;
  request_id: string | null;
}

/** The part of the SDK's `APIPromise` our results keep: awaitable, plus `withResponse()` and `asResponse()`. */
export type ApiLike<T> = Promise<T> & {
  withResponse(): Promise<WithResponse<T>>;
  asResponse(): Promise<Response>;
};

/** Wraps a promise of `{data, response}` so callers can use it like the SDK's `APIPromise`. */
export function apiLike<T>(p: Promise<WithResponse<T>>): ApiLike<T> {
  // The branches a caller does not use must not turn a rejection into an unhandled one.
  p.catch(() => {});
  const out = p.then((x) => x.data) as ApiLike<T>;
  out.withResponse = () => p;
  out.asResponse = () => p.then((x) => x.response);
  return out;
}

/** The `create` method of an SDK resource, as we call it: `withResponse()` gives the raw Response too. */
export type CreateFn = (body: never, options?: unknown) => { withResponse(): Promise<WithResponse<unknown>> };

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export type { Obj };
