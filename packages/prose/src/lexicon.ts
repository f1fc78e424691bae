/**
 * The words of one input, each analysed once (terms, shingle id, salience facts), and every unit as
 * indices of its distinct words.
 */
import { isSpaceCode, shingleIds } from "@headroom/text";
import { BETWEEN_WORDS, CLASS_BITS, DEFINES_HEAD, DEFINES_TAIL, DEFINITION_SHIFT, HAS_DEFAULT, KEYWORD_SHIFT, wordFacts } from "./salience.js";
import { addWordTerms } from "./terms.js";

/** 1 for the characters of `[A-Za-z0-9_.-]`, what `WORD_SPLIT` does not split on (ASCII: others are not). */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) WORD_CHAR[c] = /[A-Za-z0-9_.-]/.test(String.fromCharCode(c)) ? 1 : 0;
const isWordChar = (c: number): boolean => c < 128 && WORD_CHAR[c] === 1;

/** `isSpaceCode` (what `\s` matches), with one comparison for most ASCII characters. */
const isSpace = (c: number): boolean => (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && isSpaceCode(c));

/** True when `t` holds `w` at `s` (a loop the compiler inlines: words are short, a builtin call is not). */
function sameAt(t: string, s: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) if (t.charCodeAt(s + k) !== w.charCodeAt(k)) return false;
  return true;
}

/** A unit's words as indices into its `Lexicon` (each distinct word analysed once). */
export type Words = Uint32Array;

/** FNV-1a of `s` (as `scan` hashes a word). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * Strings to dense ids (1, 2, … in order of first sight) in an open-addressing table: the distinct
 * words of an input, and their stems (the shingle ids).
 */
class Interned {
  /** The strings, by id - 1. */
  readonly texts: string[] = [];
  private readonly hashes: number[] = [];
  /** Id by hash slot (0: empty), and the hash of the string in each slot (compared before the string). */
  private slots = new Int32Array(1024);
  private slotHashes = new Int32Array(1024);

  /** Id of the string `t[s, e)` with hash `h`, 0 when it is new. */
  find(t: string, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1;
    const len = e - s;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const id = this.slots[k]!;
      if (id === 0) return 0;
      if (this.slotHashes[k] !== h) continue;
      const w = this.texts[id - 1]!;
      if (w.length === len && sameAt(t, s, w)) return id;
    }
  }

  /** Adds `w` (not present) with hash `h`; returns its id. */
  add(w: string, h: number): number {
    this.texts.push(w);
    this.hashes.push(h);
    const id = this.texts.length;
    if (id * 2 > this.slots.length) {
      // Doubles the table (load ≤ 1/2) and places every string again.
      this.slots = new Int32Array(this.slots.length * 2);
      this.slotHashes = new Int32Array(this.slots.length);
      for (let i = 0; i < this.hashes.length; i++) this.place(this.hashes[i]!, i + 1);
    } else this.place(h, id);
    return id;
  }

  /** Id of `w`, added when new. */
  idOf(w: string): number {
    const h = hashOf(w);
    return this.find(w, 0, w.length, h) || this.add(w, h);
  }

  private place(h: number, id: number): void {
    const mask = this.slots.length - 1;
    let k = h & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = id;
    this.slotHashes[k] = h;
  }
}

/**
 * The words of one input, each analysed once: every unit is split into words once, as indices of
 * distinct words, and both scoring (terms) and near-duplicate detection (shingle ids) read that split
 * without building a term list per unit.
 */
export class Lexicon {
  /**
   * `query`: the question's terms, when known before the words: each unit's scan then also tells
   * whether it holds one (`hit`), and units without are not looked through again for frequencies.
   */
  constructor(private readonly query?: ReadonlySet<string>) {}

  private readonly distinct = new Interned();
  /** Per distinct word: 1 when one of its terms is in `query`. */
  private readonly queryHits: number[] = [];
  private lastHit = false;
  private lastKey = -1;
  private readonly stems = new Interned();
  /** The terms of all distinct words, in word order: word `w`'s are `terms[termEnd[w - 1], termEnd[w])`. */
  private readonly terms: string[] = [];
  private readonly termEnd: number[] = [];
  /** Shingle term id of each distinct word (0: none). */
  private readonly stemIds: number[] = [];
  /** Salience facts of each distinct word (`wordFacts`), by index. */
  private readonly wordFacts: number[] = [];
  private lastFacts = -1;
  private scratch = new Uint32Array(64);
  /** Unit word lists are views into shared chunks: one allocation per ~64k words, not one per unit. */
  private pool = new Uint32Array(0);
  private used = 0;
  /** The query set `hitMask` is for, and its terms joined: scoring and `askedAbout` build equal sets of their own. */
  private hitSet: ReadonlySet<string> | undefined;
  private hitFor: string | undefined;
  private hitMask = new Uint8Array(0);

  /**
   * The words a reader sees in `text` (no HTML tags, link targets or URLs): the runs of word
   * characters (`WORD_SPLIT`'s complement), found by a scan that looks each run up by its characters,
   * so a word seen before costs no string.
   */
  words(text: string): Words {
    const hides = MAY_HIDE.test(text);
    const t = hides ? hideInvisible(text) : text;
    // A text of n characters has at most (n + 1) / 2 words: scanned straight into the pool.
    const room = (t.length >> 1) + 1;
    if (this.used + room > this.pool.length) {
      this.pool = new Uint32Array(Math.max(65536, room));
      this.used = 0;
    }
    const n = this.scan(t, this.pool, this.used);
    // Salience and exact repeats read the text itself: its words stand for it only when it hides nothing.
    if (hides) {
      this.lastFacts = -1;
      this.lastKey = -1;
    }
    const out = this.pool.subarray(this.used, this.used + n);
    this.used += n;
    return out;
  }

  /**
   * Salience facts (see `wordFacts`) of the text last passed to `words`, found by its scan; -1 when its
   * visible text is not the text.
   */
  get facts(): number {
    return this.lastFacts;
  }

  /**
   * A hash of the text last passed to `words` that is equal for texts equal but for whitespace (of
   * its words and the other characters that are not whitespace, in order), found by its scan; -1 when
   * the text hides parts (see `visibleText`). Exact repeats compare such hashes before the texts.
   */
  get key(): number {
    return this.lastKey;
  }

  /** True when the text last passed to `words` holds a term of the constructor's `query` (false without one). */
  get hit(): boolean {
    return this.lastHit;
  }

  /** Word terms of `text` as `terms` finds them (no `visibleText`), from the words analysed so far. */
  termsOf(text: string): string[] {
    if (this.scratch.length <= text.length) this.scratch = new Uint32Array(text.length + 1);
    const n = this.scan(text, this.scratch, 0);
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const w = this.scratch[k]!;
      for (let j = w ? this.termEnd[w - 1]! : 0; j < this.termEnd[w]!; j++) out.push(this.terms[j]!);
    }
    return out;
  }

  /**
   * Looks up the words of `t` (runs of word characters) into `buf` from `at` and returns their number;
   * sets `lastFacts` from their facts and the characters between them.
   */
  private scan(t: string, buf: Uint32Array, at: number): number {
    const facts = this.wordFacts;
    const hits = this.queryHits;
    let hit = 0;
    let key = 0x811c9dc5;
    let n = at;
    let classes = 0;
    let keywords = 0;
    let definitions = 0;
    let tailEnd = -2; // end of the last word that can start a definition (`… is`)
    for (let i = 0; i < t.length; ) {
      const c0 = t.charCodeAt(i);
      if (!isWordChar(c0)) {
        if (c0 < 128) classes |= BETWEEN_WORDS[c0]!;
        if (!isSpace(c0)) key = Math.imul(key ^ c0, 0x01000193);
        i++;
        continue;
      }
      let h = 0x811c9dc5; // FNV-1a of the run's code units
      let e = i;
      for (; e < t.length; e++) {
        const c = t.charCodeAt(e);
        if (!isWordChar(c)) break;
        h = Math.imul(h ^ c, 0x01000193);
      }
      const w = (this.distinct.find(t, i, e, h) || this.add(t.slice(i, e), h)) - 1;
      buf[n++] = w;
      key = Math.imul(key ^ (0x10000 + w), 0x01000193);
      hit |= hits[w]!;
      const f = facts[w]!;
      classes |= f;
      keywords += (f >>> KEYWORD_SHIFT) & 3;
      // `is a`: a definition's halves separated by exactly one space.
      if (f & DEFINES_HEAD && tailEnd === i - 1 && t.charCodeAt(tailEnd) === 32) definitions++;
      if (f & DEFINES_TAIL) tailEnd = e;
      i = e;
    }
    this.lastFacts = (classes & (CLASS_BITS | HAS_DEFAULT)) | (Math.min(3, keywords) << KEYWORD_SHIFT) | (Math.min(3, definitions) << DEFINITION_SHIFT);
    this.lastHit = hit !== 0;
    this.lastKey = key >>> 0;
    return n - at;
  }

  /** Analyses a new distinct word (hash `h`): its terms, shingle id and facts; returns its id. */
  private add(w: string, h: number): number {
    // Shingles use plain words, not identifier parts: splitting `GHSA-pj86-cfqh-vqx6` into four terms
    // would let shared ids outweigh the words that differ ("Revert security fix for …" vs "Security fix for …").
    // The plain word's stem is the whole-word term (words are ASCII: lower-casing keeps their ends).
    const from = this.terms.length;
    const t = addWordTerms(w, this.terms);
    this.termEnd.push(this.terms.length);
    let hit = 0;
    if (this.query) for (let j = from; j < this.terms.length && !hit; j++) if (this.query.has(this.terms[j]!)) hit = 1;
    this.queryHits.push(hit);
    this.stemIds.push(t === undefined ? 0 : this.stems.idOf(t));
    this.wordFacts.push(wordFacts(w));
    return this.distinct.add(w, h);
  }

  /** Number of scoring terms of a unit's words (its BM25 length). */
  termCount(words: Words): number {
    let n = 0;
    for (const w of words) n += this.termEnd[w]! - (w ? this.termEnd[w - 1]! : 0);
    return n;
  }

  /** Term frequencies of the terms in `qs` among a unit's words; undefined when none occurs. */
  queryFrequencies(words: Words, qs: ReadonlySet<string>): Map<string, number> | undefined {
    const hit = this.hits(qs);
    let tf: Map<string, number> | undefined;
    for (const w of words) {
      if (!hit[w]) continue;
      for (let j = w ? this.termEnd[w - 1]! : 0; j < this.termEnd[w]!; j++) {
        const t = this.terms[j]!;
        if (!qs.has(t)) continue;
        tf ??= new Map();
        tf.set(t, (tf.get(t) ?? 0) + 1);
      }
    }
    return tf;
  }

  /** Per distinct word: 1 when one of its terms is in `qs` (computed once per query set). */
  private hits(qs: ReadonlySet<string>): Uint8Array {
    const n = this.termEnd.length;
    if (this.hitMask.length === n) {
      if (this.hitSet === qs) return this.hitMask;
      const key = [...qs].join("\u0000");
      if (this.hitFor === key) {
        this.hitSet = qs;
        return this.hitMask;
      }
    }
    this.hitSet = qs;
    this.hitFor = [...qs].join("\u0000");
    this.hitMask = new Uint8Array(n);
    for (let w = 0; w < n; w++) {
      const end = this.termEnd[w]!;
      for (let j = w ? this.termEnd[w - 1]! : 0; j < end; j++)
        if (qs.has(this.terms[j]!)) {
          this.hitMask[w] = 1;
          break;
        }
    }
    return this.hitMask;
  }

  /** Word 3-gram shingles of a unit's words as sorted, unique 32-bit ids, for near-duplicate detection. */
  shingles(words: Words): Uint32Array {
    if (this.scratch.length < words.length) this.scratch = new Uint32Array(words.length * 2);
    const ids = this.scratch;
    let k = 0;
    for (const w of words) {
      const id = this.stemIds[w]!;
      if (id) ids[k++] = id;
    }
    return shingleIds(ids, k);
  }
}

/** The text a reader sees: without HTML tags, image and link targets, and bare URLs. */
export function visibleText(text: string): string {
  // Most sentences have none of these: skip the five passes.
  return MAY_HIDE.test(text) ? hideInvisible(text) : text;
}

/**
 * What `visibleText` may remove: a text without it is its own visible text. Whitespace is no part of
 * it, so texts equal but for whitespace agree on it.
 */
const MAY_HIDE = /[<\]\\]|https?:/;

function hideInvisible(text: string): string {
  return text
    .replace(/<[^>\n]*>/g, " ")
    .replace(/!\[[^\]\n]*\]\([^)\s]*\)/g, " ")
    .replace(/\]\([^)\s]*\)/g, "]")
    .replace(/<?https?:\/\/[^\s>)]+>?/g, " ")
    // roff font switches and escaped hyphens of man pages: `\fB\-\-tabstop\fR` reads `--tabstop`.
    .replace(/\\f[BIRP]|\\f\(\w\w/g, "")
    .replace(/\\-/g, "-");
}

