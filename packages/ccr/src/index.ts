/**
 * @headroom/ccr — Compress-Cache-Retrieve: the stores that keep originals, the marker helpers, retrieval
 * (whole or by query) and the `headroom_retrieve` tool that lets a model ask for what was compressed.
 * Edge-safe: no Node built-in is imported here. The SQLite store is in `@headroom/ccr/node`.
 */
export { MemoryStore, DEFAULT_MEMORY_TTL_SECONDS, utf8Length, isPersistentStore } from "./memory-store.js";
export type { MemoryStoreOptions, StoreStats } from "./memory-store.js";
export { ccrKey, isCcrKey, marker, findMarkerHashes, hasMarker, createOriginals, MARKER_HASH_PATTERN, CCR_KEY_LENGTH, parseMarkers } from "./markers.js";
export type { ParsedMarker } from "./markers.js";
export { retrieve, formatRetrieveResult, normalizeHash } from "./retrieve.js";
export type { RetrieveOptions, RetrieveResult, RetrieveHit, RetrieveMiss } from "./retrieve.js";
export {
  RETRIEVE_TOOL_NAME,
  RETRIEVE_TOOL_DESCRIPTION,
  retrieveToolDefinition,
  injectRetrieveTool,
  detectRequestDialect,
  containsMarker,
  toolName,
} from "./tool.js";
export type { Dialect, OpenAIChatTool, AnthropicTool, ResponsesTool } from "./tool.js";
export { handleRetrieveCalls, detectResponseDialect } from "./handle.js";
export type { HandledRetrieveCalls } from "./handle.js";
export { answerRetrieveCalls, retrieveLimitText } from "./calls.js";
export type { RawRetrieveCall, RetrieveCall, RetrieveCallResult } from "./calls.js";
export type { FollowUpFor, ChatToolMessage, ChatAssistantFollowUp, AnthropicFollowUp, AnthropicToolResultBlock, ResponsesFunctionCallOutput } from "./follow-up.js";
export type { Store, StoreKeyStatus, StorePutOptions } from "@headroom/core";
export { resolveAdapterOptions, compressAdapterMessages, reportRetrievals } from "./adapter.js";
export type { AdapterOptions, AdapterError, ResolvedAdapter } from "./adapter.js";
export { apiLike, type ApiLike, type WithResponse } from "./api-promise.js";
