import type { Pipeline } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";

/** Options of the default pipeline (structured-cloneable: workers receive them). */
export interface DefaultPipelineOptions {
  /** Where plugin discovery starts. */
  pluginsFrom: string | string[];
}

/**
 * The proxy's default pipeline: every installed Headroom compressor (plugin discovery) with the
 * o200k/cl100k tokenizer. Each compression worker calls this to build its own copy.
 */
export function createPipeline(options: DefaultPipelineOptions): Promise<Pipeline> {
  return createDefaultRouter({ from: options.pluginsFrom, tokenizer: tiktokenTokenizer });
}
