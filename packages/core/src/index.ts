// Shared types (stores, tokenizers, results) and the frozen v1 contract (`CompressorV1`…).
export * from "./types.js";
// `Compressor`, `Unit`, `Hook`… alias the newest contract (v2).
export type * from "./spec/aliases.js";
// The contracts under versioned names, side by side.
export * from "./spec/v1/index.js";
export * from "./spec/v2/index.js";
export { asCompressorV2, asHookV2, asDetectorV2, compressorProblem, SUPPORTED_SPECIFICATION_VERSIONS } from "./spec/upgrade.js";
export type { AnyCompressor, AnyHook } from "./spec/upgrade.js";
export { jsonDetector } from "./detect.js";
export { DEFAULT_TIME_BUDGET_MS, TIMEOUT_ERROR_NAME } from "./budget.js";
export { ccrKey, ccrKeyAsync, isCcrKey, marker, findMarkerHashes, hasMarker, createOriginals, markWhole, MARKER_HASH_PATTERN, MARKER_PATTERN, CCR_KEY_LENGTH } from "./markers.js";
export { detectFormat, isMessageList, scanMessages } from "./adapters.js";
export type { FoundUnit, Scan } from "./adapters.js";
export { isAiSdkMessage, scanAiSdk, unknownShapeWarning } from "./ai-sdk.js";
export { compress, createPipeline, RETRIEVE_TOOL_NAME } from "./pipeline.js";
export type { CompressOptions, CompressTextOptions, Pipeline, PipelineDescription, CompressTextResult } from "./pipeline.js";
export { estimateTokenizer } from "./tokenizer.js";
export { createUnitCache, UnitCache } from "./unit-cache.js";
export type { UnitCacheOptions, UnitCacheStats } from "./unit-cache.js";
export { memoizeByLine, safeCuts, safeSegments } from "./count-memo.js";
export { isLoopbackHost, sameToken } from "./net.js";
export { scanImages, isImageCompressor } from "./images.js";
export type { ImageUnit, ImageResult, ImageDecline, ImageReplacement, ImageTextReplacement, ImageContext, ImageCompressor, ImageReport, FoundImage } from "./images.js";
