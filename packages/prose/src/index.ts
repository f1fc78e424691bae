/**
 * @headroom/prose — extractive compression of long prose (markdown, reStructuredText, READMEs,
 * changelogs, commented config files) for LLM context. No ML: BM25 relevance to the user's question,
 * salience, position and near-duplicate removal choose whole sentences and blocks; the heading skeleton
 * is always kept; code fences, lists and tables are never cut inside.
 */
import { hasMarker, type CompressorV1 as Compressor, type CompressorResultV1 as CompressorResult } from "@headroom/core";
import { compressProse, tidyProse, type ProseOptions } from "./compress.js";

export { compressProse, tidyProse, GAP, type ProseOptions, type ProseCompression } from "./compress.js";
export { splitBlocks, splitSentences, toUnits, type Block, type BlockKind, type Unit as ProseUnit } from "./blocks.js";
export { Bm25, salience, scoreUnits, shingles, jaccard, terms, visibleText } from "./score.js";

/**
 * Creates the prose compressor. With a store (`ctx.reversible`) it selects sentences and blocks and
 * stores the original behind markers; without one it only applies `tidyProse` (lossless) or declines.
 */
export function createProseCompressor(options: ProseOptions = {}): Compressor {
  return {
    specificationVersion: "v1",
    name: "prose",
    kinds: ["prose"],
    compress(unit, ctx): CompressorResult | null {
      if (hasMarker(unit.text)) return null;
      const count = (t: string) => ctx.tokenizer.count(t);
      if (!ctx.reversible) {
        const t = tidyProse(unit.text);
        return t.length < unit.text.length ? { text: t, lossless: true, transforms: ["prose:tidy"] } : null;
      }
      const query = ctx.query ?? unit.query;
      // The pipeline has already counted the input; count it here only when used on its own.
      const inputTokens = ctx.inputTokens ?? count(unit.text);
      const r = compressProse(unit.text, count, { ...options, ...(query ? { query } : {}), bias: ctx.bias, inputTokens });
      if (!r) return null;
      // Never longer than the input, in characters or tokens.
      if (r.text.length >= unit.text.length || count(r.text) >= inputTokens) return null;
      return { text: r.text, lossless: false, originals: r.originals, transforms: ["prose:extract"] };
    },
  };
}

/** The plugin entry the router discovers (`"headroom": {"kinds": ["prose"]}` in package.json). */
export function headroomPlugin(options?: ProseOptions): Compressor {
  return createProseCompressor(options);
}

export default headroomPlugin;
