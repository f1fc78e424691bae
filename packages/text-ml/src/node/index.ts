/**
 * @headroom/text-ml/node — the Node engine: model resolution, the onnxruntime-node worker pool and the
 * compressor with its time budget. `headroomPlugin` here creates the real compressor directly.
 */
import type { TextMlOptions } from "../options.js";
import { createTextMlCompressor, type TextMlCompressor } from "./compressor.js";

export { createTextMlCompressor, type TextMlCompressor, type TextMlStats } from "./compressor.js";
export { TextMlPool, defaultWorkerFile, type PoolOptions, type PoolInfo } from "./pool.js";
export { resolveModel, configuredModelDir, fetchModel, keepLabelOf, REQUIRED_FILES, type ModelSpec, type HeadroomModelConfig } from "./model.js";
export { Engine, Cancelled, type EngineOptions, type EngineTimings } from "./engine.js";
export type { JobResult, JobTimings } from "./protocol.js";
export * from "../index.js";

/** The plugin, Node flavour: the compressor itself (throws at once on a broken model directory). */
export function headroomPlugin(options?: TextMlOptions): TextMlCompressor {
  return createTextMlCompressor(options);
}
