/**
 * Counts of a text's pieces between given cuts, in one pass over the text. Core's count memo cuts an
 * input at "safe" newlines and remembers each segment's count; counting segment by segment pays
 * gpt-tokenizer's per-call set-up (special-token scan, a fresh `matchAll` of the split pattern) once per
 * line, about a third more than one count of the whole text. One pass of the split pattern over the
 * whole text, with each piece credited to the segment it starts in, costs what one count does.
 */

/** What is used of gpt-tokenizer's byte-pair core (internal API, bundled at a pinned version). */
interface BpeCore {
  tokenSplitRegex: RegExp;
  getBpeRankFromString(piece: string): number | undefined;
  bytePairEncode(piece: string): { length: number };
}

function bpeCore(api: unknown): BpeCore | undefined {
  const core = (api as { bytePairEncodingCoreProcessor?: Partial<BpeCore> } | undefined)?.bytePairEncodingCoreProcessor;
  if (!core || !(core.tokenSplitRegex instanceof RegExp) || !core.tokenSplitRegex.global) return undefined;
  if (typeof core.getBpeRankFromString !== "function" || typeof core.bytePairEncode !== "function") return undefined;
  return core as BpeCore;
}

/**
 * A `countSegments(text, cuts)` for a gpt-tokenizer encoding API, or undefined when its internals do not
 * have the expected shape (the caller then counts segment by segment). A segment that a piece of the
 * pre-tokenizer runs into or out of gets `NaN` (cl100k's `\s+(?!\S)` may take a newline with the blanks
 * after it): its count alone is not known from this pass. Special-token strings count as ordinary
 * text, as `count` does.
 */
export function segmentCounter(api: unknown): ((text: string, cuts: readonly number[]) => number[]) | undefined {
  const core = bpeCore(api);
  if (!core) return undefined;
  return (text, cuts) => {
    const out = new Array<number>(cuts.length + 1).fill(0);
    let k = 0;
    let next = cuts.length ? cuts[0]! : Number.POSITIVE_INFINITY;
    for (const m of text.matchAll(core.tokenSplitRegex)) {
      while (m.index >= next) {
        k++;
        next = k < cuts.length ? cuts[k]! : Number.POSITIVE_INFINITY;
      }
      const piece = m[0];
      out[k]! += core.getBpeRankFromString(piece) !== undefined ? 1 : core.bytePairEncode(piece).length;
      // A piece across a cut: the segments it touches are counted apart by the caller.
      for (let end = m.index + piece.length; end > next; ) {
        out[k] = Number.NaN;
        k++;
        next = k < cuts.length ? cuts[k]! : Number.POSITIVE_INFINITY;
        out[k] = Number.NaN;
      }
    }
    return out;
  };
}
