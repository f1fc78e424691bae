/**
 * compressOutcome: parse, plan elisions (or the lossless clean-up), apply, and verify that the output parses
 * with the same grammar. Any doubt → `null` (the caller keeps the input: fail open).
 */
import { createOriginals, type StoredOriginal } from "@headroom/core";
import { keepChars, normalizeBias, queryTerms, relevance, scaleByBias, type QueryTerms } from "@headroom/text";
import type { Tree } from "web-tree-sitter";
import { parseText, withTree, type ParseSignal } from "./grammars.js";
import { SPECS, type LanguageId } from "./languages.js";
import { literalRanges, whitespaceCuts } from "./lossless.js";
import { alignedLineSources, editedLineSources } from "./numbered.js";
import { fileFooter } from "./placeholders.js";
import { applyEdits, planEdits, type BodyCandidate, type Edit } from "./plan.js";
import { editedErrors, errorStats, verifiedEdits, type ErrorStats } from "./verify.js";

/** Options of `compressCode`. */
export interface CodeCompressOptions {
  /** Lossy elision allowed (originals go to a store). Default true. False: lossless clean-up only. */
  reversible?: boolean;
  /**
   * Text of the user's question: bodies of functions it names stay, and bodies that mention its exact
   * terms (identifiers, numbers, quoted strings) stay first, within the size-aware budget.
   */
  query?: string;
  /** Arguments of the tool call that read the file (JSON or text): its exact tokens count like the query's. */
  toolArgs?: string;
  /**
   * Checked between phases, and during every parse: a parse runs synchronously (seconds for a file of
   * megabytes), so tree-sitter's progress callback reads `aborted` and cancels it once the signal says so
   * (the pipeline's signal checks its deadline on each read). A cancelled parse throws the signal's reason.
   */
  signal?: ParseSignal;
  /** Aggressiveness: > 1 collapses shorter bodies and comments, < 1 keeps more. Default 1. */
  bias?: number;
  /** Bodies with fewer non-blank lines stay (before bias). Default 5. */
  minBodyLines?: number;
  /** Comments and docstrings with fewer lines keep their first line only, without a marker of their own (see trimComments). Default 4. */
  minCommentLines?: number;
  /**
   * Cut comments too short for their own marker (2 to minCommentLines-1 lines) to their first line plus
   * ` …`; the whole original file is then stored once, behind a footer marker. Default true.
   */
  trimComments?: boolean;
  /**
   * Largest share of the file (in characters) the grammar may fail to place in any well-formed construct
   * for the file to still be compressed. Only well-formed definitions are collapsed, broken regions stay
   * verbatim, and the output may not have more parse errors than the input. 0 = any parse error leaves
   * the file unchanged. Default 0.02 (real headers full of unbalanced preprocessor branches and macros).
   */
  maxErrorRatio?: number;
  /**
   * The language is a guess from the content (no file name said it): a long input is first parsed on a
   * sample of its start, and grammars that err on line after line there get no full parse (text that
   * only looks like code sends tree-sitter into error recovery on every line). Default false.
   */
  guessedLanguage?: boolean;
  /**
   * Worker threads for a file of a megabyte or more, which is compressed as parts cut at top-level lines
   * (each parsed, planned and verified on its own; the bytes do not depend on how many threads ran them).
   * Default: the machine's available parallelism, at most 4 (each thread holds a grammar and a part's
   * trees, about 85 MB for C++), on the main thread; 0 (the parts in turn, on this thread) inside a
   * worker thread, such as the proxy's compression pool, whose threads already share the cores.
   */
  threads?: number;
}

/** Result of `compressCode`. */
export interface CodeCompression {
  text: string;
  /** Grammar the text was parsed (and the output verified) with. */
  language: LanguageId;
  lossless: boolean;
  /** Elided spans, keyed by CCR key; `restoreCode(text, originals)` puts them back. */
  originals: StoredOriginal[];
  bodies: number;
  comments: number;
  /**
   * Parse errors (ERROR and MISSING nodes) in the input. For a file compressed in parts, the sum over the
   * parts that compressed (a construct a cut falls inside counts the errors of its two halves).
   */
  parseErrors: number;
  /**
   * For each output line, the input line (0-based) it starts with; `undefined` for lines the compressor
   * wrote. Computed on call: only numbered reads need it.
   */
  sourceLines(): (number | undefined)[];
  /** Where each marker's original lies in the input, in output order (`[0, length)` for the whole-file footer). */
  spans(): readonly { key: string; start: number; end: number }[];
}

/**
 * True when the question names a function: its name is one of the question's exact tokens (or a part of
 * one, `Session.resolve_redirects` → `resolve_redirects`) or one of its words (`parse`, `cookie`). Names
 * compare without case, `-` and `_`, so a question's `x-accel-mapping` (a header, a CLI flag) names
 * `x_accel_mapping` and `xAccelMapping`.
 */
export function namedBy(terms: QueryTerms, query?: string): (name: string) => boolean {
  // Hyphenated compounds (`x-accel-mapping`) are split into words by `queryTerms`; the raw question
  // still names them whole.
  const compounds = query?.match(/[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+/g) ?? [];
  const names = new Set([...terms.exact, ...terms.words, ...compounds].map(canonicalName));
  return (name) => name.length >= 3 && names.has(canonicalName(name));
}

function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/**
 * The bodies a question points at: those whose function (doc comment, signature) contains an exact
 * term of the question that is rare among the file's functions, best score first, while their size fits
 * the shared budget curve applied to all collapsible bodies. Plain words only rank, they never select.
 */
export function relevantBodies(terms: QueryTerms, bias: number): ((c: readonly BodyCandidate[]) => ReadonlySet<number>) | undefined {
  if (!terms.exact.length) return undefined;
  return (candidates) => {
    const rel = relevance(terms, candidates.map((c) => c.doc));
    const keep = new Set<number>();
    if (!rel.active) return keep;
    const hits = candidates.map((_, i) => i).filter((i) => rel.exactHits(i) > 0);
    hits.sort((a, b) => rel.score(b) - rel.score(a) || a - b);
    let budget = keepChars(candidates.reduce((s, c) => s + c.size, 0), { bias });
    for (const i of hits) {
      if (candidates[i]!.size > budget) continue;
      budget -= candidates[i]!.size;
      keep.add(i);
    }
    return keep;
  };
}

type Signal = ParseSignal | undefined;

/** Number of parse errors (ERROR and MISSING nodes) in `text` under a language's grammar; a cancelled parse throws. */
export async function countParseErrors(text: string, language: LanguageId, signal?: ParseSignal): Promise<number> {
  return (await withTree(language, text, (t) => errorStats(t).count, signal)) ?? Number.POSITIVE_INFINITY;
}

/**
 * Parses `text` with the named grammar and, while that reads it with errors, with each fallback; the
 * cleanest tree is returned (the caller deletes it). Every tree but the chosen one is freed at once.
 * A named grammar whose only errors are MISSING tokens keeps the file: that is a file cut off before its
 * closers (a truncated read), which every grammar reads so, and a full parse per fallback (three for
 * JavaScript) would find no better reading.
 */
async function bestParse(text: string, language: LanguageId, signal: Signal, guessed: boolean, fallbacks: boolean): Promise<{ language: LanguageId; errors: ErrorStats; tree: Tree } | undefined> {
  let best: { language: LanguageId; errors: ErrorStats; tree: Tree } | undefined;
  const all = fallbacks ? [language, ...SPECS[language].fallbacks] : [language];
  let candidates = guessed ? await readableBySample(text, all, signal) : all;
  for (let i = 0; i < candidates.length; i++) {
    const id = candidates[i]!;
    signal?.throwIfAborted();
    let tree: Tree | null;
    try {
      tree = await parseText(id, text, undefined, signal);
    } catch (e) {
      best?.tree.delete();
      throw e;
    }
    if (!tree) continue;
    const errors = errorStats(tree);
    if (!best || errors.chars < best.errors.chars || (errors.chars === best.errors.chars && errors.count < best.errors.count)) {
      best?.tree.delete();
      best = { language: id, errors, tree };
    } else tree.delete();
    if (errors.count === 0 || (id === language && errors.errorNodes === 0)) break;
    if (i === 0 && id === language && candidates.length > 1) candidates = [id, ...(await betterOnTail(text, errors, candidates.slice(1), signal))];
  }
  return best;
}

/** The tail a fallback is tried on first is at most this share of the input (what the check can cost). */
const TAIL_SHARE = 1 / 4;

/**
 * The fallbacks worth a full parse of an input whose errors all lie in its last top-level construct (a
 * read cut off mid-declaration): those that read that construct alone more cleanly than the named
 * grammar read it in the whole. A fallback cannot mend the truncation, so most are spared a full parse;
 * one that reads the tail's syntax (JSX in a `.ts` file) better still gets it. Any other input: all.
 */
export async function betterOnTail(text: string, errors: ErrorStats, fallbacks: LanguageId[], signal: Signal): Promise<LanguageId[]> {
  const from = lastConstruct(text, errors.first);
  if (from === undefined || text.length - from > TAIL_SHARE * text.length) return fallbacks;
  const tail = text.slice(from);
  const better: LanguageId[] = [];
  for (const id of fallbacks) {
    const e = await withTree(id, tail, (t) => errorStats(t), signal);
    if (!e || e.chars < errors.chars || (e.chars === errors.chars && e.count < errors.count)) better.push(id);
  }
  return better;
}

/**
 * Start of the top-level construct holding offset `at`: the nearest line at or before it that starts in
 * column 0 with neither white space nor a closer. `undefined` when a later line starts one too (`at` is
 * not in the last construct), or when there is no such line.
 */
export function lastConstruct(text: string, at: number): number | undefined {
  if (!Number.isFinite(at)) return undefined;
  const opens = (i: number) => i < text.length && !/[\s})\]]/.test(text[i]!);
  let from = text.lastIndexOf("\n", at - 1) + 1;
  while (!opens(from)) {
    if (from === 0) return undefined;
    // (The line before starts after the newline before its own: none when this one follows the first.)
    from = from < 2 ? 0 : text.lastIndexOf("\n", from - 2) + 1;
  }
  for (let i = text.indexOf("\n", from); i !== -1; i = text.indexOf("\n", i + 1)) if (opens(i + 1)) return undefined;
  return from;
}

/** Inputs longer than this are first parsed on a sample of their start (see `readableBySample`). */
const SAMPLE_FROM = 16_384;
/** Characters of that sample (cut at a line break). */
const SAMPLE_CHARS = 4_096;
/**
 * Parse errors a sample may hold per line before the grammar is taken not to read the text: cutting
 * real source leaves one missing bracket per open nesting level; text that is not in the language (a
 * `git blame`, a document) errs on nearly every line. At least `SAMPLE_MIN_ERRORS`.
 */
const SAMPLE_ERRORS_PER_LINE = 0.25;
const SAMPLE_MIN_ERRORS = 16;

/**
 * The grammars worth a full parse of a long input whose language was guessed from its content: those
 * that read a sample of its start without erring on line after line. Text that only looks like code (a
 * `git blame`, a document, a log detected as code by its content) sends tree-sitter into error recovery
 * on every line, which costs many times a clean parse, once per fallback grammar; the sample says so at
 * a fraction of the cost.
 */
async function readableBySample(text: string, ids: LanguageId[], signal: Signal): Promise<LanguageId[]> {
  if (text.length <= SAMPLE_FROM) return ids;
  const cut = text.lastIndexOf("\n", SAMPLE_CHARS);
  const sample = text.slice(0, cut > 0 ? cut + 1 : SAMPLE_CHARS);
  let lines = 1;
  for (let i = sample.indexOf("\n"); i !== -1; i = sample.indexOf("\n", i + 1)) lines++;
  const limit = Math.max(SAMPLE_MIN_ERRORS, SAMPLE_ERRORS_PER_LINE * lines);
  const readable = async (id: LanguageId) => {
    const errors = await withTree(id, sample, (t) => errorStats(t).count, signal);
    return errors !== undefined && errors <= limit;
  };
  // The named grammar reading the sample (the usual case): every grammar gets its full parse, as before.
  if (await readable(ids[0]!)) return ids;
  const rest: LanguageId[] = [];
  for (const id of ids.slice(1)) if (await readable(id)) rest.push(id);
  return rest;
}

/** A replacement of `text.slice(start, end)`: an elision (with its CCR key) or a lossless cut. */
export type OutcomeEdit = Pick<Edit, "start" | "end" | "replacement"> & Partial<Pick<Edit, "key" | "kind">>;

/**
 * One file's (or one part's) compression before it is written out: the edits that passed verification
 * and what they stored. Plain data, so a worker thread can hand it back.
 */
export interface Outcome {
  language: LanguageId;
  parseErrors: number;
  lossless: boolean;
  /** The kept edits in order (the lossless clean-up's cuts); the whole-file footer is not one of them. */
  edits: readonly OutcomeEdit[];
  /** Originals of the edits that carry a key, in the order they were stored. */
  originals: StoredOriginal[];
  bodies: number;
  comments: number;
  /** Short comments were cut: the output needs the whole-file footer (and the file stored). */
  trimmed: boolean;
  /** The output as verified, footer included, and the stored file behind the footer (dropped for a part). */
  out?: string;
  file?: StoredOriginal;
}

/**
 * The result of an outcome: a whole file's (its output and footer are those verification saw), or the
 * parts' joined (the output is built here, the footer pointing at `file`).
 */
export function written(text: string, o: Outcome): CodeCompression {
  const base = { language: o.language, parseErrors: o.parseErrors };
  if (o.lossless) {
    const out = o.out ?? applyEdits(text, o.edits);
    return { ...base, text: out, lossless: true, originals: [], bodies: 0, comments: 0, sourceLines: () => alignedLineSources(text, out), spans: () => [] };
  }
  const footer = o.file ? fileFooter(text, SPECS[o.language].lineComment, o.file.key) : "";
  const out = o.out ?? applyEdits(text, footer ? [...o.edits, { start: text.length, end: text.length, replacement: footer }] : o.edits);
  const sourceLines = () => editedLineSources(text, o.edits, footer);
  const keyed = o.edits.filter((e): e is OutcomeEdit & { key: string } => !!e.key);
  const spans = () => [...keyed, ...(o.file ? [{ key: o.file.key, start: 0, end: text.length }] : [])];
  const originals = o.file ? [...o.originals, o.file] : o.originals;
  return { ...base, text: out, lossless: false, originals, bodies: o.bodies, comments: o.comments, sourceLines, spans };
}

/**
 * The compression of one file or part as an `Outcome`. `fallbacks: false` reads it with `language`
 * alone (the parts after the first of a file: the first part chose the grammar).
 */
export async function compressOutcome(text: string, language: LanguageId, options: CodeCompressOptions = {}, fallbacks = true): Promise<Outcome | null> {
  const reversible = options.reversible ?? true;
  const bias = normalizeBias(options.bias);
  const maxErrorRatio = options.maxErrorRatio ?? 0.02;
  if (!text.trim()) return null;
  const tolerable = (e: ErrorStats) => e.count === 0 || (maxErrorRatio > 0 && e.chars <= maxErrorRatio * text.length);

  // Pick the grammar: the named one, else a fallback that reads the file with fewer errors.
  const best = await bestParse(text, language, options.signal, options.guessedLanguage ?? false, fallbacks);
  if (!best) return null;
  try {
    if (!tolerable(best.errors)) return null;
    const { language: lang, tree } = best;
    const inputErrors = best.errors.count;
    const base = { language: lang, parseErrors: inputErrors };
    const store = createOriginals();
    if (reversible) {
      const terms = queryTerms(options.query, options.toolArgs);
      const keepBodies = relevantBodies(terms, bias);
      const edits = planEdits(tree, text, SPECS[lang], {
        minBodyLines: scaleByBias(options.minBodyLines ?? 5, bias, 2),
        minCommentLines: scaleByBias(options.minCommentLines ?? 4, bias, 2),
        keepName: namedBy(terms, options.query),
        ...(keepBodies ? { keepBodies } : {}),
        trimComments: options.trimComments ?? true,
        stash: (content, kind) => store.stash(content, { kind: `code-${kind}`, language: lang }),
      });
      if (edits.length) {
        // A trimmed comment is recoverable from the whole file only: the footer points at it. The footer
        // is the same text every round (it counts the input's lines), so it is built once.
        let wholeKey: string | undefined;
        let wholeFooter: string | undefined;
        const footerOf = (kept: readonly Edit[]) => {
          if (!kept.some((e) => e.kind === "trim")) return "";
          wholeKey ??= store.stash(text, { kind: "code-file", language: lang });
          wholeFooter ??= fileFooter(text, SPECS[lang].lineComment, wholeKey);
          return wholeFooter;
        };
        const withFooter = (kept: readonly Edit[]) => {
          const footer = footerOf(kept);
          return footer ? [...kept, { start: text.length, end: text.length, replacement: footer }] : kept;
        };
        options.signal?.throwIfAborted();
        // Verification: the output must parse at least as cleanly as the input (cleanly, for a clean input).
        const v = await verifiedEdits(tree, lang, text, edits, inputErrors, withFooter, options.signal);
        if (v) {
          const { kept, out } = v;
          const trimmed = footerOf(kept) !== "";
          const used = new Set(kept.map((e) => e.key));
          const all = store.list();
          const originals = all.filter((o) => used.has(o.key) && o.key !== wholeKey);
          const file = trimmed ? all.find((o) => o.key === wholeKey) : undefined;
          const bodies = kept.filter((e) => e.kind === "body").length;
          const comments = kept.filter((e) => e.kind === "comment").length;
          return { ...base, lossless: false, edits: kept, originals, bodies, comments, trimmed, out, ...(file ? { file } : {}) };
        }
      }
    }
    // No store, or the elision failed verification (or found nothing): the lossless clean-up.
    const cuts = whitespaceCuts(text, literalRanges(tree, SPECS[lang]));
    const out = applyEdits(text, cuts);
    if (out.length >= text.length || (await editedErrors(tree, lang, text, cuts, out, options.signal)) > inputErrors) return null;
    return { ...base, lossless: true, edits: cuts, originals: [], bodies: 0, comments: 0, trimmed: false, out };
  } finally {
    best.tree.delete();
  }
}
