/**
 * @headroom/image/node — the sharp-based image compressor (Node only). Re-exports the edge-safe root.
 */
export * from "./index.js";
export { imageCompressor } from "./compressor.js";
export type { ImageCompressorOptions } from "./compressor.js";
export { analyzeImage, measureText, fingerprint, nearIdentical } from "./analyze.js";
export type { Analysis, Fingerprint } from "./analyze.js";
export { encodeCandidates, ACCEPTED_TYPES } from "./encode.js";
export type { EncodeRequest, Encoded, OutputType } from "./encode.js";
