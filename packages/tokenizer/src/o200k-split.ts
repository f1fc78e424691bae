/**
 * o200k_base's pre-tokenizer split, scanned by hand over ASCII. The pattern (gpt-tokenizer's, as
 * tiktoken's) is
 *
 *     [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?
 *    |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:…))?
 *    |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *
 * and the regex engine spent about 70% of a count matching it (one match object per piece). Over ASCII
 * its classes are plain ranges, so a piece's end follows from a few comparisons. Wherever the answer
 * depends on a character beyond ASCII (a letter, mark, digit or blank of another script may continue a
 * piece), the regex itself matches that piece: the scanner never guesses about Unicode classes.
 * Every character is matched by some branch, so pieces are contiguous and a piece starts where the last
 * ended.
 */

/** The pattern this scanner implements; any other (another encoding, a changed pin) keeps the regex. */
export const O200K_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// Character classes of ASCII codes; WIDE marks a code unit beyond ASCII (the regex decides).
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const NEWLINE = 4; // \r \n
const BLANK = 5; // the other ASCII \s: space, \t, \v, \f
const OTHER = 6; // punctuation, symbols, control characters
const WIDE = 7;
const END = 0;

const CLASS = new Uint8Array(128).map((_, c) =>
  c >= 65 && c <= 90 ? UPPER : c >= 97 && c <= 122 ? LOWER : c >= 48 && c <= 57 ? DIGIT : c === 10 || c === 13 ? NEWLINE : c === 32 || (c >= 9 && c <= 12) ? BLANK : OTHER,
);

function at(text: string, i: number): number {
  if (i >= text.length) return END;
  const c = text.charCodeAt(i);
  return c < 128 ? CLASS[c]! : WIDE;
}

/** End of the `'s`/`'ll`/… contraction at `i`, or `i` when there is none (its letters are ASCII). */
function contraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 39) return i;
  const a = text.charCodeAt(i + 1) | 32; // lower case of an ASCII letter
  if (a === 115 || a === 100 || a === 109 || a === 116) return i + 2; // s d m t
  const b = text.charCodeAt(i + 2) | 32;
  if ((a === 108 && b === 108) || (a === 118 && b === 101) || (a === 114 && b === 101)) return i + 3; // ll ve re
  return i;
}

/**
 * The letter branches from `i` (after the optional leading character): upper case then lower case,
 * plus a contraction. Returns the end, `-1` when no letter is at `i`, or `-2` when a character beyond
 * ASCII could extend the run.
 */
function letters(text: string, i: number): number {
  let k = at(text, i);
  if (k === WIDE) return -2;
  if (k !== UPPER && k !== LOWER) return -1;
  while (k === UPPER) k = at(text, ++i);
  while (k === LOWER) k = at(text, ++i);
  // Lower case after upper case (first branch) or upper case alone (second) end the same way here.
  return k === WIDE ? -2 : contraction(text, i);
}

/**
 * The end of the piece that starts at `pos` (`pos < text.length`), with `re` (the pattern, sticky) for a
 * piece whose end depends on a character beyond ASCII.
 */
export function pieceEnd(text: string, pos: number, re: RegExp): number {
  const end = asciiPieceEnd(text, pos);
  if (end > pos) return end;
  re.lastIndex = pos;
  const m = re.exec(text);
  // Unreachable with this pattern (every character is matched); one character keeps the loop going.
  return m && m.index === pos ? pos + m[0].length : pos + 1;
}

/** `pieceEnd` over ASCII, or a negative number when a character beyond ASCII decides it. */
function asciiPieceEnd(text: string, pos: number): number {
  const k = at(text, pos);
  switch (k) {
    case UPPER:
    case LOWER:
      return letters(text, pos);
    case DIGIT: {
      let i = pos + 1;
      while (i < pos + 3 && at(text, i) === DIGIT) i++;
      return i < pos + 3 && at(text, i) === WIDE ? -1 : i;
    }
    case OTHER:
    case BLANK: {
      // `[^\r\n\p{L}\p{N}]?` leading the letter branches: punctuation or a blank, not a newline.
      const l = letters(text, pos + 1);
      if (l !== -1) return l;
      if (k === OTHER) return punctuation(text, pos);
      // ` ?[^\s\p{L}\p{N}]+`: only a space (not a tab) may lead punctuation.
      if (text.charCodeAt(pos) === 32) {
        const n = at(text, pos + 1);
        if (n === OTHER) return punctuation(text, pos + 1);
        if (n === WIDE) return -1;
      }
      return blanks(text, pos);
    }
    case NEWLINE:
      return blanks(text, pos);
    default:
      return -1;
  }
}

/** `[^\s\p{L}\p{N}]+[\r\n/]*` from `i` (an OTHER character). */
function punctuation(text: string, i: number): number {
  let k = at(text, i);
  while (k === OTHER) k = at(text, ++i);
  if (k === WIDE) return -1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 47) i++;
    else return i;
  }
}

/** The blank branches from `pos`: `\s*[\r\n]+`, else `\s+(?!\S)`, else `\s+`. */
function blanks(text: string, pos: number): number {
  let i = pos;
  let lastNewline = -1;
  for (let k = at(text, i); k === BLANK || k === NEWLINE; k = at(text, ++i)) if (k === NEWLINE) lastNewline = i;
  if (at(text, i) === WIDE) return -1; // a blank of another script may continue the run
  if (lastNewline >= 0) return lastNewline + 1;
  if (i === text.length || i - pos === 1) return i;
  return i - 1; // leave the last blank to lead the next piece
}
