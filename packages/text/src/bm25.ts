/**
 * Okapi BM25 (Lucene's non-negative IDF) over a fixed set of documents. Documents are token lists or
 * weighted term-frequency maps (a path word may count half); `k1` and `b` are options (`b: 0` ignores
 * document length, for one-line documents). Pure and deterministic: ties keep document order.
 */
import { FUNCTION_WORDS } from "./terms.js";
import { tokenize } from "./words.js";

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation. Default 1.2. */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full). Default 0.75. */
  b?: number;
}

/**
 * A document: its tokens; or term → (possibly fractional) frequency, whose length is the sum of the
 * frequencies; or such a map with the document's true length (when only some terms were counted).
 */
export type Bm25Doc = readonly string[] | ReadonlyMap<string, number> | { readonly tf: ReadonlyMap<string, number>; readonly length: number };

/** Lucene's BM25 IDF, never negative: `ln(1 + (n − df + 0.5) / (df + 0.5))`. */
export function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** BM25 index of a fixed list of documents. */
export class Bm25Index {
  /** Number of documents. */
  readonly size: number;
  private readonly tfs: ReadonlyMap<string, number>[];
  private readonly lens: number[];
  private readonly dfs = new Map<string, number>();
  private readonly avgLen: number;
  private readonly k1: number;
  private readonly b: number;

  constructor(docs: readonly Bm25Doc[], o: Bm25Options = {}) {
    this.k1 = o.k1 ?? 1.2;
    this.b = o.b ?? 0.75;
    this.tfs = docs.map((d) => (Array.isArray(d) ? counts(d) : "tf" in d ? d.tf : (d as ReadonlyMap<string, number>)));
    this.lens = this.tfs.map((tf, i) => {
      let n = 0;
      for (const [t, f] of tf) {
        n += f;
        if (f > 0) this.dfs.set(t, (this.dfs.get(t) ?? 0) + 1);
      }
      const d = docs[i]!;
      return !Array.isArray(d) && "length" in d && "tf" in d ? d.length : n;
    });
    this.size = docs.length;
    // An all-empty set has average length 0: treat it as 1 so that no length is divided by zero.
    this.avgLen = this.lens.reduce((a, x) => a + x, 0) / Math.max(1, docs.length) || 1;
  }

  /** Number of documents that contain `term`. */
  df(term: string): number {
    return this.dfs.get(term) ?? 0;
  }

  /** IDF of `term` among these documents. */
  idf(term: string): number {
    return bm25Idf(this.size, this.df(term));
  }

  /** Frequency of `term` in document `i` (0 when absent). */
  tf(i: number, term: string): number {
    return this.tfs[i]?.get(term) ?? 0;
  }

  /** BM25 score of document `i` for `terms` (each counted once per occurrence in `terms`). */
  score(i: number, terms: readonly string[]): number {
    const tf = this.tfs[i];
    if (!tf) return 0;
    const norm = this.k1 * (1 - this.b + (this.b * this.lens[i]!) / this.avgLen);
    let s = 0;
    for (const t of terms) {
      const f = tf.get(t);
      if (!f || f <= 0) continue;
      s += (this.idf(t) * (f * (this.k1 + 1))) / (f + norm);
    }
    return s;
  }
}

function counts(tokens: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/**
 * Words of a search query: {@link tokenize} tokens without `stopwords` (default {@link FUNCTION_WORDS}:
 * modals and verbs such as `should`, `can`, `get` are identifier parts here), deduplicated in order; all tokens when
 * the query is only stopwords ("what is it" still finds something).
 */
export function queryWords(query: string, stopwords: ReadonlySet<string> = FUNCTION_WORDS): string[] {
  const all = [...new Set(tokenize(query))];
  const kept = all.filter((t) => !stopwords.has(t));
  return kept.length ? kept : all;
}

/** A scored document: its index in the input and its score (> 0). */
export interface Scored {
  index: number;
  score: number;
}

/** Options of {@link rankBm25}. */
export interface RankOptions extends Bm25Options {
  /**
   * Terms in more than this share of the documents are structural (JSON keys, a level on every line)
   * and only count when the query has nothing more specific. Default 0.99.
   */
  ubiquitous?: number;
  /** Query words dropped (see {@link queryWords}). Default {@link FUNCTION_WORDS}. */
  stopwords?: ReadonlySet<string>;
}

/**
 * Documents ranked by BM25 for `query`, best first (ties in document order); documents without any
 * query word are left out. A document containing the whole query as a phrase (case-insensitive) gets
 * half its matched terms' IDF on top, so exact lookups rank first.
 */
export function rankBm25(docs: readonly string[], query: string, o: RankOptions = {}): Scored[] {
  const terms = queryWords(query, o.stopwords);
  if (!terms.length || !docs.length) return [];
  const termSet = new Set(terms);
  // Only query words are counted: documents can be large and most of their words never matter.
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    let length = 0;
    for (const t of tokenize(d)) {
      length++;
      if (termSet.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    return { tf, length };
  });
  const index = new Bm25Index(tfs, o);
  const n = docs.length;
  const share = o.ubiquitous ?? 0.99;
  const specific = terms.filter((t) => index.df(t) > 0 && index.df(t) <= share * n);
  const scoring = specific.length ? specific : terms;
  const phrase = query.trim().toLowerCase();
  const out: Scored[] = [];
  for (let i = 0; i < n; i++) {
    const tf = tfs[i]!.tf;
    if (!tf.size) continue;
    let s = index.score(i, scoring);
    // Additive, so a document with only some of the terms still clears a relative threshold.
    if (phrase.length > 2 && docs[i]!.toLowerCase().includes(phrase)) {
      let idfSum = 0;
      for (const t of scoring) if (tf.has(t)) idfSum += index.idf(t);
      s += idfSum / 2;
    }
    if (s > 0) out.push({ index: i, score: s });
  }
  return out.sort((x, y) => y.score - x.score || x.index - y.index);
}
