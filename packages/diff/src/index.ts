/**
 * @headroom/diff — compresses unified and git diffs (including `git show` / `git log -p` output and
 * combined `diff --cc` hunks) for LLM context: commit headers and messages and file headers stay,
 * changed lines are kept by importance within a budget, context is trimmed, every `@@` header is
 * recomputed so it stays correct, lock/generated files become one line, and totals close the output.
 */
import { hasMarker, type CompressorV1 as Compressor, type CompressorResultV1 as CompressorResult } from "@headroom/core";
import { compressDiff, type DiffOptions } from "./compress.js";

export { compressDiff, type DiffOptions, type DiffCompression, type DiffStats } from "./compress.js";
export { parseDiff, parseHunkHeader, type Hunk, type FileSection, type Segment } from "./parse.js";
export { checkHunks, hunkMatchesFiles, positions, runHeader, type HunkProblem } from "./hunk.js";
export { isGeneratedPath, scoreLine } from "./score.js";

/**
 * Creates the diff compressor. Lossy only (trimmed context, dropped `index` lines), so it declines
 * (returns `null`) when the context is not reversible: no diff transform here is lossless.
 */
export function createDiffCompressor(options: DiffOptions = {}): Compressor {
  return {
    specificationVersion: "v1",
    name: "diff",
    kinds: ["diff"],
    compress(unit, ctx): CompressorResult | null {
      if (!ctx.reversible || hasMarker(unit.text)) return null;
      const count = (t: string) => ctx.tokenizer.count(t);
      const query = ctx.query ?? unit.query;
      // The pipeline has already counted the input; count it here only when used on its own.
      const inputTokens = ctx.inputTokens ?? count(unit.text);
      const r = compressDiff(unit.text, count, { ...options, ...(query ? { query } : {}), bias: ctx.bias, inputTokens });
      if (!r) return null;
      // Never longer than the input, in characters or tokens.
      if (r.text.length >= unit.text.length || count(r.text) >= inputTokens) return null;
      return { text: r.text, lossless: false, originals: r.originals, transforms: ["diff:trim"] };
    },
  };
}

/** The plugin entry the router discovers (`"headroom": {"kinds": ["diff"]}` in package.json). */
export function headroomPlugin(options?: DiffOptions): Compressor {
  return createDiffCompressor(options);
}

export default headroomPlugin;
