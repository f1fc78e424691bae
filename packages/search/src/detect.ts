/**
 * The search plugin's own detector (spec v2), so that the compressor runs on grep/ripgrep output without
 * `@headroom/router`. It is deliberately strict and modestly confident: beside the router's detection,
 * which weighs logs, code and search against each other, the router's answer wins whenever it is sure.
 */
import type { DetectorV2 } from "@headroom/core";
import { parsedOnce } from "./parse.js";

/** Lines sampled from the start: detection must stay cheap on huge inputs. */
const SAMPLE_LINES = 400;
/** Share of the sampled non-blank lines that must parse as search output. */
const MIN_SEARCH_SHARE = 0.9;
/** A path as grep prints it: no blanks, and a letter, `.`, `_` or a separator (not a bare time like `15`). */
const PATH = /^(?:[A-Za-z]:[\\/])?[^\s:]*[A-Za-z_./\\][^\s:]*$/;
/** A directory separator in a path. */
const DIRECTORY = /[\\/]/;
/** Confidence given (below the router's answers for kinds it is sure of). */
const CONFIDENCE = 0.45;

/**
 * Confidence that `text` is grep/ripgrep output: at least two `path:line:` (or `dir/path.ext:`) matches
 * and nearly every line a match, a context line, a `--` separator or a `--heading` path. `0` when not.
 */
export function searchConfidence(text: string): number {
  let end = -1;
  for (let n = 0; n < SAMPLE_LINES; n++) {
    end = text.indexOf("\n", end + 1);
    if (end < 0) break;
  }
  const { lines } = parsedOnce(end < 0 ? text : text.slice(0, end));
  let matches = 0;
  let searchLike = 0;
  let counted = 0;
  for (const l of lines) {
    if (l.kind === "blank") continue;
    counted++;
    // A match without a line number (`rg pattern` into a pipe prints `path:text`) counts when its path
    // has a directory in it: `key.name: value` configuration lines must not.
    const match = l.kind === "match" && PATH.test(l.path ?? "") && (l.line !== undefined || DIRECTORY.test(l.path ?? ""));
    if (match) matches++;
    if (match || (l.kind === "context" && PATH.test(l.path ?? "")) || l.kind === "separator" || l.kind === "heading" || l.kind === "notice") searchLike++;
  }
  if (matches < 2 || searchLike < counted * MIN_SEARCH_SHARE) return 0;
  return CONFIDENCE;
}

/** Detector of kind `search` shipped with the compressor. */
export const searchDetector: DetectorV2 = {
  name: "search",
  kinds: ["search"],
  maxConfidence: CONFIDENCE,
  detect(text) {
    const c = searchConfidence(text);
    return c > 0 ? { kind: "search", confidence: c } : null;
  },
};
