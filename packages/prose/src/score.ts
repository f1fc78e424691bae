/**
 * Scoring of prose units, without ML: BM25 relevance to the user's question, salience (numbers,
 * identifiers, flags, versions, names, normative words), position (first sentence of a section or
 * paragraph), and a near-duplicate test on word shingles.
 */
import { Bm25Index } from "@headroom/text";
import type { Unit } from "./blocks.js";
import type { Lexicon, Words } from "./lexicon.js";
import { HAS_DEFAULT, salience } from "./salience.js";
import { terms } from "./terms.js";

export { salience };
export { Lexicon, visibleText, type Words } from "./lexicon.js";
export { terms } from "./terms.js";

/** Frequencies of the query's terms in one unit (undefined: none occurs). */
export type QueryFrequencies = Map<string, number> | undefined;

/** Query term frequencies of every unit for the terms of `query` (undefined without a query). */
export function queryFrequenciesOf(words: readonly Words[], lexicon: Lexicon, query: string | undefined, hits?: ArrayLike<number>): QueryFrequencies[] | undefined {
  const qs = queryTermSet(query);
  // `hits`: which units hold a query term (`Lexicon.hit`, with `qs` given to the lexicon); the others have none.
  return qs.size ? words.map((w, i) => (hits && !hits[i] ? undefined : lexicon.queryFrequencies(w, qs))) : undefined;
}

/** The set of the query's terms (empty without a query). */
export function queryTermSet(query: string | undefined): Set<string> {
  return new Set(terms(query ?? ""));
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
