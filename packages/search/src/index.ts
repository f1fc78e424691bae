/**
 * @headroom/search — compresses grep/ripgrep output: grouped by file, definitions over usages,
 * query-relevant lines, first/last match per file, per-file dropped counts; originals stored for retrieval.
 */
import { createOriginals, marker, SPECIFICATION_VERSION, type Compressor, type CompressorResult } from "@headroom/core";
import { compressSearchLossy, type SearchCompressOptions } from "./compress.js";
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
export function compressSearch(text: string, reversible: boolean, options: SearchCompressOptions & { name?: string } = {}): CompressorResult | null {
  if (typeof text !== "string" || !text) return null;
  if (!reversible) {
    const h = toHeading(text);
    return h === null ? null : { text: h, lossless: true, transforms: ["search:heading"] };
  }
  const lossy = compressSearchLossy(text, options);
  if (!lossy) return null;
  const originals = createOriginals();
  const key = originals.stash(text, { kind: "search", compressor: options.name ?? "search", matches: lossy.matches, files: lossy.files });
  const head = marker(`${lossy.matches} matches in ${lossy.files} files compressed to ${lossy.keptMatches}`, key);
  const out = `${head}\n${lossy.text}`;
  if (out.length >= text.length) return null;
  return { text: out, lossless: false, originals: originals.list(), transforms: ["search:select"] };
}

/** Creates the search compressor (kinds `["search"]`); uses the unit's preceding user turn as the query. */
export function createSearchCompressor(options: SearchCompressorOptions = {}): Compressor {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: options.name ?? "search",
    kinds: ["search"],
    priority: options.priority ?? 0,
    compress(unit, ctx) {
      const query = unit.query ?? ctx.query;
      return compressSearch(unit.text, ctx.reversible, { ...options, ...(query ? { query } : {}), bias: (options.bias ?? 1) * (ctx.bias || 1) });
    },
  };
}

/** Plugin entry point the router discovers through `package.json#headroom.kinds`. */
export function headroomPlugin(options: SearchCompressorOptions = {}): Compressor {
  return createSearchCompressor(options);
}

export default headroomPlugin;
