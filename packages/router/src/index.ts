import { createPipeline, type CompressOptions, type Compressor, type Pipeline } from "@headroom/core";
import { detect } from "./detect.js";
import { createJsonMinifier } from "./json-minify.js";
import { createMixedCompressor } from "./mixed.js";
import { Registry } from "./registry.js";

export { detect, splitSections, languageFromFileName } from "./detect.js";
export type { Section } from "./detect.js";
export { createJsonMinifier, stripJsonWhitespace } from "./json-minify.js";
export { createMixedCompressor } from "./mixed.js";
export { Registry, pluginFactory } from "./registry.js";
export type { PluginFactory, PluginModule, RegistryEntry } from "./registry.js";

/** Options of `createRouter`: a registry (or compressors) plus any `compress()` defaults. */
export interface RouterOptions extends CompressOptions {
  registry?: Registry;
  /** Include the built-in lossless JSON minifier as the JSON fallback. Default true. */
  builtins?: boolean;
}

/**
 * The ContentRouter: a pipeline that detects each unit's kind and sends it to the best installed
 * compressor for that kind; a unit with no compressor for its kind is left unchanged and the report says
 * `no compressor installed for <kind>`. Mixed texts are handled section by section.
 */
export function createRouter(options: RouterOptions = {}): Pipeline & { registry: Registry } {
  const { registry: given, builtins = true, compressors = [], plugins = [], ...rest } = options;
  const registry = given ?? new Registry();
  if (compressors.length || plugins.length) registry.register([...compressors, ...plugins]);
  const all: Compressor[] = [...registry.list()];
  if (builtins) {
    if (!registry.get("json-minify")) all.push(createJsonMinifier());
    if (!registry.get("mixed")) all.push(createMixedCompressor());
  }
  const pipeline = createPipeline({ ...rest, detect: rest.detect ?? detect, compressors: all });
  return Object.assign(pipeline, { registry });
}
