export * from "./types.js";
export { ccrKey, isCcrKey, marker, findMarkerHashes, hasMarker, createOriginals, markWhole, MARKER_HASH_PATTERN, MARKER_PATTERN, CCR_KEY_LENGTH } from "./markers.js";
export { sha256Hex, utf8Bytes } from "./sha256.js";
export { detectFormat, scanMessages, setAtPath, fileNameFromArgs } from "./adapters.js";
export type { FoundUnit, Scan } from "./adapters.js";
export { isAiSdkMessage, scanAiSdk, unknownShapeWarning } from "./ai-sdk.js";
export { compress, createPipeline, globToRegExp, RETRIEVE_TOOL_NAME } from "./pipeline.js";
export type { CompressOptions, Pipeline, PipelineDescription, CompressTextResult } from "./pipeline.js";
export { estimateTokenizer } from "./tokenizer.js";
