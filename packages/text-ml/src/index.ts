/**
 * @headroom/text-ml — token-classification compression of free text (docs, issue bodies, chat
 * history, RAG chunks) with an ONNX model (LLMLingua-2, Kompress-style) run by onnxruntime-node in a
 * worker pool, on a hard per-unit time budget with the extractive `@headroom/prose` result as fallback.
 *
 * This root entry is edge-safe: it holds the pure parts (segmentation, selection, the budget curve)
 * and the plugin the router discovers. The plugin loads `@headroom/text-ml/node` only when a model is
 * configured, so on an edge runtime (or with no model) it simply declines and prose handles the text.
 */
import type { CompressorV2 as Compressor, CompressContextV2 as CompressContext, CompressOutcomeV2, UnitV2 as Unit } from "@headroom/core";
import { DEFAULT_TIME_BUDGET_MS, type TextMlOptions } from "./options.js";

export { keepRatio, BUDGET } from "./budget.js";
export { segment, chooseKept, render, isProtectedWord, queryTerms, type Word, type Line, type Segmented } from "./segment.js";
export { DEFAULT_TIME_BUDGET_MS, type TextMlOptions, type TextMlEvent, type FallbackReason } from "./options.js";

/** The reason given when no model is configured. */
export const NO_MODEL_REASON = "no model configured (set the model option or HEADROOM_TEXT_ML_MODEL)";

// Held in a variable so that bundlers for edge runtimes do not follow it into Node-only code.
const NODE_ENTRY = "@headroom/text-ml/node";

const envModel = (): string | undefined => {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.HEADROOM_TEXT_ML_MODEL || undefined;
};

/**
 * The plugin entry the router discovers (`"headroom": {"kinds": ["prose", "text"]}`). With a model
 * (`options.model`, `options.modelUrl` or `HEADROOM_TEXT_ML_MODEL`) it runs before `@headroom/prose`
 * and loads the Node engine on first use; without one it declines every unit.
 */
export function headroomPlugin(options: TextMlOptions = {}): Compressor {
  const configured = !!(options.model ?? options.modelUrl ?? envModel());
  let real: Promise<Compressor> | undefined;
  return {
    specificationVersion: "v2",
    name: "text-ml",
    kinds: ["prose", "text"],
    priority: options.priority ?? 10,
    async compress(unit: Unit, ctx: CompressContext): Promise<CompressOutcomeV2> {
      if (!configured) {
        options.onEvent?.({ type: "decline", unitId: unit.id, reason: NO_MODEL_REASON });
        return { decline: NO_MODEL_REASON };
      }
      real ??= import(/* @vite-ignore */ NODE_ENTRY).then((m: { createTextMlCompressor(o: TextMlOptions): Compressor }) => m.createTextMlCompressor({ timeBudgetMs: DEFAULT_TIME_BUDGET_MS, ...options }));
      return (await (await real).compress(unit, ctx)) ?? null;
    },
  };
}

export default headroomPlugin;
