/**
 * Ranking of match lines: BM25 of the question's words against each line's words (identifiers split at
 * camelCase/snake_case, light stemming) and path words, plus small priors for declaration-shaped lines
 * and documentation, a penalty for test files, and per-file diversity. The budget is then spent greedily
 * by value per character so that many short informative lines beat a few long ones.
 */
import type { SearchLine } from "./parse.js";
import { bm25Idf, isDataPath, isDocPath, isHistoryPath, isTestPath, queryTerms, type QueryTerms } from "@headroom/text";
import { clearWhenFull, intern, internedWord, nextIdentifier, scan } from "./wordcache.js";
import { definesSymbol, isDefinition, isTestCase } from "./score.js";

/**
 * Words of a text: identifiers split at case changes and `_` (the toolkit's `splitIdentifier`), lower
 * case, lightly stemmed (the toolkit's `stem`), at least 2 characters; digits-only runs are not words.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (let ws = nextIdentifier(text, 0); ws; ws = nextIdentifier(text, scan.end)) for (const w of ws) out.push(w.word);
  return out;
}

/** The `WordIds` whose ids the interned words hold (a newer one renumbers them). */
let epoch = 0;

/**
 * The words of one input's lines as ids (ids stand for words within one instance), so that features and
 * ranking compare and count small integers instead of hashing word strings on every line. Ids live on
 * the interned words: an instance is valid until the next one is made (it throws when used after).
 */
export class WordIds {
  private readonly epoch: number;
  private next = 0;
  /** `skip`: words left out of every line (the searched symbol's, which every line shares). */
  constructor(skip: Iterable<string> = []) {
    clearWhenFull();
    this.epoch = ++epoch;
    for (const s of skip) {
      const w = intern(s);
      w.epoch = this.epoch;
      w.id = -1;
    }
  }

  /** The id of a word (`undefined` when no text given to `of` had it; `-1` when skipped). */
  id(word: string): number | undefined {
    this.check();
    const w = internedWord(word);
    return w && w.epoch === this.epoch ? w.id : undefined;
  }

  /** The ids of the words of a text, in order and with repeats (`words(text)` without the skipped ones). */
  of(text: string): number[] {
    this.check();
    const out: number[] = [];
    for (let ws = nextIdentifier(text, 0); ws; ws = nextIdentifier(text, scan.end))
      for (const w of ws) {
        if (w.epoch !== this.epoch) {
          w.epoch = this.epoch;
          w.id = this.next++;
        }
        if (w.id >= 0) out.push(w.id);
      }
    return out;
  }

  private check(): void {
    if (this.epoch !== epoch) throw new Error("WordIds used after a newer instance was made");
  }
}

/** Word ids of match lines: how `rankMatches` counts the question's words in them. */
export interface LineWordIds {
  /** The id of a word, asked once every line's ids are known. */
  id(w: string): number | undefined;
  /** A line's word ids (see `WordIds.of`). */
  of(m: SearchLine): readonly number[];
}


const HISTORY_WORDS = new Set([
  "changelog",
  "chang",
  "change",
  "release",
  "releas",
  "version",
  "histor",
  "history",
  "news",
  "introduc",
  "introduce",
  "deprecat",
  "deprecate",
]);
// A key, field or assignment of the symbol: `"timeout": x`, `timeout: Type`, `timeout = …`, `Some("no-x")`.
const KEYED = /^\s*(?:["'`]?[\w.$-]+["'`]?\s*[:=](?!=)|[\w.$]+\s*\(\s*["'`][\w-]+["'`]\s*\)\s*,?\s*$)|^\s*\w+\s+[*[\]\w.]+\s+`[^`]*`\s*$/;

// Lines that say where failures and deprecations happen: readers look for these first.
// Macro spellings count too (`JSON_THROW(`, `BOOST_THROW_EXCEPTION`).
const RAISES = /(?:\b|_)(?:throw|raise|panic!?|abort|THROW|RAISE|PANIC|ABORT)(?:\b|_)|\bErr\(|@deprecated|\bDeprecated\b/;

/** What a path says about its lines, worked out once per path. */
interface PathFacts {
  words: string[];
  doc: boolean;
  history: boolean;
  test: boolean;
  data: boolean;
}

function pathFacts(path: string): PathFacts {
  // Data and generated files hold no definitions, whatever their lines look like (a CSV row can pass
  // for a C prototype); release notes mention a symbol when it changed, not where it lives.
  return { words: words(path), doc: isDocPath(path), history: isHistoryPath(path), test: isTestPath(path), data: isDataPath(path) };
}

// In a test file a function declaration is a test case (Rust `#[test] fn …`, JUnit/Kotlin `fun …()`):
// its name says what behaviour it pins down, like `it('…')` does.
const TEST_FUNCTION = /^\s*(?:(?:pub|async|public|private|internal|override|suspend|static)\s+)*(?:fn|fun|def|func|function|void)\s+\w+\s*\(/;

/**
 * The word ids of `lines` (each line's words found once, without the `skip`ped ones), for ranking and
 * features to share. It makes a new `WordIds`, so ids from an earlier one are no longer valid.
 */
export function lineWordIds(lines: readonly SearchLine[], skip: Iterable<string> = []): LineWordIds {
  const ids = new WordIds(skip);
  // By line index, not by line: no hashing of lines on every lookup.
  const seqs: number[][] = [];
  for (const m of lines) seqs[m.index] = ids.of(m.text ?? "");
  return { id: (w) => ids.id(w), of: (m) => seqs[m.index] ?? [] };
}

export interface Ranked {
  line: SearchLine;
  score: number;
}

/**
 * Scores every match line against the question. `symbol` (lower case) is the searched pattern: its words
 * are in every line and so carry no information; they are excluded from the question's words. `query`
 * may come as its `queryTerms` already (only their words count here).
 */
export function rankMatches(
  matches: readonly SearchLine[],
  query: string | QueryTerms | undefined,
  symbol: string | undefined,
  lineWords?: LineWordIds,
  shaped: (m: SearchLine) => boolean = (m) => isDefinition(m.text ?? ""),
): Map<SearchLine, number> {
  const symbolWords = new Set(symbol ? words(symbol) : []);
  const terms = [...new Set((typeof query === "object" ? query : queryTerms(query)).words.flatMap((t) => words(t)))].filter((t) => !symbolWords.has(t) && t.length >= 3);
  const n = matches.length;
  const paths = new Map<string, PathFacts>();
  const facts = (path: string): PathFacts => {
    const known = paths.get(path);
    if (known) return known;
    const f = pathFacts(path);
    paths.set(path, f);
    return f;
  };
  // Only the question's terms matter for BM25: a line's other words are not counted at all. Counts are
  // kept per line and term in one flat array (term `k` of line `i` at `i * terms.length + k`); text words
  // are found by id, path words (a handful per file) by name.
  const nt = terms.length;
  const tf = new Float64Array(n * nt);
  if (nt) {
    const ws = lineWords ?? lineWordIds(matches);
    const seqs = matches.map((m) => ws.of(m));
    // The term of each word id, by id (k + 1; 0: no term), up to the largest id a term has.
    const termIds = terms.map((t) => ws.id(t) ?? -1);
    const termOfId = new Int32Array(Math.max(-1, ...termIds) + 1);
    termIds.forEach((id, k) => {
      if (id >= 0) termOfId[id] = k + 1;
    });
    const termOf = new Map(terms.map((t, k) => [t, k]));
    matches.forEach((m, i) => {
      for (const id of seqs[i]!) {
        const k = id < termOfId.length ? termOfId[id]! - 1 : -1;
        if (k >= 0) tf[i * nt + k]! += 1;
      }
      for (const w of facts(m.path ?? "").words) {
        const k = termOf.get(w);
        if (k !== undefined) tf[i * nt + k]! += 0.5;
      }
    });
  }
  const idf = terms.map((_, k) => {
    let df = 0;
    for (let i = 0; i < n; i++) if (tf[i * nt + k]! > 0) df++;
    return bm25Idf(n, df);
  });
  const asksHistory = terms.some((t) => HISTORY_WORDS.has(t));
  const asksTests = terms.includes("test");
  const out = new Map<SearchLine, number>();
  matches.forEach((m, i) => {
    let s = 0;
    terms.forEach((_, k) => {
      const f = tf[i * nt + k]!;
      if (f > 0) s += (idf[k]! * f * 2.2) / (f + 1.2);
    });
    const text = m.text ?? "";
    const path = m.path ?? "";
    const f = facts(path);
    // Priors: declarations, keys and assignments say what something is; docs say how it is meant.
    // A test case's name says in words what behaviour it pins down.
    const testCase = isTestCase(text) || (f.test && TEST_FUNCTION.test(text));
    if (testCase) s += 1;
    // Declaring the searched symbol says what it is; declaring a local from it (`var id = x.id`) is a use.
    else if (!f.data && shaped(m)) s += definesSymbol(text, symbol, true) ? 1 : 0.3;
    else if (KEYED.test(text)) s += 0.6;
    if (RAISES.test(text)) s += 0.4;
    if (f.doc && !f.history) s += 0.5;
    if (f.history && !asksHistory) s *= 0.5;
    // A test file's own lines are worth half a source's, but its test names are what it is about.
    if (f.test && !asksTests) s = testCase ? (s - 1) * 0.5 + 1 : s * 0.5;
    if (f.data) s *= 0.5;
    out.set(m, s + 0.1);
  });
  return out;
}
