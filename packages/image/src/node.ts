/**
 * @headroom/image/node — the sharp-based image compressor (Node only). Re-exports the edge-safe root.
 * In Node the package root resolves here too (the `node` export condition), which is what plugin
 * discovery loads; edge runtimes get the edge-safe root.
 */
import type { ImageCompressor } from "@headroom/core";
import { imageCompressor, type ImageCompressorOptions } from "./compressor.js";

export * from "./index.js";
export { imageCompressor } from "./compressor.js";
export type { ImageCompressorOptions } from "./compressor.js";
export { analyzeImage, measureText, fingerprint, nearIdentical, finePeakDifference, FINE_PEAK, MONO_SCORE } from "./analyze.js";
export type { Analysis, Fingerprint, TextMeasure } from "./analyze.js";
export { monospaceScore } from "./mono.js";
export type { MonoMeasure } from "./mono.js";
export { encodeCandidates, ACCEPTED_TYPES } from "./encode.js";
export { contentBox, findContentBox, TRIM_MAX_PIXELS, TRIM_TOLERANCE, trimPadding } from "./trim.js";
export type { Box } from "./trim.js";
export type { EncodeRequest, Encoded, OutputType } from "./encode.js";

/**
 * Plugin entry for discovery (`@headroom/router`, so the proxy and `headroom compress`): installed
 * beside them, `@headroom/image` is found through `package.json#headroom` and this registers the
 * image compressor with its defaults (or `options`).
 */
export function headroomPlugin(options?: ImageCompressorOptions): ImageCompressor {
  return imageCompressor(options);
}
