import { createUnitCache, type AnyCompressor, type AnyHook, type Pipeline, type Store, type UnitCache } from "@headroom/core";
import type { CompressionEngine } from "./engine.js";

/** Default port: the same one the reference Python proxy uses, so client docs carry over. */
export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com";
export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
/** 50 MiB: above what the providers themselves accept (Anthropic caps requests at 32 MB). */
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
export const DEFAULT_COMPRESSION_TIMEOUT_MS = 5_000;
/** Time allowed until the upstream sends response headers (long generations stream after that). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_RETRIEVE_ROUNDS = 3;
/** Memory of each compression thread's unit cache on Node (`@headroom/proxy/node`), in MiB. */
export const DEFAULT_UNIT_CACHE_MB = 64;
/** The same for `createProxyApp` elsewhere: edge isolates often get 128 MB in all. */
export const DEFAULT_EDGE_UNIT_CACHE_MB = 16;
/**
 * Bound of `createProxyApp`'s default `MemoryStore`, in MiB of UTF-8: an edge isolate often gets 128 MB
 * in all, and the store's own default (256 MiB) would run it out of memory before anything is evicted.
 */
export const DEFAULT_EDGE_STORE_MB = 32;

/** Options of `createProxyApp` (any runtime). Every field is optional except a way to compress. */
export interface ProxyAppOptions {
  /**
   * The pipeline (a router) that compresses requests, or a function that loads it on first use.
   * Required unless `engine` is given.
   */
  pipeline?: Pipeline | (() => Pipeline | Promise<Pipeline>);
  /** CCR store for originals, or a function that opens it on first use. Default: a `MemoryStore` of 32 MiB (`DEFAULT_EDGE_STORE_MB`). */
  store?: Store | (() => Store | Promise<Store>);
  /** `fetch` used for upstream calls. Default: the runtime's global `fetch`. */
  fetch?: typeof fetch;
  /** Where compression runs. Default: in-process with `pipeline`. `@headroom/proxy/node` passes a worker pool. */
  engine?: CompressionEngine;
  /**
   * The interface the app is served on, for access rules only (the app binds nothing). A non-loopback
   * host requires `token`. Default `127.0.0.1`. On an edge runtime, where every caller is remote, set a token.
   */
  host?: string;
  /**
   * Shared secret. Required when binding a non-loopback host; then every route needs it, as
   * `Authorization: Bearer <token>` or `x-headroom-proxy-token: <token>`. On loopback it still guards
   * `/v1/retrieve` and `/stats` for callers that are not local.
   */
  token?: string;
  /** Upstream for OpenAI Chat Completions, Responses, models and unknown routes. Default api.openai.com. */
  openaiBaseUrl?: string;
  /** Upstream for `/v1/messages*` and requests carrying Anthropic headers. Default api.anthropic.com. */
  anthropicBaseUrl?: string;
  /** Requests over this many bytes get a 413. Default 50 MiB. */
  maxBodyBytes?: number;
  /** Compression that takes longer is abandoned and the original request forwarded. Default 5000. */
  compressionTimeoutMs?: number;
  /** Time until upstream response headers before a 504. Default 600000. */
  upstreamTimeoutMs?: number;
  /**
   * Rounds of `headroom_retrieve` answered inside the proxy per request. Default 3; 0 disables. A call
   * past the limit is answered with a message saying so (and tools are switched off for that last
   * continuation), so the client never sees a call of a tool it did not declare.
   */
  maxRetrieveRounds?: number;
  /** Units under this many tokens are not compressed. Default: the pipeline's (200). */
  minTokens?: number;
  /** Tool names (globs) never compressed. */
  excludeTools?: string[];
  /**
   * MiB for remembering compressed units across requests (`createUnitCache` of `@headroom/core`), per
   * compression thread. Clients send the whole conversation every turn: with the cache, earlier tool
   * outputs cost a lookup instead of a compression, to the same bytes. Default 64 on Node
   * (`@headroom/proxy/node`), 16 for `createProxyApp` on other runtimes (edge isolates are small); `0`
   * turns it off.
   */
  unitCacheMB?: number;
  /** One line per request (method, path, status, tokens, ms) and per fault. Never receives headers or bodies. */
  log?: (line: string) => void;
  /** Environment variables (`HEADROOM_*`) read under the options. Default none; the Node server passes `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options of `startProxy` and `createNodeProxyApp` (`@headroom/proxy/node`). */
export interface ProxyOptions extends ProxyAppOptions {
  /** Interface to bind. Default `127.0.0.1`. A non-loopback host requires `token`. */
  host?: string;
  /** Port. Default 8787; 0 picks a free port. */
  port?: number;
  /** SQLite file for the default store (`@headroom/ccr/node`). */
  storePath?: string;
  /** Extra compressors registered in the default router (ignored when `pipeline` is given). */
  compressors?: AnyCompressor[];
  /** Hooks for the default router (ignored when `pipeline` is given). */
  hooks?: AnyHook[];
  /** Where plugin discovery starts (directories whose node_modules are searched). Default: cwd. */
  pluginsFrom?: string | string[];
  /**
   * Worker threads that compress requests. Default: one per core (`os.availableParallelism()`) when the
   * pipeline is the default router or comes from `pipelineModule`; `0` compresses on the main thread.
   * A `pipeline`, `compressors` or `hooks` given as objects cannot cross threads: then compression runs
   * in-process unless `pipelineModule` says how a worker builds the same pipeline.
   */
  workers?: number;
  /**
   * A module each worker imports to build its pipeline: `{ url, exportName = "createPipeline", options }`;
   * the export is called with `options` (structured-cloneable) and returns a `Pipeline` (or a promise).
   */
  pipelineModule?: { url: string | URL; exportName?: string; options?: unknown };
  /**
   * Start-up warm-up (`warmUp` of `@headroom/router`): one small compression per common kind, so the
   * first request pays no grammar loading or JIT. Each worker warms before it takes jobs (the server
   * listens and answers `/health` meanwhile); without workers the warm-up runs before listening.
   * Default 1500 (ms of warm-up at most); `0` turns it off.
   */
  warmUpMs?: number;
  /**
   * Scheduling niceness of the compression worker threads (Linux), default 5 (`DEFAULT_WORKER_NICE`):
   * the main thread (health checks, bypassed and streaming requests) wins every core it needs, and
   * workers take the rest. On a machine busy with other processes, niced workers also yield to those
   * (fewer compressed requests/s); `0` leaves them at the process's priority.
   */
  workerNice?: number;
}
/** Options after defaults and environment variables were applied. */
export interface ResolvedOptions {
  host: string;
  port: number;
  token: string | undefined;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  maxBodyBytes: number;
  compressionTimeoutMs: number;
  upstreamTimeoutMs: number;
  maxRetrieveRounds: number;
  /** Tool outputs under this many tokens skip compression (the pipeline's 200 when not set). */
  minTokens: number | undefined;
  /** MiB of unit cache per compression thread; 0: none. */
  unitCacheMB: number;
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Applies environment variables (`HEADROOM_*`) under explicit options. Provider base URLs are read from
 * `HEADROOM_OPENAI_BASE_URL` / `HEADROOM_ANTHROPIC_BASE_URL`, never from `OPENAI_BASE_URL`, because
 * clients set that one to point at this proxy (reading it would loop).
 */
export function resolveOptions(o: ProxyOptions, env: Record<string, string | undefined> = o.env ?? {}): ResolvedOptions {
  return {
    host: o.host ?? env.HEADROOM_HOST ?? DEFAULT_HOST,
    port: o.port ?? num(env.HEADROOM_PORT) ?? DEFAULT_PORT,
    token: o.token ?? (env.HEADROOM_PROXY_TOKEN || undefined),
    openaiBaseUrl: normalizeBaseUrl(o.openaiBaseUrl ?? env.HEADROOM_OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL),
    anthropicBaseUrl: normalizeBaseUrl(o.anthropicBaseUrl ?? env.HEADROOM_ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_BASE_URL),
    maxBodyBytes: o.maxBodyBytes ?? num(env.HEADROOM_MAX_BODY_BYTES) ?? DEFAULT_MAX_BODY_BYTES,
    compressionTimeoutMs: o.compressionTimeoutMs ?? num(env.HEADROOM_COMPRESSION_TIMEOUT_MS) ?? DEFAULT_COMPRESSION_TIMEOUT_MS,
    upstreamTimeoutMs: o.upstreamTimeoutMs ?? num(env.HEADROOM_UPSTREAM_TIMEOUT_MS) ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    maxRetrieveRounds: o.maxRetrieveRounds ?? DEFAULT_MAX_RETRIEVE_ROUNDS,
    minTokens: o.minTokens,
    unitCacheMB: unitCacheMBOf(o, env, DEFAULT_EDGE_UNIT_CACHE_MB),
  };
}

/** `unitCacheMB` from the option, else `HEADROOM_UNIT_CACHE_MB`, else `fallback`; a negative value throws. */
export function unitCacheMBOf(o: Pick<ProxyAppOptions, "unitCacheMB">, env: Record<string, string | undefined>, fallback: number): number {
  const n = o.unitCacheMB ?? num(env.HEADROOM_UNIT_CACHE_MB) ?? fallback;
  if (!(n >= 0)) throw new RangeError(`unitCacheMB must be a number ≥ 0 (HEADROOM_UNIT_CACHE_MB), got ${n}`);
  return n;
}

/** The unit cache of one compression thread, or `undefined` when turned off. */
export function unitCacheFor(mb: number): UnitCache | undefined {
  return mb > 0 ? createUnitCache({ maxBytes: Math.floor(mb * 1024 * 1024) }) : undefined;
}

/**
 * Base URLs are origins plus an optional path prefix; the incoming path (`/v1/...`) is appended. A
 * trailing `/v1` is dropped so that `https://api.openai.com/v1` (the form OpenAI documents) works too.
 */
export function normalizeBaseUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new TypeError(`upstream base URL must be http(s): ${url}`);
  return u.origin + u.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** True for 127.0.0.0/8, ::1, IPv4-mapped loopback and `localhost` (core's one implementation). */
export { isLoopbackHost } from "@headroom/core";
