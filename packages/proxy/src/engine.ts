import type { CompressOptions, CompressResult, Pipeline, Store, UnitCache } from "@headroom/core";
import { compressRequest, injectOnly, parseObject, withTimeout, type CompressOutcome, type RouteName } from "./compress-step.js";
import { RecentPuts, withRecentPuts } from "./recent-puts.js";

type Obj = Record<string, unknown>;

/**
 * A model request body: its bytes, their decoding and, when the request's thread parsed it, the parse.
 * Large bodies are not parsed there: the engine parses them (in a worker, off the event loop), and
 * `text` may then be a getter that decodes on first read (an off-thread engine reads it only to fail open).
 */
export interface RequestInput {
  raw: Uint8Array;
  text: string;
  body?: Obj;
}

/** One `/v1/compress` call: messages in, the pipeline's result out. */
export interface MessagesTask {
  messages: unknown[];
  model: string;
  tokenBudget?: number;
  /** Nothing is a candidate: the input comes back as is, with its token count. */
  bypass?: boolean;
}

/**
 * Where compression runs. The edge app runs it in-process; `@headroom/proxy/node` runs it in a pool of
 * worker threads so other requests never wait behind a compression. Both fail open on time: the
 * returned promise settles within `timeoutMs` whatever the compressor does.
 */
export interface CompressionEngine {
  /** Compresses a model request (`raw` its bytes, `text` their decoding, `body` the parse if made). Never rejects. */
  request(route: RouteName, input: RequestInput, timeoutMs: number): Promise<CompressOutcome>;
  /** Runs the pipeline on a messages array (`/v1/compress`). Rejects on failure or timeout. */
  messages(task: MessagesTask, timeoutMs: number): Promise<CompressResult>;
  /** True when `request` runs off the request's thread: then large bodies are parsed there, not on it. */
  readonly offThread?: boolean;
  /** Names of the compressors in use, when the engine knows them. */
  compressorNames?(): Promise<string[]>;
  /** Settles once the engine finished its start-up warm-up (workers warm before they take jobs). */
  warm?(): Promise<void>;
  /** Stops the engine's workers, if any. */
  close?(): Promise<void>;
}

/** What the in-process engine needs; loaded on first use. */
export interface EngineDeps {
  pipeline: Pipeline;
  store: Store;
}

/** Options every engine applies to every request. */
export interface EngineSettings {
  minTokens?: number;
  excludeTools?: string[];
  /** Units remembered across requests (one cache per thread that compresses). */
  cache?: UnitCache;
}

/**
 * Compression on the caller's thread (every runtime). A compressor that never yields cannot be cut
 * off here: the timeout forwards the original on time only for compressors that await. Use the
 * worker pool of `@headroom/proxy/node` on Node.
 */
export function inProcessEngine(deps: () => Promise<EngineDeps>, settings: EngineSettings = {}): CompressionEngine {
  const recent = new RecentPuts();
  return {
    async request(route, { text, body }, timeoutMs) {
      try {
        const d = await deps();
        return await withTimeout(compressRequest(route, text, body, { ...d, store: withRecentPuts(d.store, recent), ...settings }), timeoutMs);
      } catch (e) {
        return failOpen(route, text, body, e instanceof Error ? e.message : String(e));
      }
    },
    async messages(task, timeoutMs) {
      const { pipeline, store } = await deps();
      return withTimeout(pipeline.compress(task.messages, messagesOptions(task, withRecentPuts(store, recent), settings)), timeoutMs);
    },
  };
}

/** The fail-open outcome: the body as it was, plus the retrieve tool when the conversation has markers. */
export function failOpen(route: RouteName, text: string, body: Obj | undefined, error: string): CompressOutcome {
  const parsed = body ?? parseObject(text);
  return parsed ? injectOnly(route, text, parsed, { error }) : { changed: false, injected: false, error };
}

/** The pipeline options of a `/v1/compress` call. */
export function messagesOptions(task: MessagesTask, store: Store, settings: EngineSettings): CompressOptions {
  const o: CompressOptions = { model: task.model, store };
  if (task.tokenBudget !== undefined) o.tokenBudget = task.tokenBudget;
  if (task.bypass) o.roles = [];
  if (settings.minTokens !== undefined) o.minTokens = settings.minTokens;
  if (settings.excludeTools) o.excludeTools = settings.excludeTools;
  if (settings.cache) o.cache = settings.cache;
  return o;
}
