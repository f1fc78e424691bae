/**
 * Scoring of prose units, without ML: BM25 relevance to the user's question, salience (numbers,
 * identifiers, flags, versions, names, normative words), position (first sentence of a section or
 * paragraph), and a near-duplicate test on word shingles.
 */
import { Bm25Index, STOPWORDS, shingleIds, stemLoose } from "@headroom/text";
import type { Unit } from "./blocks.js";
import { BETWEEN_WORDS, CLASS_BITS, DEFINES_HEAD, DEFINES_TAIL, DEFINITION_SHIFT, HAS_DEFAULT, KEYWORD_SHIFT, salience, wordFacts } from "./salience.js";

export { salience };

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
 * `stemLoose(word)` for a lower-case word, by char tests instead of its two regexes (it runs once per
 * distinct word and identifier part). The regex `/(?:ations?|ions?|ings?|ed|es|s|ly)$/` removes the
 * match that starts leftmost, that is the longest of its suffixes the word ends with. The tests hold it
 * equal to `stemLoose`.
 */
export function stemWord(word: string): string {
  const n = word.length;
  if (n === 0) return stem(word);
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) return word;
  }
  const cut = suffixOf(word);
  return n - cut >= 3 ? word.slice(0, Math.min(6, n - cut)) : word.slice(0, 6);
}

/** Length of the longest suffix `stemLoose` strips that `word` ends with (0: none), by its last letter. */
function suffixOf(word: string): number {
  switch (word.charCodeAt(word.length - 1)) {
    case 115: // s
      return word.endsWith("ations") ? 6 : word.endsWith("ions") || word.endsWith("ings") ? 4 : word.endsWith("es") ? 2 : 1;
    case 110: // n
      return word.endsWith("ation") ? 5 : word.endsWith("ion") ? 3 : 0;
    case 103: // g
      return word.endsWith("ing") ? 3 : 0;
    case 100: // d
      return word.endsWith("ed") ? 2 : 0;
    case 121: // y
      return word.endsWith("ly") ? 2 : 0;
    default:
      return 0;
  }
}

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
function addWordTerms(w: string, out: string[]): string | undefined {
  const bare = bareOf(w);
  if (!bare) return undefined;
  const kind = caseOf(bare);
  const lower = kind & UPPER_ANY ? lowerOf(bare) : bare;
  const whole = lower.length >= 2 && !isStop(lower) ? stemWord(lower) : undefined;
  if (whole !== undefined) out.push(whole);
  if (!(kind & PARTS)) return whole; // no camelCase hump or separator: no parts
  const parts = partsOf(bare);
  if (parts.length > 1)
    for (const p of parts) {
      if (p.length < 3) continue;
      const l = lowerOf(p);
      if (!isStop(l)) out.push(stemWord(l));
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

/** 1 for the characters of `[A-Za-z0-9_.-]`, what `WORD_SPLIT` does not split on (ASCII: others are not). */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) WORD_CHAR[c] = /[A-Za-z0-9_.-]/.test(String.fromCharCode(c)) ? 1 : 0;
const isWordChar = (c: number): boolean => c < 128 && WORD_CHAR[c] === 1;

/** True when `t` holds `w` at `s` (a loop the compiler inlines: words are short, a builtin call is not). */
function sameAt(t: string, s: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) if (t.charCodeAt(s + k) !== w.charCodeAt(k)) return false;
  return true;
}

/** What a distinct word contributes: its scoring terms and its shingle term id (0: none). */
interface WordInfo {
  terms: readonly string[];
  id: number;
}

/** A unit's words as indices into its `Lexicon` (each distinct word analysed once). */
export type Words = Uint32Array;

/**
 * The words of one input, each analysed once: every unit is split into words once, as indices of
 * distinct words, and both scoring (terms) and near-duplicate detection (shingle ids) read that split
 * without building a term list per unit.
 */
export class Lexicon {
  private readonly infos: WordInfo[] = [];
  /** Distinct words, by index (the keys of `slots`). */
  private readonly texts: string[] = [];
  /** Hash of each distinct word, by index (kept for growing the table). */
  private readonly hashes: number[] = [];
  /** Open-addressing table of word index + 1 by hash of the word's characters (0: empty slot). */
  private slots = new Int32Array(1024);
  /** Hash of the word in each slot of `slots` (as a signed 32-bit integer, as `scan` computes it). */
  private slotHashes = new Int32Array(1024);
  private readonly ids = new Map<string, number>();
  private scratch = new Uint32Array(64);
  /** Salience facts of each distinct word (`wordFacts`), by index. */
  private readonly wordFacts: number[] = [];
  private lastFacts = -1;
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
    const t = visibleText(text);
    const n = this.scan(t);
    // Salience reads the text itself: its facts are those of its words only when nothing was hidden.
    if (t !== text) this.lastFacts = -1;
    const out = this.take(n);
    out.set(this.scratch.subarray(0, n));
    return out;
  }

  /**
   * Salience facts (see `wordFacts`) of the text last passed to `words`, found by its scan; -1 when its
   * visible text is not the text.
   */
  get facts(): number {
    return this.lastFacts;
  }

  /** Word terms of `text` as `terms` finds them (no `visibleText`), from the words analysed so far. */
  termsOf(text: string): string[] {
    const n = this.scan(text);
    const out: string[] = [];
    for (let k = 0; k < n; k++) for (const t of this.infos[this.scratch[k]!]!.terms) out.push(t);
    return out;
  }

  /**
   * Looks up the words of `t` (runs of word characters) into `scratch` and returns their number; sets
   * `lastFacts` from their facts and the characters between them.
   */
  private scan(t: string): number {
    if (this.scratch.length <= t.length) this.scratch = new Uint32Array(t.length + 1);
    const buf = this.scratch;
    const facts = this.wordFacts;
    let n = 0;
    let classes = 0;
    let keywords = 0;
    let definitions = 0;
    let tailEnd = -2; // end of the last word that can start a definition (`… is`)
    for (let i = 0; i < t.length; ) {
      const c0 = t.charCodeAt(i);
      if (!isWordChar(c0)) {
        if (c0 < 128) classes |= BETWEEN_WORDS[c0]!;
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
      const w = this.lookup(t, i, e, h);
      buf[n++] = w;
      const f = facts[w]!;
      classes |= f;
      keywords += (f >>> KEYWORD_SHIFT) & 3;
      // `is a`: a definition's halves separated by exactly one space.
      if (f & DEFINES_HEAD && tailEnd === i - 1 && t.charCodeAt(tailEnd) === 32) definitions++;
      if (f & DEFINES_TAIL) tailEnd = e;
      i = e;
    }
    this.lastFacts = (classes & (CLASS_BITS | HAS_DEFAULT)) | (Math.min(3, keywords) << KEYWORD_SHIFT) | (Math.min(3, definitions) << DEFINITION_SHIFT);
    return n;
  }

  /** `n` words of the pool. */
  private take(n: number): Uint32Array {
    if (this.used + n > this.pool.length) {
      this.pool = new Uint32Array(Math.max(65536, n));
      this.used = 0;
    }
    const v = this.pool.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }

  /** Index of the word `t[s, e)` with hash `h`, analysed on first sight. */
  private lookup(t: string, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1;
    const len = e - s;
    // A slot's hash is compared before its word: most probes that hit another word stop there.
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = this.slots[k]!;
      if (slot === 0) break;
      if (this.slotHashes[k] !== h) continue;
      const w = this.texts[slot - 1]!;
      if (w.length === len && sameAt(t, s, w)) return slot - 1;
    }
    const w = t.slice(s, e);
    const i = this.of(w);
    this.texts.push(w);
    this.hashes.push(h);
    if (this.texts.length * 2 > this.slots.length) this.rehash();
    else this.place(h, i);
    return i;
  }

  private place(h: number, i: number): void {
    const mask = this.slots.length - 1;
    let k = h & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = i + 1;
    this.slotHashes[k] = h;
  }

  /** Doubles the table (load ≤ 1/2) and places every word again. */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.slotHashes = new Int32Array(this.slots.length);
    for (let i = 0; i < this.hashes.length; i++) this.place(this.hashes[i]!, i);
  }

  /** Analyses a new distinct word: its terms and its shingle id. */
  private of(w: string): number {
    // Shingles use plain words, not identifier parts: splitting `GHSA-pj86-cfqh-vqx6` into four terms
    // would let shared ids outweigh the words that differ ("Revert security fix for …" vs "Security fix for …").
    // The plain word's stem is the whole-word term (words are ASCII: lower-casing keeps their ends).
    const terms: string[] = [];
    const t = addWordTerms(w, terms);
    let id = 0;
    if (t !== undefined) {
      id = this.ids.get(t) ?? 0;
      if (!id) {
        id = this.ids.size + 1;
        this.ids.set(t, id);
      }
    }
    this.infos.push({ terms, id });
    this.wordFacts.push(wordFacts(w));
    return this.infos.length - 1;
  }

  /** Number of scoring terms of a unit's words (its BM25 length). */
  termCount(words: Words): number {
    let n = 0;
    for (const w of words) n += this.infos[w]!.terms.length;
    return n;
  }

  /** Term frequencies of the terms in `qs` among a unit's words; undefined when none occurs. */
  queryFrequencies(words: Words, qs: ReadonlySet<string>): Map<string, number> | undefined {
    const hit = this.hits(qs);
    let tf: Map<string, number> | undefined;
    for (const w of words) {
      if (!hit[w]) continue;
      for (const t of this.infos[w]!.terms) {
        if (!qs.has(t)) continue;
        tf ??= new Map();
        tf.set(t, (tf.get(t) ?? 0) + 1);
      }
    }
    return tf;
  }

  /** Per distinct word: 1 when one of its terms is in `qs` (computed once per query set). */
  private hits(qs: ReadonlySet<string>): Uint8Array {
    if (this.hitMask.length === this.infos.length) {
      if (this.hitSet === qs) return this.hitMask;
      const key = [...qs].join("\u0000");
      if (this.hitFor === key) {
        this.hitSet = qs;
        return this.hitMask;
      }
    }
    this.hitSet = qs;
    this.hitFor = [...qs].join("\u0000");
    this.hitMask = new Uint8Array(this.infos.length);
    this.infos.forEach((info, w) => {
      if (info.terms.some((t) => qs.has(t))) this.hitMask[w] = 1;
    });
    return this.hitMask;
  }

  /** Word 3-gram shingles of a unit's words as sorted, unique 32-bit ids, for near-duplicate detection. */
  shingles(words: Words): Uint32Array {
    if (this.scratch.length < words.length) this.scratch = new Uint32Array(words.length * 2);
    const ids = this.scratch;
    let k = 0;
    for (const w of words) {
      const id = this.infos[w]!.id;
      if (id) ids[k++] = id;
    }
    return shingleIds(ids, k);
  }
}

/** Frequencies of the query's terms in one unit (undefined: none occurs). */
export type QueryFrequencies = Map<string, number> | undefined;

/** Query term frequencies of every unit for the terms of `query` (undefined without a query). */
export function queryFrequenciesOf(words: readonly Words[], lexicon: Lexicon, query: string | undefined): QueryFrequencies[] | undefined {
  const qs = new Set(terms(query ?? ""));
  return qs.size ? words.map((w) => lexicon.queryFrequencies(w, qs)) : undefined;
}

/**
 * BM25 of every unit for the query terms `q` (the shared `Bm25Index`, fed only the query terms' counts
 * and each unit's length: no term map per unit), and the number of distinct query terms each contains.
 */
function queryStats(words: readonly Words[], lengths: readonly number[], lexicon: Lexicon, q: readonly string[], tfs?: readonly QueryFrequencies[]): { bm25: Float64Array; distinct: Uint16Array } {
  const qs = new Set(q);
  const none: ReadonlyMap<string, number> = new Map();
  const distinct = new Uint16Array(words.length);
  const index = new Bm25Index(
    words.map((w, i) => {
      const tf = tfs ? tfs[i] : lexicon.queryFrequencies(w, qs);
      distinct[i] = tf?.size ?? 0;
      return { tf: tf ?? none, length: lengths[i]! };
    }),
  );
  const bm25 = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) if (distinct[i]) bm25[i] = index.score(i, q);
  return { bm25, distinct };
}

/** Heading paths sharing a query term beyond this share are structure (the document's title), not a match. */
const HEADING_TERM_SHARE = 0.25;

/**
 * How many distinct, selective query terms each unit's enclosing headings contain (0 without a query).
 * A term found in the heading paths of more than a quarter of the sections (the title word of a design
 * doc, `time` in every "time.Now usage" appendix entry) singles nothing out and does not count.
 */
export function headingRelevance(units: readonly Unit[], query: string | undefined, lexicon?: Lexicon): number[] {
  const qs = new Set(terms(query ?? ""));
  if (!qs.size) return units.map(() => 0);
  // The input's lexicon has analysed most heading words already (a title is also a word of the text).
  const termsOf = lexicon ? (t: string) => lexicon.termsOf(t) : (t: string) => terms(t);
  const paths = new Map<string, Set<string>>();
  // The units of a section follow each other and share its path: looked up once per run.
  let last: string | undefined;
  for (const u of units) {
    if (u.headings === last) continue;
    last = u.headings;
    if (u.headings && !paths.has(u.headings)) paths.set(u.headings, new Set(termsOf(u.headings).filter((t) => qs.has(t))));
  }
  const df = new Map<string, number>();
  for (const hits of paths.values()) for (const t of hits) df.set(t, (df.get(t) ?? 0) + 1);
  const limit = Math.max(1, paths.size * HEADING_TERM_SHARE);
  const count = new Map<string, number>();
  for (const [p, hits] of paths) count.set(p, [...hits].filter((t) => df.get(t)! <= limit).length);
  const out: number[] = [];
  let lastCount = 0;
  last = undefined;
  for (const u of units) {
    if (u.headings !== last) {
      last = u.headings;
      lastCount = last ? count.get(last)! : 0;
    }
    out.push(lastCount);
  }
  return out;
}

/** The text a reader sees: without HTML tags, image and link targets, and bare URLs. */
export function visibleText(text: string): string {
  // Most sentences have none of these: skip the five passes.
  if (!/[<\]\\]|https?:/.test(text)) return text;
  return text
    .replace(/<[^>\n]*>/g, " ")
    .replace(/!\[[^\]\n]*\]\([^)\s]*\)/g, " ")
    .replace(/\]\([^)\s]*\)/g, "]")
    .replace(/<?https?:\/\/[^\s>)]+>?/g, " ")
    // roff font switches and escaped hyphens of man pages: `\fB\-\-tabstop\fR` reads `--tabstop`.
    .replace(/\\f[BIRP]|\\f\(\w\w/g, "")
    .replace(/\\-/g, "-");
}

/** A unit that states a default value: `(default: 8)`, `defaults to`, `Default is`, `# default: yes`. */
const STATES_DEFAULT = /\bdefault(?:s to|\s+is|\s+value\b|\s*[:=])|\(default\b|\bby default\b/i;

/** Distinct query terms a unit must touch before each further one raises its score. */
const COVERAGE_FROM = 2;

/**
 * Score of each unit: relevance, salience, position and kind. Deterministic. `headingHits`, `tfs` and
 * `facts`: `headingRelevance`, `queryFrequenciesOf` and `Lexicon.facts` for these units and query, when
 * the caller has them.
 */
export function scoreUnits(
  units: readonly Unit[],
  query: string | undefined,
  words: readonly Words[],
  lexicon: Lexicon,
  headingHits?: readonly number[],
  tfs?: readonly QueryFrequencies[],
  facts?: ArrayLike<number>,
): number[] {
  // Terms of the words a reader sees: link targets, URLs and HTML tags are not content.
  const lengths = words.map((w) => lexicon.termCount(w));
  const q = [...new Set(terms(query ?? ""))];
  const stats = q.length ? queryStats(words, lengths, lexicon, q, tfs) : undefined;
  const seenSection = new Set<number>();
  const hits = headingHits ?? headingRelevance(units, query, lexicon);
  return units.map((u, i) => {
    let s = 1;
    const rel = stats ? Math.min(4, stats.bm25[i]!) : 0;
    // A section whose title answers the question lends weight to everything in it.
    const headingRel = Math.min(2, hits[i]! * 0.8);
    const f = facts ? facts[i]! : -1;
    s += salience(u.text, f);
    // The default value of a setting is the fact a reader looks such an entry up for.
    if ((f < 0 || f & HAS_DEFAULT) && STATES_DEFAULT.test(u.text)) s += 1;
    // The first unit of a section usually says what the section is about.
    // (Decoration such as a badge or an <img> line does not count as that first unit.)
    if (!seenSection.has(u.section) && lengths[i]! >= 3) {
      seenSection.add(u.section);
      s += 0.5;
    }
    if ((u.kind === "para" || u.kind === "item") && u.index === 0) s += 0.4;
    if (u.kind === "code" || u.kind === "table") s += 0.3;
    // Relevance multiplies: a salient sentence about something else should not beat an answer.
    s *= 1 + 0.6 * rel + 0.5 * headingRel;
    // BM25 saturates; a sentence touching many of the question's distinct terms is likely its answer.
    const distinct = stats ? stats.distinct[i]! : 0;
    if (distinct > COVERAGE_FROM) s *= 1 + 0.25 * (distinct - COVERAGE_FROM);
    if (u.setting) s += 1.5;
    if (lengths[i]! < 3 && !u.setting) s *= 0.5; // fragments: "See below.", "::"
    return s;
  });
}
