/**
 * Salience of a prose unit: how many concrete facts (versions, numbers, inline code, flags, names,
 * normative words) it carries. A prefilter on the characters a unit holds skips the patterns that
 * cannot match it, so most sentences run only a few of them.
 */

/**
 * Character classes, and pairs of adjacent characters, that a salient pattern cannot match without
 * (bits of `classesOf`).
 */
const DIGIT = 1;
const BACKTICK = 2;
const DASH = 4;
const UPPER = 8;
const LOWER = 16;
/** `(` and `)`. */
const PAREN = 32 | 64;
/** A digit followed by a digit (`42`). */
const DIGIT_DIGIT = 128;
/** A digit followed by `.` (`1.2`). */
const DIGIT_DOT = 256;
/** `-` followed by a letter (`-x`, `--tabstop`). */
const DASH_LETTER = 512;
/** An upper-case letter followed by another (`MUST`). */
const UPPER_UPPER = 1024;
/** An upper-case letter followed by `[A-Z0-9_]` (`HTTP`, `X2`, `A_B`). */
const UPPER_WORD = 2048;
/** A lower-case letter followed by an upper-case one (`maxRedirects`, `FooBar`). */
const LOWER_UPPER = 4096;
/** A lower-case letter followed by `_` (`snake_case`). */
const LOWER_UNDERSCORE = 8192;
/** Bits that no pattern needs: always present. */
const ANY = 0;

/** Normative and warning words, any case. */
const KEYWORD_LIST = ["never", "always", "default", "defaults", "deprecated", "warning", "note", "important", "only", "must", "should", "instead", "precedence", "causes", "requires"];
const KEYWORDS = new RegExp(`\\b(?:${KEYWORD_LIST.join("|")})\\b`, "gi");

const KEYWORD_MIN = Math.min(...KEYWORD_LIST.map((k) => k.length));
/** The keywords by their length. */
const KEYWORDS_BY_LENGTH: (string[] | undefined)[] = [];
for (const k of KEYWORD_LIST) {
  const same = KEYWORDS_BY_LENGTH[k.length] ?? [];
  same.push(k);
  KEYWORDS_BY_LENGTH[k.length] = same;
}

/** True when `w` is `k` in any case (`k` lower-case letters; `|0x20` folds only letters onto them). */
function sameLetters(w: string, k: string): boolean {
  if (w.length !== k.length) return false;
  for (let i = 0; i < k.length; i++) if ((w.charCodeAt(i) | 0x20) !== k.charCodeAt(i)) return false;
  return true;
}

/**
 * `KEYWORDS` matches (at most 3) in a word. Without `.` or `-` a word has word boundaries only at its
 * ends, so it matches once when it is a keyword (compared without lower-casing it) and never otherwise.
 */
function keywordsIn(w: string): number {
  if (w.length < KEYWORD_MIN) return 0; // too short to hold one
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === 46 || c === 45) {
      KEYWORDS.lastIndex = 0;
      let k = 0;
      while (k < 3 && KEYWORDS.exec(w)) k++;
      KEYWORDS.lastIndex = 0;
      return k;
    }
  }
  const same = KEYWORDS_BY_LENGTH[w.length];
  if (same) for (const k of same) if (sameLetters(w, k)) return 1;
  return 0;
}

/**
 * Facts of a text found word by word (see `wordFacts`): its classes (the low 14 bits), how many
 * `KEYWORDS` and definitions (`is a`, `are the`) it holds (2 bits each, capped at 3), and whether it
 * has `default` in any case. -1: not known, the patterns run on the text.
 */
export const CLASS_BITS = 0x3fff;
export const KEYWORD_SHIFT = 14;
export const DEFINITION_SHIFT = 16;
export const HAS_DEFAULT = 1 << 18;
/** Of a word: it ends in `is` or `are` after a word boundary, the left half of a definition. */
export const DEFINES_TAIL = 1 << 19;
/** Of a word: it starts with an article or `licensed`, `defined`, `used` before a word boundary. */
export const DEFINES_HEAD = 1 << 20;

/**
 * Facts of one word (a run of `[A-Za-z0-9_.-]`): its classes, its `KEYWORDS` (capped at 3), whether it
 * holds `default`, and whether it can end or start a definition. What a text's patterns need of its
 * characters is the union of its words' classes and of `` ` ``, `(`, `)` between them (no other
 * character outside a word adds a class, nor does a pair across a word's edge), and every `KEYWORDS`
 * match lies inside one word: so a text's facts follow from its words, each analysed once per input.
 */
export function wordFacts(w: string): number {
  let f = classesOf(w) | (keywordsIn(w) << KEYWORD_SHIFT);
  // Each regex only for the words that can match it (long enough, the right last or first letter).
  if (w.length >= 7 && /default/i.test(w)) f |= HAS_DEFAULT;
  const last = w.charCodeAt(w.length - 1);
  if ((last === 115 || last === 101) && /\b(?:is|are)$/.test(w)) f |= DEFINES_TAIL;
  const first = w.charCodeAt(0);
  if ((first === 97 || first === 116 || first === 108 || first === 100 || first === 117) && /^(?:a|an|the|licensed|defined|used)\b/.test(w)) f |= DEFINES_HEAD;
  return f;
}

/** Classes a character outside words adds (`` ` ``, `(`, `)`; ASCII only, as `classesOf`). */
export const BETWEEN_WORDS = new Uint16Array(128);

/**
 * Salient patterns, each with what it needs (all of `need`): a unit without a digit cannot hold a
 * version, one without a lower-case letter before `_` no snake_case name (`or`: the needs of an
 * alternative). Skipping those regexes keeps the result and saves most of the passes (salience runs
 * over every unit).
 */
const SALIENT: readonly { re: RegExp; need: number; or?: number; alone?: readonly [RegExp, RegExp]; counted?: number }[] = [
  { re: /\b\d+(?:\.\d+)+\b/g, need: DIGIT_DOT }, // versions, dotted numbers
  { re: /\b\d{2,}\b/g, need: DIGIT_DIGIT }, // numbers
  { re: /`[^`]+`/g, need: BACKTICK }, // inline code
  { re: /\B--?[A-Za-z][\w-]*/g, need: DASH_LETTER }, // flags
  { re: /\b[A-Z][A-Z0-9_]{2,}\b/g, need: UPPER_WORD }, // CONSTANTS, acronyms
  { re: /\b[a-z]+_[a-z0-9_]+\b/g, need: LOWER_UNDERSCORE }, // snake_case
  { re: /\b[a-z]+[A-Z]\w*\b/g, need: LOWER_UPPER }, // camelCase
  { re: /\bCVE-\d{4}-\d+\b/g, need: UPPER_UPPER | DASH | DIGIT_DIGIT },
  { re: /\b(?:MUST|SHOULD|REQUIRED|NOT)\b/g, need: UPPER_UPPER }, // RFC 2119 keywords (upper case only)
  { re: KEYWORDS, need: ANY, counted: KEYWORD_SHIFT },
  { re: /^\s*(?:[-*+]\s+)?(?:Use|Do not|Don't|Avoid|Prefer|Never|Always)\b/g, need: UPPER }, // rules stated as commands
  { re: /\b(?:is|are) (?:a|an|the|licensed|defined|used)\b/g, need: LOWER, counted: DEFINITION_SHIFT }, // definitions: "X is a …"
  // PascalCase names, calls and signatures; `alone`: each alternative by itself, for a text that only
  // one of them can match (the same matches, without trying the other at every word).
  { re: /\b[A-Z][a-z]+[A-Z]\w*\b|\b\w+\([^)]*\)/g, need: LOWER_UPPER, or: PAREN, alone: [/\b[A-Z][a-z]+[A-Z]\w*\b/g, /\b\w+\([^)]*\)/g] },
];

/** Kinds of character `classesOf` tells apart (other characters, non-ASCII included, are 0). */
const KINDS = 10;
const KIND = new Uint8Array(128);
for (let c = 97; c <= 122; c++) KIND[c] = 1; // lower
for (let c = 65; c <= 90; c++) KIND[c] = 2; // upper
for (let c = 48; c <= 57; c++) KIND[c] = 3; // digit
KIND[95] = 4; // _
KIND[45] = 5; // -
KIND[46] = 6; // .
KIND[96] = 7; // `
KIND[40] = 8; // (
KIND[41] = 9; // )

/** Bits a character of kind `k` contributes after one of kind `prev`. */
function pairBits(prev: number, k: number): number {
  switch (k) {
    case 1:
      return LOWER | (prev === 5 ? DASH_LETTER : 0);
    case 2:
      return UPPER | (prev === 1 ? LOWER_UPPER : prev === 2 ? UPPER_UPPER | UPPER_WORD : prev === 5 ? DASH_LETTER : 0);
    case 3:
      return DIGIT | (prev === 3 ? DIGIT_DIGIT : prev === 2 ? UPPER_WORD : 0);
    case 4:
      return prev === 1 ? LOWER_UNDERSCORE : prev === 2 ? UPPER_WORD : 0;
    case 5:
      return DASH;
    case 6:
      return prev === 3 ? DIGIT_DOT : 0;
    case 7:
      return BACKTICK;
    case 8:
      return 32;
    case 9:
      return 64;
    default:
      return 0;
  }
}

BETWEEN_WORDS[96] = BACKTICK;
BETWEEN_WORDS[40] = 32;
BETWEEN_WORDS[41] = 64;

/** `pairBits` for every pair of kinds, indexed `prev * KINDS + k`. */
const PAIRS = new Uint16Array(KINDS * KINDS);
for (let p = 0; p < KINDS; p++) for (let k = 0; k < KINDS; k++) PAIRS[p * KINDS + k] = pairBits(p, k);

/** The classes and adjacent pairs salient patterns need that occur in `text` (ASCII, as the patterns are). */
export function classesOf(text: string): number {
  let m = 0;
  let prev = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? KIND[c]! : 0;
    m |= PAIRS[prev * KINDS + k]!;
    prev = k;
  }
  return m;
}

/**
 * Salience: how many concrete facts a unit carries (capped), independent of the query. `facts`: the
 * text's facts from its words (see `wordFacts`), when known.
 */
export function salience(text: string, facts = -1): number {
  let n = 0;
  const has = facts >= 0 ? facts & CLASS_BITS : classesOf(text);
  // At most three matches of each pattern count, and nine in all reach the cap: stop there.
  for (const p of SALIENT) {
    if (facts >= 0 && p.counted !== undefined) n += (facts >>> p.counted) & 3;
    else {
      const a = (has & p.need) === p.need;
      const b = p.or !== undefined && (has & p.or) === p.or;
      if (!a && !b) continue;
      const r = p.alone && a !== b ? p.alone[a ? 0 : 1] : p.re;
      r.lastIndex = 0;
      for (let k = 0; k < 3 && r.exec(text); k++) n++;
      r.lastIndex = 0;
    }
    if (n >= 9) break;
  }
  return Math.min(3, n * 0.35);
}
