import { compressorProblem, createPipeline, type AnyCompressor, type CompressOptions, type Pipeline } from "@headroom/core";
import { detect } from "./detect.js";
import { createJsonMinifier } from "./json-minify.js";
import { createMixedCompressor } from "./mixed.js";
import { createNumberedLogCompressor } from "./numbered.js";
import { Registry } from "./registry.js";
import { createTerminalCompressor } from "./terminal.js";

export { detect, splitSections, stripLineNumbers } from "./detect.js";
export type { Section } from "./detect.js";
export { Registry } from "./registry.js";
export { createTerminalCompressor, isTerminalOutput, stripEscapes, TERMINAL_KIND, terminalText } from "./terminal.js";
export type { PluginFactory, PluginModule, RegistryEntry } from "./registry.js";
export { warmUp } from "./warmup.js";
export type { WarmUpReport } from "./warmup.js";

/** Options of `createRouter`: a registry (or compressors) plus any `compress()` defaults. */
export interface RouterOptions extends CompressOptions {
  /** Where the router's compressors come from; compressors registered later are used too. */
  registry?: Registry;
  /**
   * Include the built-ins: the lossless JSON minifier (JSON fallback), the mixed-text splitter, the
   * terminal-output handler (escape sequences) and the numbered-log handler. Default true.
   */
  builtins?: boolean;
}

/** A ContentRouter: a pipeline over a registry's compressors, plus that registry. */
export interface Router extends Pipeline {
  readonly registry: Registry;
}

/**
 * The ContentRouter: a pipeline that detects each unit's kind and sends it to the best installed
 * compressor for that kind; a unit with no compressor for its kind is left unchanged and the report says
 * `no compressor installed for <kind>`. Mixed texts are handled section by section.
 *
 * The pipeline follows the registry: `router.registry.register(c)` after creation takes effect on the
 * next call. Given compressors that are malformed or of an unknown version are reported in each result's
 * `errors` and skipped (they are not registered).
 */
export function createRouter(options: RouterOptions = {}): Router {
  const { registry: given, builtins = true, compressors = [], plugins = [], ...rest } = options;
  const registry = given ?? new Registry();
  const rejected: AnyCompressor[] = [];
  for (const c of [...compressors, ...plugins]) {
    if (compressorProblem(c)) rejected.push(c);
    else registry.register(c);
  }
  const build = (): Pipeline => {
    const all: AnyCompressor[] = [...registry.list()];
    if (builtins) {
      if (!registry.get("json-minify")) all.push(createJsonMinifier());
      if (!registry.get("mixed")) all.push(createMixedCompressor());
      if (!registry.get("terminal")) all.push(createTerminalCompressor(detect));
      // Only beside a log compressor: it hands the numbers-free log to one (else "no compressor for log").
      if (!registry.get("numbered") && all.some((c) => c.kinds.includes("log"))) all.push(createNumberedLogCompressor());
    }
    // Rejected plugins go to the pipeline only so that it reports them in every result.
    return createPipeline({ ...rest, detect: rest.detect ?? detect, compressors: [...all, ...rejected] });
  };
  let built = { revision: registry.revision, pipeline: build() };
  const current = (): Pipeline => {
    if (built.revision !== registry.revision) built = { revision: registry.revision, pipeline: build() };
    return built.pipeline;
  };
  return {
    get compressors() {
      return current().compressors;
    },
    get hooks() {
      return current().hooks;
    },
    compress: (messages, o) => current().compress(messages, o),
    compressText: (text, o) => current().compressText(text, o),
    describe: () => current().describe(),
    registry,
  };
}
