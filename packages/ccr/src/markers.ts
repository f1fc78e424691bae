export { ccrKey, isCcrKey, marker, findMarkerHashes, hasMarker, createOriginals, MARKER_HASH_PATTERN, MARKER_PATTERN, CCR_KEY_LENGTH } from "@headroom/core";
import { MARKER_PATTERN } from "@headroom/core";

/** A marker found in a text. */
export interface ParsedMarker {
  /** The CCR key (24 lowercase hex). */
  hash: string;
  /**
   * What the marker says about the elided content, e.g. `85 items compressed to 15` for
   * `[85 items compressed to 15. Retrieve more: hash=…]`; empty when the marker has no summary.
   */
  summary: string;
  /** Offset of the marker in the text (of its `[` when one opens it on the same line, else of `Retrieve more:`). */
  index: number;
  /** Length of the marker text starting at `index`. */
  length: number;
}

// Looks back from `Retrieve more:` for the opening bracket of the marker on the same line (bounded, so
// a text full of markers stays linear).
const LOOKBACK = 400;

/**
 * Every marker occurrence in `text`, in order (duplicates included: each has its own position).
 * Recognises markers by their whole form, core's `[<summary>. Retrieve more: hash=<key>]`
 * ({@link MARKER_PATTERN}); a bare `hash=<hex>` (a URL's query parameter, a digest in a log) is content,
 * not a marker. LiteLLM's guardrail extracts `hash=<key>` from the same text and still finds every one.
 */
export function parseMarkers(text: string): ParsedMarker[] {
  const out: ParsedMarker[] = [];
  for (const m of text.matchAll(MARKER_PATTERN)) {
    const at = m.index!;
    const hash = m[1]!;
    const end = at + m[0].length;
    const from = Math.max(0, at - LOOKBACK);
    const before = text.slice(from, at);
    const open = before.lastIndexOf("[");
    if (open >= 0 && !/[\]\n]/.test(before.slice(open + 1))) {
      const start = from + open;
      const summary = text.slice(start + 1, at).replace(/[\s.:;,-]+$/, "").trim();
      out.push({ hash, summary, index: start, length: end - start });
    } else {
      out.push({ hash, summary: "", index: at, length: end - at });
    }
  }
  return out;
}
