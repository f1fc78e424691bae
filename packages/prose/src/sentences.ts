/**
 * Sentence splitting of a paragraph's text: spans are verbatim, so joining them restores the text.
 */

// The whitespace after a sentence may run into the next line of a block quote (`.\n> The`).
const SENTENCE_END = /([.!?])(["')\]]*)([ \t]*\r?\n[ \t]*>+[ \t]*|\s+)(?=[A-Z0-9"'`([*_])/g;

/** True when `text[start, end)` leaves a straight or curly double quote, or a parenthesis, open. */
function unclosed(text: string, start: number, end: number): boolean {
  let quotes = 0;
  let parens = 0;
  let curly = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quotes++;
    else if (c === 0x28) parens++;
    else if (c === 0x29) parens = Math.max(0, parens - 1);
    else if (c === 0x201c) curly++;
    else if (c === 0x201d) curly = Math.max(0, curly - 1);
  }
  return quotes % 2 === 1 || parens > 0 || curly > 0;
}

/** Splits a paragraph's text into sentence spans (verbatim; whitespace between stays with the left one). */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const end of sentenceEnds(text)) {
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/**
 * End offsets of the sentence spans of `splitSentences` (the last is `text.length`; none for an empty
 * text): for callers that slice merged spans themselves.
 */
export function sentenceEnds(text: string): number[] {
  const out: number[] = [];
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  // `exec` on the shared regex, not `matchAll` (which copies the regex for every paragraph).
  for (let m = SENTENCE_END.exec(text); m; m = SENTENCE_END.exec(text)) {
    const end = m.index + m[1]!.length + m[2]!.length;
    // `e.g.`, `i.e.`, `Mr.`, `v1.` and single initials are not sentence ends.
    const before = text.slice(Math.max(start, end - 6), end);
    if (/(?:\b(?:e\.g|i\.e|etc|vs|cf|Mr|Ms|Dr|No|Fig|Eq|approx)\.|\b[A-Za-z]\.)$/.test(before)) continue;
    // Nor is a period inside a quotation or parentheses: `Revert "fix x. Closes #1"`, `(see a. b)`.
    if (unclosed(text, start, end)) continue;
    // A span without a word is an enumerator or a number (`3.`, `1.2.`), not a sentence.
    if (!hasWords(text, 1, start, end)) continue;
    // Keep the separating whitespace attached so that joining spans with it restores the text.
    start = end + m[3]!.length;
    out.push(start);
  }
  SENTENCE_END.lastIndex = 0;
  if (start < text.length) out.push(text.length);
  return out;
}

/**
 * True when `text[from, to)` has at least `n` words of two or more ASCII letters (counted without
 * allocating).
 */
export function hasWords(text: string, n: number, from = 0, to = text.length): boolean {
  let found = 0;
  let run = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) | 0x20 : 0;
    if (c >= 0x61 && c <= 0x7a) run++;
    else {
      if (run >= 2 && ++found >= n) return true;
      run = 0;
    }
  }
  return false;
}
