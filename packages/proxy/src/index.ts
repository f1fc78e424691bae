/**
 * @headroom/proxy — a zero-code proxy for OpenAI (Chat Completions, Responses) and Anthropic (Messages)
 * clients: compresses tool outputs, keeps originals in a CCR store and answers the model's
 * `headroom_retrieve` calls itself, streaming or not. This entry runs on any JavaScript runtime (no
 * Node built-in); `@headroom/proxy/node` adds the Node server, discovery, SQLite and worker threads.
 */
export { createProxyApp } from "./app.js";
export type { ProxyApp, ProxyReady } from "./app.js";
export { headroom } from "./middleware.js";
export type { HeadroomMiddleware } from "./middleware.js";
export { inProcessEngine } from "./engine.js";
export type { CompressionEngine, MessagesTask, RequestInput } from "./engine.js";
export type { CompressOutcome, ResultSummary } from "./compress-step.js";
export {
  resolveOptions,
  normalizeBaseUrl,
  isLoopbackHost,
  DEFAULT_PORT,
  DEFAULT_HOST,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_ANTHROPIC_BASE_URL,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_COMPRESSION_TIMEOUT_MS,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  DEFAULT_MAX_RETRIEVE_ROUNDS,
  DEFAULT_EDGE_STORE_MB,
} from "./options.js";
export type { ProxyAppOptions, ResolvedOptions } from "./options.js";
export { ProxyStats } from "./stats.js";
