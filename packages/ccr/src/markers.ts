export { ccrKey, isCcrKey, marker, findMarkerHashes, hasMarker, createOriginals, MARKER_HASH_PATTERN, CCR_KEY_LENGTH } from "@headroom/core";
import { MARKER_HASH_PATTERN } from "@headroom/core";

/** A marker found in a text. */
export interface ParsedMarker {
  /** The CCR key (24 lowercase hex). */
  hash: string;
  /**
   * What the marker says about the elided content, e.g. `85 items compressed to 15` for
   * `[85 items compressed to 15. Retrieve more: hash=…]`; empty when the hash stands alone.
   */
  summary: string;
  /** Offset of the marker in the text (of its `[` when bracketed, else of `hash=`). */
  index: number;
  /** Length of the marker text starting at `index`. */
  length: number;
}

// Looks back from `hash=` for the opening bracket of the marker on the same line (bounded, so a text
// full of hashes stays linear).
const LOOKBACK = 400;

/**
 * Every marker occurrence in `text`, in order (duplicates included: each has its own position).
 * Recognises core's `[<summary>. Retrieve more: hash=<key>]` shape and reads any other `hash=<key>`
 * mention as a marker with an empty summary, because that is what LiteLLM's guardrail extracts too.
 */
export function parseMarkers(text: string): ParsedMarker[] {
  const out: ParsedMarker[] = [];
  for (const m of text.matchAll(MARKER_HASH_PATTERN)) {
    const at = m.index!;
    const hash = m[1]!;
    let end = at + m[0].length;
    const from = Math.max(0, at - LOOKBACK);
    const before = text.slice(from, at);
    const open = before.lastIndexOf("[");
    const closesRight = text[end] === "]";
    if (open >= 0 && closesRight && !/[\]\n]/.test(before.slice(open + 1))) {
      const start = from + open;
      const inner = text.slice(start + 1, at);
      const summary = inner.replace(/\s*Retrieve more:\s*$/, "").replace(/[\s.:;,-]+$/, "").trim();
      end += 1;
      out.push({ hash, summary, index: start, length: end - start });
    } else {
      out.push({ hash, summary: "", index: at, length: end - at });
    }
  }
  return out;
}
