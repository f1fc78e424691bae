/**
 * @headroom/prose — extractive compression of long prose (markdown, reStructuredText, man pages,
 * READMEs, changelogs, commented config files) for LLM context. No ML: BM25 relevance to the user's
 * question, salience, position and near-duplicate removal choose whole sentences and blocks within the
 * shared size-aware budget; the heading skeleton is always kept; code fences, lists and tables are never
 * cut inside.
 */
import { hasMarker, type CompressContextV2, type CompressOutcomeV2, type CompressorV2, type UnitV2 } from "@headroom/core";
import { compressProse, tidyProse, type ProseOptions } from "./compress.js";
import { roffDetector } from "./detect.js";

export { compressProse, tidyProse, GAP, PROSE_CURVE, type ProseOptions, type ProseCall, type ProseCompression } from "./compress.js";
export { splitBlocks, type Block, type BlockKind } from "./blocks.js";
export { splitSentences } from "./sentences.js";
export { roffDetector } from "./detect.js";
/** Word terms of a text as prose scores them (used by @headroom/text-ml to align segments). */
export { terms } from "./score.js";

/** The lossless form: `tidyProse`, or a decline when it gains nothing. */
function tidied(unit: UnitV2, ctx: CompressContextV2, why: string): CompressOutcomeV2 {
  const t = tidyProse(unit.text);
  if (t.length >= unit.text.length) return { decline: why };
  const outputTokens = ctx.tokenizer.count(t);
  if (outputTokens >= ctx.inputTokens) return { decline: why };
  return { text: t, lossless: true, transforms: ["prose:tidy"], outputTokens };
}

/**
 * Creates the prose compressor (spec v2). With lossy output allowed (a store is attached) it selects
 * sentences and blocks within the size-aware budget and returns the originals for the store; otherwise,
 * and below the budget curve's floor when nothing repeats, it only applies `tidyProse` (lossless).
 */
export function createProseCompressor(options: ProseOptions = {}): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "prose",
    kinds: ["prose"],
    detectors: [roffDetector],
    compress(unit, ctx): CompressOutcomeV2 {
      if (hasMarker(unit.text)) return { decline: "already compressed (carries a marker)" };
      if (!ctx.allowLossy) return tidied(unit, ctx, "lossless mode and nothing to tidy");
      const r = compressProse(unit.text, (t) => ctx.tokenizer.count(t), {
        ...options,
        ...(unit.query ? { query: unit.query } : {}),
        ...(unit.source.toolArgs ? { toolArgs: unit.source.toolArgs } : {}),
        bias: ctx.aggressiveness,
        inputTokens: ctx.inputTokens,
        signal: ctx.signal,
      });
      // Never longer than the input, in characters or tokens.
      if (!r || r.text.length >= unit.text.length || r.tokens >= ctx.inputTokens) return tidied(unit, ctx, "below the budget floor and nothing repeats");
      return { text: r.text, lossless: false, originals: r.originals, transforms: ["prose:extract"], outputTokens: r.tokens };
    },
  };
}

/** The plugin entry the router discovers (`"headroom": {"kinds": ["prose"]}` in package.json). */
export function headroomPlugin(options?: ProseOptions): CompressorV2 {
  return createProseCompressor(options);
}

export default headroomPlugin;
