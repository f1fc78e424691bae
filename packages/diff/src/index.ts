/**
 * @headroom/diff — compresses unified and git diffs (including `git show` / `git log -p` output and
 * combined `diff --cc` hunks) for LLM context: commit headers and messages and file headers stay,
 * changed lines are kept by importance within a budget, context is trimmed, every `@@` header is
 * recomputed so it stays correct, lock/generated files become one line, and totals close the output.
 */
import { hasMarker, type CompressorV2, type CompressOutcomeV2, type DetectorV2 } from "@headroom/core";
import { compressDiff, type DiffOptions } from "./compress.js";

export { compressDiff, DIFF_CURVE, type DiffOptions, type DiffCompression, type DiffStats } from "./compress.js";
export { parseDiff, parseHunkHeader, type Hunk, type FileSection, type Segment } from "./parse.js";
export { checkHunks, hunkMatchesFiles, positions, runHeader, type HunkProblem } from "./hunk.js";
export { scoreLine } from "./score.js";
/** Lock, minified and generated paths are summarised to one line (the shared `@headroom/text` predicate). */
export { isGeneratedPath } from "@headroom/text";

const FILE_HEADER = /^(?:diff --(?:git|cc|combined) |--- (?:a\/|\/dev\/null)|\+\+\+ (?:b\/|\/dev\/null))/m;
const HUNK_HEADER = /^@@@? -\d+(?:,\d+)? (?:-\d+(?:,\d+)? )*\+\d+(?:,\d+)? @@/m;

/**
 * The diff detector this plugin ships, so the compressor works without `@headroom/router`: a file header
 * (`diff --git`, `--- a/`, `+++ b/`) and a hunk header. Its confidence (0.6) stays below the router's, so
 * with the router installed the router's answer decides.
 */
export const diffDetector: DetectorV2 = {
  name: "diff/unified",
  kinds: ["diff"],
  detect(text) {
    return FILE_HEADER.test(text) && HUNK_HEADER.test(text) ? { kind: "diff", confidence: 0.6 } : null;
  },
};

/**
 * Creates the diff compressor (spec v2). Lossy only (trimmed context, dropped `index` lines), so it
 * declines when lossy output is not allowed: no diff transform here is lossless. The question and the
 * tool call's arguments (the `git` command line) both count as query terms.
 */
export function createDiffCompressor(options: DiffOptions = {}): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "diff",
    kinds: ["diff"],
    detectors: [diffDetector],
    compress(unit, ctx): CompressOutcomeV2 {
      if (!ctx.allowLossy) return { decline: "lossy output not allowed (no store): every diff transform drops something" };
      if (hasMarker(unit.text)) return { decline: "already carries a marker" };
      const count = (t: string) => ctx.tokenizer.count(t);
      // The tool call's arguments add their exact tokens (a path, a commit range), not their JSON keys.
      const query = unit.query;
      const toolArgs = unit.source.toolArgs;
      const inputTokens = ctx.inputTokens || count(unit.text);
      const r = compressDiff(unit.text, count, { ...options, ...(query ? { query } : {}), ...(toolArgs ? { toolArgs } : {}), bias: ctx.aggressiveness, inputTokens, signal: ctx.signal });
      if (!r) return { decline: "no file section or hunk to compress" };
      // Never longer than the input, in characters or tokens.
      if (r.text.length >= unit.text.length || r.outputTokens >= inputTokens) return { decline: "not shorter than the input" };
      return { text: r.text, lossless: false, originals: r.originals, transforms: ["diff:trim"], outputTokens: r.outputTokens };
    },
  };
}

/** The plugin entry the router discovers (`"headroom": {"kinds": ["diff"]}` in package.json). */
export function headroomPlugin(options?: DiffOptions): CompressorV2 {
  return createDiffCompressor(options);
}

export default headroomPlugin;
