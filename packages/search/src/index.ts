/**
 * @headroom/search — compresses grep/ripgrep output: grouped by file, definitions over usages,
 * query-relevant lines, first/last match per file, per-file dropped counts; originals stored for retrieval.
 */
import { ccrKey, marker, SPECIFICATION_VERSION_V2, type CompressOutcomeV2, type CompressorResultV2, type CompressorV2 } from "@headroom/core";
import { estimateTokens, keepShare, normalizeBias } from "@headroom/text";
import { prepareSearch, selectSearch, weigh, type LossySearch, type SearchCompressOptions } from "./compress.js";
import { parsedOnce } from "./parse.js";
import { toHeading } from "./lossless.js";
import { searchDetector } from "./detect.js";

export { compressSearchLossy, type SearchCompressOptions, type LossySearch } from "./compress.js";
export { parseSearch, type ParsedSearch, type SearchLine, type SearchLineKind } from "./parse.js";
export { definesSymbol, isDefinition, isTestCase, inferSymbol } from "./score.js";
export { toHeading, fromHeading } from "./lossless.js";
export { searchDetector, searchConfidence } from "./detect.js";

/** Options of the search compressor. */
export interface SearchCompressorOptions extends Omit<SearchCompressOptions, "query"> {
  /** Compressor name in reports. Default `search`. */
  name?: string;
  /** Priority among compressors for `search`. Default 0. */
  priority?: number;
}

/** What `compressSearch` needs beyond the text: the query, a token counter, the input's token count. */
export interface CompressSearchOptions extends SearchCompressOptions {
  /** Compressor name in the stored original's meta. Default `search`. */
  name?: string;
  /** Token counter: the output is fitted to the budget in tokens and its count returned as `outputTokens`. */
  count?: (s: string) => number;
  /** Tokens of the input, when already counted (saves counting it again). */
  inputTokens?: number;
  /** Checked between phases: throws when the caller gave up (the pipeline's `ctx.signal`). */
  signal?: { throwIfAborted(): void };
}

/**
 * Compresses one search output. With `allowLossy` the lossy form is returned with a marker and the
 * original, or `null` when the output is below the budget curve's floor (nothing worth dropping: kept as
 * is, `path:line:` references intact); otherwise only the lossless `--heading` regrouping (or `null` when
 * it gains nothing).
 */
export function compressSearch(text: string, allowLossy: boolean, options: CompressSearchOptions = {}): CompressorResultV2 | null {
  if (typeof text !== "string" || !text) return null;
  const heading = (): CompressorResultV2 | null => {
    const h = toHeading(text);
    return h === null ? null : counted({ text: h, lossless: true, transforms: ["search:heading"] }, options.count);
  };
  if (!allowLossy) return heading();
  // The key is hashed once; each candidate output is rendered whole (marker included), so the count of
  // the chosen one is its exact `outputTokens`.
  let key: string | undefined;
  const keyOf = (): string => {
    if (key === undefined) key = ccrKey(text);
    return key;
  };
  const render = (l: LossySearch) => `${marker(`${l.matches} matches in ${l.files} files compressed to ${l.keptMatches}`, keyOf())}\n${l.text}`;
  const fitted = fitToTokens(text, options, render);
  // Nothing worth dropping (small output, below the budget curve's floor): left as it is. The `--heading`
  // regrouping would save tokens but breaks every `path:line:` reference the model (and an editor) reads
  // verbatim, so it is kept for lossless mode, where it is the only saving there is.
  if (!fitted) return null;
  const { lossy, out, tokens } = fitted;
  if (out.length >= text.length) return null;
  const meta = { kind: "search", compressor: options.name ?? "search", matches: lossy.matches, files: lossy.files };
  const r: CompressorResultV2 = { text: out, lossless: false, originals: [{ key: keyOf(), content: text, meta }], transforms: ["search:select"] };
  return tokens !== undefined ? { ...r, outputTokens: tokens } : r;
}

/** The result with `outputTokens`, counted once on the final text, when a counter is at hand. */
function counted(r: CompressorResultV2, count?: (s: string) => number): CompressorResultV2 {
  return count ? { ...r, outputTokens: count(r.text) } : r;
}

/**
 * The output may take the share of the input's tokens that the shared budget curve of @headroom/text
 * allows for its size (or `targetRatio` when given). Selection prices lines by weighed characters, known
 * up front, which track tokens only roughly (hashes, paths and notes tokenize worse than code); with a
 * token counter the selected text (marker included) is counted and, when it falls short of the goal by
 * more than 5%, selected once more with the budget rescaled; that second text is counted only when its
 * tokens, predicted from the first one's tokens per weighed character, stay within the goal. The input
 * is never counted again (the pipeline's count is reused), nor are candidates inside selection.
 */
function fitToTokens(text: string, o: CompressSearchOptions, render: (l: LossySearch) => string): { lossy: LossySearch; out: string; tokens?: number } | null {
  const bias = normalizeBias(o.bias);
  const inputTokens = o.inputTokens ?? (o.count ? o.count(text) : estimateTokens(text.length));
  const share = o.targetRatio !== undefined ? o.targetRatio / bias : keepShare(inputTokens, { bias });
  if (share >= 1) return null;
  const parsed = parsedOnce(text);
  o.signal?.throwIfAborted();
  const prepared = prepareSearch(parsed, o.query, o.toolArgs);
  if (!prepared) return null;
  o.signal?.throwIfAborted();
  const first = selectSearch(prepared, { targetRatio: share });
  if (!first) return null;
  const out = render(first);
  if (!o.count) return { lossy: first, out };
  const goal = share * inputTokens;
  const tokens = o.count(out);
  if (tokens >= goal * FIT_UNDER) return { lossy: first, out, tokens };
  // One secant step: the first output's tokens per weighed character predict the second's, so only the
  // output finally chosen is counted again.
  o.signal?.throwIfAborted();
  const perWeight = tokens / weigh(out);
  const next = selectSearch(prepared, { targetRatio: share * Math.min(2, goal / tokens) });
  if (!next) return { lossy: first, out, tokens };
  const nextOut = render(next);
  if (weigh(nextOut) * perWeight > goal * FIT_OVER) return { lossy: first, out, tokens };
  return { lossy: next, out: nextOut, tokens: o.count(nextOut) };
}

/** A first selection at or above this share of the token goal is kept (no second pass). */
const FIT_UNDER = 0.95;
/** The second selection is taken only when its predicted tokens stay within this share of the goal. */
const FIT_OVER = 1.02;

/** Creates the search compressor (spec v2, kind `search`); uses the unit's preceding user turn as the query. */
export function createSearchCompressor(options: SearchCompressorOptions = {}): CompressorV2 {
  return {
    specificationVersion: SPECIFICATION_VERSION_V2,
    name: options.name ?? "search",
    kinds: ["search"],
    priority: options.priority ?? 0,
    detectors: [searchDetector],
    compress(unit, ctx): CompressOutcomeV2 {
      const toolArgs = options.toolArgs ?? unit.source.toolArgs;
      const r = compressSearch(unit.text, ctx.allowLossy, {
        ...options,
        ...(unit.query ? { query: unit.query } : {}),
        ...(toolArgs ? { toolArgs } : {}),
        count: (t: string) => ctx.tokenizer.count(t),
        inputTokens: ctx.inputTokens,
        signal: ctx.signal,
        bias: (options.bias ?? 1) * (ctx.aggressiveness || 1),
      });
      return r ?? { decline: ctx.allowLossy ? "nothing to drop: below the budget curve's floor, kept as is" : "no shorter lossless layout (--heading) for this output" };
    },
  };
}

/** Plugin entry point the router discovers through `package.json#headroom.kinds`. */
export function headroomPlugin(options: SearchCompressorOptions = {}): CompressorV2 {
  return createSearchCompressor(options);
}

export default headroomPlugin;
