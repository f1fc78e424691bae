/**
 * Okapi BM25 over a small set of documents (the items of one stored original). Pure and deterministic:
 * ties keep document order.
 */

/** Words that carry no signal in a question ("which block was replicated?"). */
const STOPWORDS = new Set(
  "a an and are as at be by did do does for from has have how i in is it its of on or that the this to was were what when where which who why with".split(" "),
);

/** Share of documents above which a term is structural rather than selective. */
const UBIQUITOUS = 0.99;

const SPLITTABLE = /_|[\p{Ll}\p{N}]\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;

/**
 * Lower-cased word tokens. Identifiers are kept whole (`lookupKeyRead` → `lookupkeyread`) and also split
 * at camelCase and `_` boundaries, so both `lookupKeyRead` and `key read` find them.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const w = m[0];
    const lower = w.toLowerCase();
    out.push(lower);
    // Most words have no inner boundary: skip the splitting work for them (it dominates on big texts).
    if (!SPLITTABLE.test(w)) continue;
    const parts = w
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
      .split(/[\s_]+/)
      .filter(Boolean);
    if (parts.length > 1) for (const p of parts) out.push(p.toLowerCase());
  }
  return out;
}

/** Query terms: tokens without stopwords (all tokens if the query is only stopwords), deduplicated. */
export function queryTerms(query: string): string[] {
  const all = [...new Set(tokenize(query))];
  const kept = all.filter((t) => !STOPWORDS.has(t));
  return kept.length ? kept : all;
}

/** A scored document: its index in the input and its BM25 score (> 0). */
export interface Scored {
  index: number;
  score: number;
}

/**
 * BM25 scores (k1 = 1.2, b = 0.75, Lucene's non-negative IDF) of every document for `query`, best
 * first; documents without any query term are left out. Terms present in over 99% of the documents are
 * ignored when the query has more specific ones. A document that contains the whole query as
 * a phrase (case-insensitive) gets a bonus (half its matched terms' IDF), so exact lookups rank first.
 */
export function bm25(docs: readonly string[], query: string, k1 = 1.2, b = 0.75): Scored[] {
  const terms = queryTerms(query);
  if (!terms.length || !docs.length) return [];
  const termSet = new Set(terms);
  const tfs: Map<string, number>[] = [];
  const lens: number[] = [];
  const df = new Map<string, number>();
  for (const d of docs) {
    const toks = tokenize(d);
    lens.push(toks.length);
    const tf = new Map<string, number>();
    for (const t of toks) if (termSet.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    tfs.push(tf);
  }
  const n = docs.length;
  // Terms found in nearly every item (JSON keys, a log level on every line) cannot select anything: they
  // only count when the query has nothing more specific.
  const specific = terms.filter((t) => (df.get(t) ?? 0) > 0 && (df.get(t) ?? 0) <= UBIQUITOUS * n);
  const scoring = specific.length ? specific : terms;
  const avg = lens.reduce((a, x) => a + x, 0) / n || 1;
  const phrase = query.trim().toLowerCase();
  const out: Scored[] = [];
  for (let i = 0; i < n; i++) {
    const tf = tfs[i]!;
    if (!tf.size) continue;
    let s = 0;
    let idfSum = 0;
    for (const t of scoring) {
      const f = tf.get(t);
      if (!f) continue;
      const dft = df.get(t)!;
      const idf = Math.log(1 + (n - dft + 0.5) / (dft + 0.5));
      idfSum += idf;
      s += (idf * (f * (k1 + 1))) / (f + k1 * (1 - b + (b * lens[i]!) / avg));
    }
    // Additive, so a document with only some of the terms still clears a relative threshold.
    if (phrase.length > 2 && docs[i]!.toLowerCase().includes(phrase)) s += idfSum / 2;
    if (s > 0) out.push({ index: i, score: s });
  }
  return out.sort((x, y) => y.score - x.score || x.index - y.index);
}
