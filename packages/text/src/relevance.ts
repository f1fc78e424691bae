/**
 * Rarity-weighted relevance of documents (lines, items, hunks, bodies) to a question's terms. A term that
 * occurs in many documents is structural (the column name of every row) and weighs little or nothing; an
 * exact token that occurs in a few documents (an IP, a user name, an identifier) weighs most.
 */
import type { QueryTerms } from "./terms.js";

/** Relevance scores of a fixed list of documents. */
export interface Relevance {
  /** True when at least one term is selective (occurs in some but not most documents). */
  readonly active: boolean;
  /** Score of document `i` (0 when it matches nothing). */
  score(i: number): number;
  /** Score of any text against the same term weights. */
  scoreText(text: string): number;
  /** Number of exact (verbatim) terms document `i` contains. */
  exactHits(i: number): number;
}

/** Options of {@link relevance}. */
export interface RelevanceOptions {
  /** Terms found in more than this share of documents are ignored (not selective). Default 0.5. */
  maxShare?: number;
  /** Weight of an exact-token match relative to a word match. Default 4. */
  exactWeight?: number;
}

const SUFFIX = /(?:ations?|ing|ed|es|s|ly)$/;

/** Light stemming for word matching: `replicated` and `replication` both match `replicat…`. */
export function stem(word: string): string {
  const w = word.toLowerCase();
  const s = w.length > 5 ? w.replace(SUFFIX, "") : w;
  return s.length >= 3 ? s : w;
}

/**
 * Aggressive stemming for matching words of running prose: strip a common English suffix, then keep six
 * characters, so that `config`/`configuration` and `compressed`/`compression` meet (which {@link stem}
 * keeps apart on purpose, for identifiers). Expects a lower-case word; anything but `[a-z]+` is returned
 * as is. Used by `@headroom/prose`, where it keeps one more probe answer visible than `stem` does.
 */
export function stemLoose(word: string): string {
  // Char tests, not regexes: this runs once per distinct word of every input (prose, search, relevance).
  const n = word.length;
  if (n === 0) return word;
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) return word;
  }
  const cut = looseSuffix(word);
  return n - cut >= 3 ? word.slice(0, Math.min(6, n - cut)) : word.slice(0, 6);
}

/**
 * Length of the suffix `stemLoose` strips (0: none): the longest of ations?, ions?, ings?, ed, es, s, ly
 * that `word` ends with (what a `$`-anchored alternation of them removes), by the word's last letter.
 */
function looseSuffix(word: string): number {
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface Term {
  test(text: string): boolean;
  weight: number;
  exact: boolean;
}

function compile(terms: QueryTerms): Term[] {
  const out: Term[] = [];
  for (const e of terms.exact) out.push({ test: (t) => t.includes(e), weight: 1, exact: true });
  for (const w of terms.words) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(stem(w))}`, "iu");
    out.push({ test: (t) => re.test(t), weight: 1, exact: false });
  }
  return out;
}

/**
 * The rarity weight of a term that `df` of `n` documents hold: log(1 + n/df), or 0 when none or more
 * than `maxShare` of them do (not selective). `relevance` weighs terms with it.
 */
export function idfWeight(df: number, n: number, maxShare: number): number {
  return !df || df > Math.max(1, n * maxShare) ? 0 : Math.log(1 + n / df);
}

/** Scores `docs` against `terms`, weighting each term by its rarity among the documents (IDF). */
export function relevance(terms: QueryTerms, docs: readonly string[], o: RelevanceOptions = {}): Relevance {
  const maxShare = o.maxShare ?? 0.5;
  const exactWeight = o.exactWeight ?? 4;
  const compiled = compile(terms);
  const n = docs.length;
  const scores = new Float64Array(n);
  const exact = new Uint16Array(n);
  const weights: number[] = [];
  let active = false;
  for (const t of compiled) {
    const hits: number[] = [];
    for (let i = 0; i < n; i++) if (t.test(docs[i]!)) hits.push(i);
    const idf = idfWeight(hits.length, n, maxShare);
    if (!idf) {
      weights.push(0);
      continue;
    }
    active = true;
    const w = idf * (t.exact ? exactWeight : 1);
    weights.push(w);
    for (const i of hits) {
      scores[i]! += w;
      if (t.exact) exact[i]!++;
    }
  }
  return {
    active,
    score: (i) => scores[i] ?? 0,
    exactHits: (i) => exact[i] ?? 0,
    scoreText(text) {
      let s = 0;
      compiled.forEach((t, k) => {
        if (weights[k]! > 0 && t.test(text)) s += weights[k]!;
      });
      return s;
    },
  };
}
