/**
 * @headroom/search — compresses grep/ripgrep output: grouped by file, definitions over usages,
 * query-relevant lines, first/last match per file, per-file dropped counts; originals stored for retrieval.
 */
import { markWhole, SPECIFICATION_VERSION, type CompressorV1 as Compressor, type CompressorResultV1 as CompressorResult } from "@headroom/core";
import { estimateTokens, keepShare, SEARCH_CEILING } from "@headroom/text";
import { prepareSearch, selectSearch, type LossySearch, type SearchCompressOptions } from "./compress.js";
import { parseSearch } from "./parse.js";
import { toHeading } from "./lossless.js";

export { compressSearchLossy, type SearchCompressOptions, type LossySearch } from "./compress.js";
export { parseSearch, type ParsedSearch, type SearchLine, type SearchLineKind } from "./parse.js";
export { definesSymbol, isDefinition, isTestCase, inferSymbol, queryTerms, relevance } from "./score.js";
export { toHeading, fromHeading } from "./lossless.js";

/** Options of the search compressor. */
export interface SearchCompressorOptions extends Omit<SearchCompressOptions, "query"> {
  /** Compressor name in reports. Default `search`. */
  name?: string;
  /** Priority among compressors for `search`. Default 0. */
  priority?: number;
}

/**
 * Compresses one search output. With `reversible` the lossy form is returned with a marker and the
 * original; otherwise only the lossless `--heading` regrouping (or `null` when it gains nothing).
 */
export function compressSearch(
  text: string,
  reversible: boolean,
  options: SearchCompressOptions & { name?: string; count?: (s: string) => number; inputTokens?: number } = {},
): CompressorResult | null {
  if (typeof text !== "string" || !text) return null;
  if (!reversible) {
    const h = toHeading(text);
    return h === null ? null : { text: h, lossless: true, transforms: ["search:heading"] };
  }
  const lossy = fitToTokens(text, options);
  if (!lossy) {
    // Nothing worth dropping (small output, below the budget curve's floor): the lossless regrouping.
    const h = toHeading(text);
    return h === null ? null : { text: h, lossless: true, transforms: ["search:heading"] };
  }
  return markWhole(
    text,
    `${lossy.matches} matches in ${lossy.files} files compressed to ${lossy.keptMatches}`,
    lossy.text,
    { kind: "search", compressor: options.name ?? "search", matches: lossy.matches, files: lossy.files },
    "search:select",
  );
}

/**
 * The output may take the share of the input's tokens that the shared budget curve of @headroom/text
 * allows for its size, capped at 38% (`SEARCH_CEILING`: search outputs are small and lossy at any size),
 * or `targetRatio` when given. Selection budgets are in weighed characters, which
 * track tokens only roughly (hashes, paths and notes tokenize worse than code); with a token counter the
 * budget is rescaled once or twice so that the output lands just under that share instead of well below.
 */
function fitToTokens(text: string, o: SearchCompressOptions & { count?: (s: string) => number; inputTokens?: number }): LossySearch | null {
  const bias = o.bias && o.bias > 0 && Number.isFinite(o.bias) ? o.bias : 1;
  const inputTokens = o.inputTokens ?? (o.count ? o.count(text) : estimateTokens(text.length));
  const share = o.targetRatio !== undefined ? o.targetRatio / bias : keepShare(inputTokens, { bias, ceiling: SEARCH_CEILING });
  const prepared = prepareSearch(parseSearch(text), o.query, o.toolArgs);
  if (!prepared) return null;
  const sel = { ...o, targetRatio: share, bias: 1 };
  let best = selectSearch(prepared, sel);
  if (!best || !o.count) return best;
  const goal = share * inputTokens;
  let lo = share;
  let hi = Infinity;
  let tokens = o.count(best.text) + MARKER_TOKENS;
  // Secant steps while the output undershoots the goal, bisection once a step has overshot it.
  for (let round = 0; round < 4 && tokens < goal * 0.97; round++) {
    const ratio = hi === Infinity ? lo * Math.min(2, goal / tokens) : (lo + hi) / 2;
    const next = selectSearch(prepared, { ...sel, targetRatio: ratio });
    if (!next) break;
    const t = o.count(next.text) + MARKER_TOKENS;
    if (t > goal) {
      hi = ratio;
      continue;
    }
    best = next;
    tokens = t;
    lo = ratio;
  }
  return best;
}

// The marker line: `[N matches in F files compressed to K. Retrieve more: hash=<24 hex>]`.
const MARKER_TOKENS = 30;

/** Creates the search compressor (kinds `["search"]`); uses the unit's preceding user turn as the query. */
export function createSearchCompressor(options: SearchCompressorOptions = {}): Compressor {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: options.name ?? "search",
    kinds: ["search"],
    priority: options.priority ?? 0,
    compress(unit, ctx) {
      const query = unit.query ?? ctx.query;
      const toolArgs = options.toolArgs ?? unit.toolArgs;
      const count = (t: string) => ctx.tokenizer.count(t);
      const sized = { count, ...(ctx.inputTokens !== undefined ? { inputTokens: ctx.inputTokens } : {}) };
      return compressSearch(unit.text, ctx.reversible, { ...options, ...sized, ...(query ? { query } : {}), ...(toolArgs ? { toolArgs } : {}), bias: (options.bias ?? 1) * (ctx.bias || 1) });
    },
  };
}

/** Plugin entry point the router discovers through `package.json#headroom.kinds`. */
export function headroomPlugin(options: SearchCompressorOptions = {}): Compressor {
  return createSearchCompressor(options);
}

export default headroomPlugin;
