/**
 * Importance of a changed line, without ML: what a reviewer reads first. Definitions and signatures,
 * test names, messages in string literals, comments that explain, versions and query terms score high;
 * braces, blank lines and repeated lines score low; removed lines count less than added ones, and
 * less still when the added lines beside them bring their words back (the old half of a modified line).
 */
import { isSpaceCode, STOPWORDS, tokenize } from "@headroom/text";

const DEFINITION =
  /^\s*(?:export\s+|pub(?:\([\w:]+\))?\s+|public\s+|private\s+|protected\s+|internal\s+|static\s+|async\s+|abstract\s+|final\s+|inline\s+|virtual\s+|extern\s+|override\s+|default\s+)*(?:def|class|function\*?|fn|func|interface|struct|enum|trait|impl|type|module|namespace|template|typedef|union|macro_rules!|object|record|package|import|from\s+\S+\s+import|using|#\s*define|#\s*include|const|let|var|val)\b/;
/** C/C++/Java/C# style signatures: a return type, a name and an opening parenthesis at line start. */
const C_SIGNATURE =
  /^\s*(?!(?:return|else|new|throw|case|await|yield|delete|typeof|goto|sizeof|if|while|for|switch)\b)(?:[\w:<>,*&[\]]+\s+){1,4}[*&]*[A-Za-z_][\w:~]*\s*\([^;]*\)?\s*(?:const\s*)?(?:throws [\w, .]+)?\s*[{:;]?\s*$/;
const CONDITION = /^\s*(?:\}\s*)?(?:if|else if|elif|while|switch|case|match|unless|guard)\b.*\S/;
const TEST_CASE = /\b(?:it|test|describe|context|suite|bench)\s*\(\s*['"`]|^\s*func\s+(?:Test|Benchmark|Example)|#\[test\]|@Test\b/;
const COMMENT = /^\s*(?:\/\/|\/\*|\*(?:\s|$)|#(?!\s*(?:include|define|if|endif|else|pragma))|--\s|"""|'''|<!--|;;)/;
const PROSE_MARKUP = /^\s*(?:#{1,6}\s|[-*+]\s|\d+\.\s|\*\*[^*]+\*\*|>\s|\|)/;
const VERSION = /\b\d+\.\d+(?:\.\d+)+\b|\bv\d+\.\d+\b/;
const MESSAGE_LITERAL = /(["'`])(?:(?!\1).){0,200}?\b\w+\s+\w+\s+\w+(?:(?!\1).)*?\1/;
const FAILURE = /\b(?:throw|raise|panic|error|errors\.New|Err\(|fatal|assert\w*|expect|deprecat\w*|TODO|FIXME|security|CVE-\d+)\b/i;
const C_DECLARATION = /^\s*(?:const\s+|static\s+|unsigned\s+|struct\s+)*[A-Za-z_][\w:<>]*\s+\**[A-Za-z_]\w*(?:\[\w*\])?\s*=[^=]/;
const ASSIGN = /^\s*[A-Za-z_][\w.]*(?:\s*:\s*[^=]+?)?\s*(?:=[^=]|$)/;
/** `ASSIGN` on a line with neither `=` nor `:` (its other branches need one): no lazy scan of a long line. */
const BARE_NAME = /^\s*[A-Za-z_][\w.]*\s*$/;
// `(?<![A-Za-z_])`: a match can only start where a name starts. The same lines match (a match inside a
// name implies one from its start), but a long line is scanned once instead of once per letter.
const CALL = /(?<![A-Za-z_])[A-Za-z_]\w*\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*;?\s*$/;
const NAMED = /(?<![A-Za-z_])([A-Za-z_]\w*)\s*(?:<[^()]*>)?\s*\(/;
const ONLY_PUNCT = /^[\s{}()[\];,.:]*$/;

/** The words `tokenize` splits a text into (`@headroom/text`'s word pattern). */
const WORD = /[\p{L}\p{N}_]+/gu;
/** `WORD` on ASCII text: the same matches (ASCII letters and digits are its only ASCII members), found faster. */
const ASCII_WORD = /[A-Za-z0-9_]+/g;
/** Anything but printable ASCII and tab/newline: such text takes the exact Unicode pattern. */
const NOT_PLAIN = /[^\t\n\r -~]/;
/**
 * Terms of each distinct word, memoised: `tokenize` treats every word on its own, so the terms of a text
 * are its words' terms in order, and identifiers recur throughout a diff (splitting them was a tenth
 * of the time on large diffs). Bounded; a pure function of the word, so the cache never changes a result.
 */
const wordTerms = new Map<string, string[]>();

const NONE: readonly string[] = Object.freeze([]);

function termsOfWord(w: string): readonly string[] {
  // Every term is the word or a part of it, lower-cased, and none is shorter than 3: a shorter ASCII
  // word has none (the `i`, `x`, `if`, `ok` of code), without a lookup. Not so for all of Unicode:
  // lower-casing `İ` makes two characters.
  if (w.length < 3 && w.charCodeAt(0) < 128 && (w.length < 2 || w.charCodeAt(1) < 128)) return NONE;
  let t = wordTerms.get(w);
  if (!t) {
    if (wordTerms.size > 100_000) wordTerms.clear();
    t = tokenize(w, { minLength: 3, stopwords: STOPWORDS });
    wordTerms.set(w, t);
  }
  return t;
}

/**
 * A word of ASCII lower-case letters and digits only: no inner boundary to split at and nothing to
 * lower-case, so its only possible term is itself (`tokenize`), and no cache lookup is needed.
 */
function isPlainLower(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** The words of a text as plain strings (`match` with /g: no match object per word). */
const wordsOf = (text: string): RegExpMatchArray | null => text.match(NOT_PLAIN.test(text) ? WORD : ASCII_WORD);

/** Lower-cased word terms of a text (identifiers also split into their parts), without stopwords. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of wordsOf(text) ?? []) {
    if (w.length >= 3 && isPlainLower(w)) {
      if (!STOPWORDS.has(w)) out.push(w);
    } else for (const x of termsOfWord(w)) out.push(x);
  }
  return out;
}

/** Adds the terms of a text to a set: `for (const t of terms(text)) into.add(t)` without the array. */
export function addTerms(text: string, into: Set<string>): Set<string> {
  for (const w of wordsOf(text) ?? []) {
    if (w.length >= 3 && isPlainLower(w)) {
      if (!STOPWORDS.has(w)) into.add(w);
    } else for (const x of termsOfWord(w)) into.add(x);
  }
  return into;
}

const QUOTE = /["'`]/;
const MESSAGE_LITERALS = /(["'`])((?:(?!\1).){0,200}?\b\w+\s+\w+\s+\w+(?:(?!\1).)*?)\1/g;

/** Contents of the string literals of a line that read like messages (three words or more). */
export function messageLiterals(body: string): string[] {
  // Every literal starts with a quote: most lines have none and need no regex scan.
  if (!QUOTE.test(body)) return [];
  return [...body.matchAll(MESSAGE_LITERALS)].map((m) => m[2]!);
}

/** Facts about a changed line that its score depends on. */
export interface LineFacts {
  /** The line without its diff prefix. */
  body: string;
  removed: boolean;
  /**
   * For a removed line: the share of its words that the added lines of the same change do not bring
   * back (1 for a pure deletion, near 0 for the old half of a lightly modified line). 1 when absent.
   */
  novelty?: number;
  /** True for the first changed line of a run of changes. */
  runStart: boolean;
  /** True when the changed line just above is a comment too: this line continues an explanation. */
  continuesComment?: boolean;
  /** The file is documentation (markdown, rst, text, changelog). */
  docFile: boolean;
  /** The file was deleted as a whole. */
  deletedFile: boolean;
  /** The file holds tests: their names matter more than their bodies. */
  testFile: boolean;
  /** Names of functions/types whose definition lines this diff changes. */
  changedNames: ReadonlySet<string>;
  /** Query terms (lower-cased, deduplicated). */
  query: ReadonlySet<string>;
  /**
   * Rarity-weighted relevance of the line to the question and tool arguments (`@headroom/text`
   * `relevance` over the diff's changed lines). When given, it replaces the plain `query` word count, so
   * a rare exact token (an identifier, a path, a number) outweighs a common word.
   */
  relevance?: number;
}

/**
 * What `CALL` needs at the end of a line (`)`, then an optional `;`), checked without a regex first: an
 * end-anchored pattern is tried from every name start of a long line.
 */
function endsWithCall(b: string): boolean {
  let e = b.trimEnd();
  if (e.endsWith(";")) e = e.slice(0, -1).trimEnd();
  return e.endsWith(")");
}

/**
 * What every branch of `TEST_CASE` needs literally (`(` and a quote, `func`, `#[test]`, `@Test`): most
 * lines fail this without the regex's scan from every word boundary.
 */
function mayBeTestCase(b: string): boolean {
  return (b.includes("(") && QUOTE.test(b)) || b.includes("func") || b.includes("#[test]") || b.includes("@Test");
}

/** True for a line that starts a definition or declaration (`def`, `class`, `func`, `const`, `#define`...). */
export function isDefinition(body: string): boolean {
  return DEFINITION.test(body);
}

const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigitCode = (c: number) => c >= 48 && c <= 57;

/**
 * Whether a name called in the line (`/(?<![A-Za-z_])([A-Za-z_]\w*)\s*\(/g`, one match after another) is
 * one of `names`, without the regex, which tries every position of a long line: every match ends at a
 * `(`; before it (after spaces) is a run of word characters, and the name starts at the run's first
 * letter or `_` (a digit before it is no letter, so the lookbehind passes). Matches cannot overlap
 * (each spans word characters, spaces and one `(`), so every `(` is looked at on its own.
 */
export function callsOneOf(b: string, names: ReadonlySet<string>): boolean {
  for (let p = b.indexOf("("); p !== -1; p = b.indexOf("(", p + 1)) {
    let e = p - 1;
    while (e >= 0 && isSpaceCode(b.charCodeAt(e))) e--;
    let q = e;
    while (q >= 0 && isWordCode(b.charCodeAt(q))) q--;
    q++; // the run is b[q..e]
    while (q <= e && isDigitCode(b.charCodeAt(q))) q++;
    if (q <= e && names.has(b.slice(q, e + 1))) return true;
  }
  return false;
}

/** True for a comment line (not a preprocessor directive or a commented-out `#include`). */
export function isComment(body: string): boolean {
  return COMMENT.test(body);
}

/** Score of one changed line (higher = keep first). Pure and deterministic. */
export function scoreLine(f: LineFacts): number {
  return scoreBody(f, f.body.trim(), COMMENT.test(f.body));
}

/** A whitespace-separated word that reads as English (a run of `\S` matching the whole pattern). */
const PROSE_WORD = /(?<!\S)[A-Za-z][a-z'’-]*[,.;:]?(?!\S)/g;

/** Six or more words that read as English: a sentence, not `// TODO` or a commented-out line. */
function isProse(b: string): boolean {
  PROSE_WORD.lastIndex = 0;
  let n = 0;
  while (n < 6 && PROSE_WORD.exec(b)) n++;
  return n >= 6;
}

/**
 * `scoreLine` with what the caller already knows: `t` is `f.body.trim()`, `comment` is
 * `isComment(f.body)` and `definition` is `isDefinition(f.body)`. The tests run in the same order and add the same amounts (same floating point).
 */
export function scoreBody(f: LineFacts, t: string, comment: boolean, definition = isDefinition(f.body)): number {
  const b = f.body;
  if (!t || ONLY_PUNCT.test(t)) return 0.05;
  let s = 1;
  if (definition || (!f.docFile && b.includes("(") && C_SIGNATURE.test(b))) s += 4;
  const test = mayBeTestCase(b) && TEST_CASE.test(b);
  if (test) s += 3;
  // A comment that explains (a sentence, not `// TODO` or a commented-out line) is worth reading; only
  // comments and documentation ask.
  const prose = (comment || f.docFile) && isProse(b);
  if (comment) s += prose ? 1 : 0.2;
  else if (b.includes("=") && C_DECLARATION.test(b)) s += 1.5;
  else if (b.includes("=") || b.includes(":") ? ASSIGN.test(b) : BARE_NAME.test(b)) s += 0.8;
  else if (CONDITION.test(b)) s += 0.6;
  else if (endsWithCall(b) && CALL.test(b)) s += 0.5;
  if (f.docFile && PROSE_MARKUP.test(b)) s += 1.2;
  // A sentence of documentation (README, docs, changelog) states what the change does, in words.
  if (f.docFile && prose) s += 1;
  if (VERSION.test(b)) s += 1.5;
  if (QUOTE.test(b) && MESSAGE_LITERAL.test(b)) s += 1;
  if (FAILURE.test(b)) s += 0.8;
  if (f.runStart) s += 0.6;
  // A call of a function whose definition this diff changes: the call sites that had to follow.
  if (f.changedNames.size && !definition && callsOneOf(b, f.changedNames)) s += 1.5;
  if (f.relevance !== undefined) s += Math.min(4, 0.5 * f.relevance);
  else if (f.query.size) {
    let hits = 0;
    const seen = new Set<string>();
    for (const w of terms(b)) {
      if (f.query.has(w) && !seen.has(w)) {
        seen.add(w);
        hits++;
      }
    }
    s += Math.min(4, hits * 1.5);
  }
  if (t.length < 12) s *= 0.6; // `} else {`, `return nil`: little to learn
  if (b.length > 240) s *= 0.7; // long data lines cost much and say little
  if (f.testFile && !test) s *= 0.6; // helpers and fixtures of a test file matter less than its test names
  // Reviewers read the new code first; an old line matters by what it says that the new ones do not.
  // A long comment is one explanation: its first line states the gist, the rest elaborate.
  if (comment && f.continuesComment) s *= 0.6;
  if (f.removed) s *= 0.55 * Math.max(0.25, f.novelty ?? 1);
  if (f.deletedFile) s *= 0.4;
  return s;
}

/**
 * The name a definition line defines (`func (r *T) Name(`, `def name(`, `static int name(`), if any.
 * Used to find the call sites of changed functions.
 */
export function definedName(body: string, definition = isDefinition(body)): string | undefined {
  // `C_SIGNATURE` needs a `(`: most lines are not scanned by it.
  if (!definition && !(body.includes("(") && C_SIGNATURE.test(body))) return undefined;
  const m = NAMED.exec(body.replace(/^\s*func\s*\([^)]*\)/, ""));
  const name = m?.[1];
  return name && name.length >= 4 && !/^(?:function|if|for|while|switch|return|sizeof)$/.test(name) ? name : undefined;
}
