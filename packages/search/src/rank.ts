/**
 * Ranking of match lines: BM25 of the question's words against each line's words (identifiers split at
 * camelCase/snake_case, light stemming) and path words, plus small priors for declaration-shaped lines
 * and documentation, a penalty for test files, and per-file diversity. The budget is then spent greedily
 * by value per character so that many short informative lines beat a few long ones.
 */
import type { SearchLine } from "./parse.js";
import { isDataPath, isDocPath, isHistoryPath, isTestPath, queryTerms, splitIdentifier, stem } from "@headroom/text";
import { definesSymbol, isDefinition, isTestCase } from "./score.js";

/**
 * Words of a text: identifiers split at case changes and `_` (the toolkit's `splitIdentifier`), lower
 * case, lightly stemmed (the toolkit's `stem`), at least 2 characters; digits-only runs are not words.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(IDENTIFIER) ?? []) {
    let parts = partsCache.get(raw);
    if (!parts) {
      parts = splitIdentifier(raw)
        .map((p) => singular(stem(p.toLowerCase())))
        .filter((w) => w.length >= 2);
      // Identifiers repeat across lines: a bounded cache (cleared when full) keeps splitting linear.
      if (partsCache.size >= PARTS_CACHE_MAX) partsCache.clear();
      partsCache.set(raw, parts);
    }
    for (const w of parts) out.push(w);
  }
  return out;
}

/**
 * The toolkit's `stem` leaves words of up to five letters alone; search terms are often short plurals of
 * the names in paths and code (`flags/` for "flag", `keys`, `tests`), so a plain plural `s` is folded too.
 */
function singular(w: string): string {
  return w.length >= 4 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is") ? w.slice(0, -1) : w;
}

const IDENTIFIER = /[A-Za-z][A-Za-z0-9]*/g;
const PARTS_CACHE_MAX = 50_000;
const partsCache = new Map<string, string[]>();

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

/** Term frequencies of every line when the question has no terms (shared, never written). */
const NO_TERMS: ReadonlyMap<string, number> = new Map();

export interface Ranked {
  line: SearchLine;
  score: number;
}

/**
 * Scores every match line against the question. `symbol` (lower case) is the searched pattern: its words
 * are in every line and so carry no information; they are excluded from the question's words.
 */
export function rankMatches(
  matches: readonly SearchLine[],
  query: string | undefined,
  symbol: string | undefined,
  textWords: (m: SearchLine) => readonly string[] = (m) => words(m.text ?? ""),
  shaped: (m: SearchLine) => boolean = (m) => isDefinition(m.text ?? ""),
): Map<SearchLine, number> {
  const symbolWords = new Set(symbol ? words(symbol) : []);
  const terms = [...new Set(queryTerms(query).words.flatMap((t) => words(t)))].filter((t) => !symbolWords.has(t) && t.length >= 3);
  const n = matches.length;
  const paths = new Map<string, PathFacts>();
  const facts = (path: string): PathFacts => {
    const known = paths.get(path);
    if (known) return known;
    const f = pathFacts(path);
    paths.set(path, f);
    return f;
  };
  // Only the question's terms matter for BM25: a line's other words are not counted at all.
  const wanted = new Set(terms);
  const docs = matches.map((m) => {
    if (!wanted.size) return NO_TERMS;
    const tf = new Map<string, number>();
    for (const w of textWords(m)) if (wanted.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const w of facts(m.path ?? "").words) if (wanted.has(w)) tf.set(w, (tf.get(w) ?? 0) + 0.5);
    return tf;
  });
  const idf = terms.map((t) => {
    let df = 0;
    for (const d of docs) if (d.has(t)) df++;
    return Math.max(0, Math.log((n - df + 0.5) / (df + 0.5) + 1));
  });
  const asksHistory = terms.some((t) => HISTORY_WORDS.has(t));
  const asksTests = terms.includes("test");
  const out = new Map<SearchLine, number>();
  matches.forEach((m, i) => {
    const d = docs[i]!;
    let s = 0;
    terms.forEach((t, k) => {
      const f = d.get(t) ?? 0;
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
