/**
 * Word terms as prose scores them: words (runs of `[A-Za-z0-9_.-]`) without their edge punctuation,
 * lower-cased and stemmed, identifiers also by their parts (`_`, `-`, `.`, camelCase), stopwords left
 * out. Each step is a char test: these run once per distinct word of an input.
 */
import { STOPWORDS, stemLoose } from "@headroom/text";

/** Words that carry no signal, for terms and shingles: the toolkit's one list. */
const STOP = STOPWORDS;

/**
 * Prose's stemmer is the toolkit's `stemLoose` (six characters after a suffix strip, so `config` and
 * `configuration` meet), not the lighter `stem`: with `stem`, one probe answer fewer stayed visible on the
 * dev corpus (txt-express-history, 100% → 87.5%) and nothing improved.
 */
const stem = stemLoose;

/** Length of the longest stopword: a longer word is none (no hashing it for the set). */
const STOP_MAX = Math.max(...[...STOP].map((w) => w.length));
const isStop = (w: string) => w.length <= STOP_MAX && STOP.has(w);

/**
 * `w.toLowerCase()` for ASCII word characters, without the call when `w` has no upper-case letter or
 * only a first one (a capitalised word: most of those that have any).
 */
function lowerOf(w: string): string {
  let first = false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      if (i > 0) return w.toLowerCase();
      first = true;
    }
  }
  return first ? String.fromCharCode(w.charCodeAt(0) + 32) + w.slice(1) : w;
}

/** True for `.`, `_` and `-`, which a word loses at its ends. */
const isEdge = (c: number) => c === 46 || c === 95 || c === 45;

/** A word without leading and trailing `.`, `_`, `-` (most words have none: no regex then). */
function bareOf(w: string): string {
  return isEdge(w.charCodeAt(0)) || isEdge(w.charCodeAt(w.length - 1)) ? w.replace(/^[._-]+|[._-]+$/g, "") : w;
}

/** Bits of `caseOf`: an upper-case letter anywhere, and parts (an upper-case letter, `_`, `.` or `-` after the first character). */
const UPPER_ANY = 1;
const PARTS = 2;

/** `UPPER_ANY` and `PARTS` of a word, in one pass (`/[A-Z]/` on all, `/[A-Z_.-]/` on all but the first character). */
function caseOf(w: string): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) m |= i > 0 ? UPPER_ANY | PARTS : UPPER_ANY;
    else if (i > 0 && isEdge(c)) m |= PARTS;
  }
  return m;
}

const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * The parts of an identifier without edge characters: `w.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_.-]+/)`
 * in one scan (cuts at each run of `_`, `.`, `-` and before an upper-case letter after `[a-z0-9]`).
 */
function partsOf(w: string): string[] {
  const out: string[] = [];
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (isEdge(c)) {
      if (i > s) out.push(w.slice(s, i));
      s = i + 1;
    } else if (c >= 65 && c <= 90 && i > s && isLowerOrDigit(w.charCodeAt(i - 1))) {
      out.push(w.slice(s, i));
      s = i;
    }
  }
  if (s < w.length) out.push(w.slice(s));
  return out;
}

/**
 * Pushes the terms of one word (ASCII word characters) to `out` and returns the stem of the whole
 * word when it is one of them (its first), which is also the word's shingle term.
 */
export function addWordTerms(w: string, out: string[]): string | undefined {
  const bare = bareOf(w);
  if (!bare) return undefined;
  const kind = caseOf(bare);
  const lower = kind & UPPER_ANY ? lowerOf(bare) : bare;
  const whole = lower.length >= 2 && !isStop(lower) ? stem(lower) : undefined;
  if (whole !== undefined) out.push(whole);
  if (!(kind & PARTS)) return whole; // no camelCase hump or separator: no parts
  const parts = partsOf(bare);
  if (parts.length > 1)
    for (const p of parts) {
      if (p.length < 3) continue;
      const l = lowerOf(p);
      if (!isStop(l)) out.push(stem(l));
    }
  return whole;
}

/** Terms of one word (memoised per input: prose repeats its words, and each needs several regexes). */
function wordTerms(w: string): string[] {
  const out: string[] = [];
  addWordTerms(w, out);
  return out;
}

/** Splits text into words (identifier characters kept together). */
const WORD_SPLIT = /[^A-Za-z0-9_.-]+/;

/**
 * Lower-cased word terms (identifiers also split on `_`, `-`, `.` and camelCase). Pass one `memo` for
 * all the texts of an input to compute each distinct word once.
 */
export function terms(text: string, memo: Map<string, readonly string[]> = new Map()): string[] {
  const out: string[] = [];
  for (const w of text.split(WORD_SPLIT)) {
    if (!w) continue;
    let t = memo.get(w);
    if (!t) {
      t = wordTerms(w);
      memo.set(w, t);
    }
    for (const x of t) out.push(x);
  }
  return out;
}

