/**
 * Per-call memo of token counts by line, so that text a compressor keeps verbatim (kept log lines,
 * search matches, diff lines, tidied prose) is not tokenized again when its output is counted.
 *
 * Exact, not an estimate: the tiktoken encodings' pre-tokenizer (o200k_base, cl100k_base) never lets a
 * piece run across a newline that is followed by a line whose leading whitespace ends in a non-space
 * character (and does not start with `/`, which o200k's punctuation pattern may take with the newline).
 * At such a "safe" newline the text's count is the sum of the counts of the parts on either side, so
 * a text's count is the sum of its safe segments' counts (property-tested in @headroom/tokenizer against
 * both encodings, and on the corpus).
 */
import type { Tokenizer } from "./types.js";

/** Encodings whose pre-tokenizer splits at safe newlines (see the module comment). */
const SPLITTING_ENCODINGS = new Set(["o200k_base", "cl100k_base"]);
/**
 * Implementations known to count those encodings exactly (@headroom/tokenizer's backends). A tokenizer
 * that only labels itself with the encoding (an approximation) is left alone: its counts need not add up.
 */
const EXACT_IMPLEMENTATIONS = new Set(["gpt-tokenizer", "tiktoken"]);

/** Texts shorter than this are counted directly (not split, not remembered): too small to be worth it. */
const MIN_MEMO_LENGTH = 64;
/** Most segments remembered in one call (about 50 MB of keys at worst); beyond it, misses are just counted. */
const MAX_ENTRIES = 200_000;

/** JavaScript's `\s` (the class the tiktoken patterns use), without the line breaks `\n` and `\r`. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * True when the newline at `i` is safe to split after: the next line does not start with `/`, and its
 * leading whitespace (possibly all of it, to the end of the text) holds no further line break.
 */
function safeAfter(s: string, i: number): boolean {
  let j = i + 1;
  if (j >= s.length || s.charCodeAt(j) === 47) return false;
  while (j < s.length && isBlank(s.charCodeAt(j))) j++;
  if (j >= s.length) return true;
  const c = s.charCodeAt(j);
  return c !== 10 && c !== 13;
}

/** Offsets just after each safe newline of the text, ascending. */
export function safeCuts(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) if (safeAfter(s, i)) out.push(i + 1);
  return out;
}

/** The text cut after every safe newline; the pieces concatenate to the text. */
export function safeSegments(s: string): string[] {
  return slices(s, safeCuts(s));
}

function slices(s: string, cuts: readonly number[]): string[] {
  const out = new Array<string>(cuts.length + 1);
  let start = 0;
  for (let k = 0; k < cuts.length; k++) {
    out[k] = s.slice(start, cuts[k]);
    start = cuts[k]!;
  }
  out[cuts.length] = s.slice(start);
  return out;
}

/**
 * `tokenizer` with its counts memoised by safe segment for the lifetime of the returned object (one
 * `compress()` call), or `tokenizer` itself unless it is an exact implementation (`gpt-tokenizer`,
 * `tiktoken`) of an encoding known to split at newlines.
 */
export function memoizeByLine(tokenizer: Tokenizer): Tokenizer {
  if (!SPLITTING_ENCODINGS.has(tokenizer.encoding) || !EXACT_IMPLEMENTATIONS.has(tokenizer.name)) return tokenizer;
  const base = tokenizer.count.bind(tokenizer);
  const inOnePass = tokenizer.countSegments?.bind(tokenizer);
  const memo = new Map<string, number>();
  const countSegment = (seg: string): number => {
    let n = memo.get(seg);
    if (n === undefined) {
      n = base(seg);
      if (memo.size < MAX_ENTRIES) memo.set(seg, n);
    }
    return n;
  };
  return {
    name: tokenizer.name,
    encoding: tokenizer.encoding,
    estimated: tokenizer.estimated,
    count(text: string): number {
      if (text.length < MIN_MEMO_LENGTH) return base(text);
      if (text.indexOf("\n") === -1) return countSegment(text);
      const cuts = safeCuts(text);
      const segs = slices(text, cuts);
      let n = 0;
      if (inOnePass) {
        // A text mostly new to this call (the input, first of all) is counted in one pass: line by
        // line, the tokenizer's per-call set-up costs about a third more than one count of the text.
        let fresh = 0;
        for (const seg of segs) if (!memo.has(seg)) fresh += seg.length;
        if (2 * fresh >= text.length) {
          const counts = inOnePass(text, cuts);
          for (let k = 0; k < segs.length; k++) {
            const c = counts[k]!;
            // NaN: a token ran across this segment's edge in the one pass; its own count is taken alone.
            if (Number.isNaN(c)) n += countSegment(segs[k]!);
            else {
              if (memo.size < MAX_ENTRIES) memo.set(segs[k]!, c);
              n += c;
            }
          }
          return n;
        }
      }
      for (const seg of segs) n += countSegment(seg);
      return n;
    },
  };
}
