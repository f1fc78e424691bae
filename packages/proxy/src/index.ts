/**
 * @headroom/proxy — a zero-code proxy for OpenAI (Chat Completions, Responses) and Anthropic (Messages)
 * clients: compresses tool outputs with every installed Headroom compressor, keeps originals in a CCR
 * store and answers the model's `headroom_retrieve` calls itself, streaming or not.
 */
export { createProxyApp } from "./app.js";
export type { ProxyApp } from "./app.js";
export { startProxy } from "./server.js";
export type { RunningProxy } from "./server.js";
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
} from "./options.js";
export type { ProxyOptions, ResolvedOptions } from "./options.js";
export { ProxyStats } from "./stats.js";
export { SseSplitter, parseEvent, encodeEvent } from "./sse.js";
export type { SseEvent } from "./sse.js";
