/**
 * Relevance from the conversation: the terms of the user's question and of the tool call's arguments
 * that can pick out lines, items, hunks and bodies. Exact tokens (identifiers, numbers, IPs, paths, quoted
 * strings, flags) are matched verbatim and outweigh common words, which are matched case-insensitively as
 * whole words. Pure and deterministic; term order is first appearance.
 */

/**
 * The function words no identifier part is worth matching on: articles, forms of be/do/have,
 * prepositions, conjunctions and question words. Token-level matchers (BM25 over identifier parts) drop
 * only these: modals, pronouns and verbs are parts of identifiers (`shouldBind`, `canRead`, `getAll`),
 * and dropping `should` or `can` from a question loses the symbol it names.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  "a an and are as at be by did do does for from has have how i in is it its of on or that the this to was were what when where which who why with".split(" "),
);

/**
 * Words that carry no signal in a question matched as whole words ("which block was replicated?", "show
 * me the failed jobs"): the {@link FUNCTION_WORDS} plus pronouns, modals, quantifiers, negations,
 * particles and the verbs of asking. The one stopword list; {@link FUNCTION_WORDS} is its core.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  ...FUNCTION_WORDS,
  ...(
    "been but can could done had if into me my our should so than their them then there these they those we " +
    "while whom whose will would you your about after again all also any each else more most other over same some " +
    "such only own just not no nor out up down off once here very too both few " +
    "get got give show tell find list explain describe happened happen make use used using see look " +
    // Function words the search, prose and diff lists had on top (search's common nouns and verbs such as
    // "new", "day", "say" are not stopwords).
    "he she him his her us may might shall under further via per before doing"
  ).split(" "),
]);

/** Terms of a question and tool arguments. */
export interface QueryTerms {
  /** Tokens matched verbatim (case-sensitive): identifiers, numbers, IPs, paths, quoted strings, flags. */
  exact: string[];
  /** Lower-case words matched as whole words (case-insensitive), stopwords removed. */
  words: string[];
}

const QUOTED = /"([^"\n]{2,120})"|'([^'\n]{2,120})'|`([^`\n]{2,120})`/g;
// A token of the question: runs of word characters joined by the punctuation identifiers, paths,
// versions, IPs and times use inside them.
const TOKEN = /[\p{L}\p{N}_$@~/][\p{L}\p{N}_$@~./\\:#=+-]*[\p{L}\p{N}_$]|[\p{L}\p{N}_$]/gu;

/** True for a token that names something exactly (worth a verbatim match), not a plain word. */
export function isExactToken(t: string): boolean {
  if (t.length < 2) return false;
  if (/\d/.test(t) && (t.length >= 2 || /\D/.test(t))) return true; // numbers, versions, IPs, times, ids
  if (/[./\\:#=_$@~]/.test(t)) return true; // paths, dotted names, a::b, snake_case, flags
  if (/^-{1,2}\w/.test(t)) return true;
  if (/[\p{Ll}][\p{Lu}]|[\p{Lu}]{2,}[\p{Ll}]/u.test(t)) return true; // camelCase, PascalCase with acronym
  if (/^[\p{Lu}][\p{Ll}]+[\p{Lu}]/u.test(t)) return true; // PascalCase identifiers (HandleCors)
  if (/^[\p{Lu}]{2,}$/u.test(t)) return t.length >= 3; // ENOENT, SIGCHLD (not "I", "OK")
  return false;
}

function trimToken(t: string): string {
  return t.replace(/^[.:#=+-]+|[.:#=+-]+$/g, "");
}

/** Strings inside tool arguments (JSON values, or the raw text when it is not JSON). */
function argStrings(toolArgs: string): string[] {
  try {
    const out: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") out.push(v);
      else if (typeof v === "number") out.push(String(v));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(JSON.parse(toolArgs));
    return out;
  } catch {
    return [toolArgs];
  }
}

/** Flags and program names of a command line say nothing about which output line matters. */
const COMMAND_NOISE = /^(?:-{1,2}[\w-]+(?:=.*)?|rg|grep|git|cat|sed|head|tail|ls|find|show|log|diff|npm|pnpm|npx|node|python|go|cargo|make)$/;

/**
 * Terms of the user's question (`query`) and of the tool call's arguments (`toolArgs`, JSON or text).
 * Quoted strings and exact tokens of either are matched verbatim; words of the question are matched
 * case-insensitively. Arguments contribute exact tokens only (a grep pattern, a path), not their words.
 */
export function queryTerms(query?: string, toolArgs?: string): QueryTerms {
  const exact: string[] = [];
  const words: string[] = [];
  const seenE = new Set<string>();
  const seenW = new Set<string>();
  const addExact = (t: string) => {
    if (t.length >= 2 && t.length <= 160 && !seenE.has(t)) {
      seenE.add(t);
      exact.push(t);
    }
  };
  const fromText = (text: string, withWords: boolean, isArgs: boolean) => {
    for (const m of text.matchAll(QUOTED)) addExact((m[1] ?? m[2] ?? m[3])!.trim());
    for (const m of text.matchAll(TOKEN)) {
      const t = trimToken(m[0]);
      if (!t) continue;
      if (isArgs && COMMAND_NOISE.test(t)) continue;
      if (isExactToken(t)) {
        addExact(t);
        // `fetchOffset()` and `a.b.c` also name their parts.
        for (const part of t.split(/[./\\:#=]+/)) if (part !== t && part.length >= 3 && /\p{L}/u.test(part) && isExactToken(part)) addExact(part);
      }
      if (!withWords) continue;
      for (const w of t.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
        if (w.length < 3 || STOPWORDS.has(w) || /^\d+$/.test(w) || seenW.has(w)) continue;
        seenW.add(w);
        words.push(w);
      }
    }
  };
  if (query) fromText(query, true, false);
  if (toolArgs) for (const s of argStrings(toolArgs)) fromText(s, false, true);
  return { exact, words };
}

/** True when no term was found. */
export function noTerms(t: QueryTerms): boolean {
  return !t.exact.length && !t.words.length;
}
