/**
 * compressCode: parse, plan elisions (or the lossless clean-up), apply, and verify that the output parses
 * with the same grammar. Any doubt → `null` (the caller keeps the input: fail open).
 */
import { ccrKey, createOriginals, type StoredOriginal } from "@headroom/core";
import type { Node, Tree } from "web-tree-sitter";
import { withTree } from "./grammars.js";
import { SPECS, type LanguageId } from "./languages.js";
import { cleanWhitespace, literalRanges } from "./lossless.js";
import { alignedLineSources, editedLineSources } from "./numbered.js";
import { fileFooter } from "./placeholders.js";
import { applyEdits, planEdits, type Edit } from "./plan.js";

/** Options of `compressCode`. */
export interface CodeCompressOptions {
  /** Lossy elision allowed (originals go to a store). Default true. False: lossless clean-up only. */
  reversible?: boolean;
  /** Text of the user's question: bodies of functions it names stay. */
  query?: string;
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
  /** Parse errors (ERROR and MISSING nodes) in the input. */
  parseErrors: number;
  /**
   * For each output line, the input line (0-based) it starts with; `undefined` for lines the compressor
   * wrote. Computed on call: only numbered reads need it.
   */
  sourceLines(): (number | undefined)[];
  /** Where each marker's original lies in the input, in output order (`[0, length)` for the whole-file footer). */
  spans(): readonly { key: string; start: number; end: number }[];
}

interface ErrorStats {
  /** ERROR and MISSING nodes. */
  count: number;
  /**
   * Characters the grammar could not place in any well-formed construct: tokens sitting directly under
   * an ERROR node. Well-formed definitions inside an ERROR node (tree-sitter recovers them) do not count.
   */
  chars: number;
}

function errorStats(tree: Tree): ErrorStats {
  const s: ErrorStats = { count: 0, chars: 0 };
  const visit = (n: Node) => {
    if (n.isMissing) {
      s.count++;
      return;
    }
    if (n.isError) s.count++;
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i);
      if (!c) continue;
      if (c.hasError || c.isMissing || c.isError) visit(c);
      else if (n.isError && !c.isNamed) s.chars += c.endIndex - c.startIndex;
    }
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return s;
}

/** Function names the query mentions (identifiers of 3+ characters, case-sensitive). */
export function queryNames(query: string | undefined): Set<string> {
  return new Set((query ?? "").match(/[A-Za-z_$][\w$]{2,}/g) ?? []);
}

/** Number of parse errors (ERROR and MISSING nodes) in `text` under a language's grammar. */
export async function countParseErrors(text: string, language: LanguageId): Promise<number> {
  return (await withTree(language, text, (t) => errorStats(t).count)) ?? Number.POSITIVE_INFINITY;
}

/**
 * Compresses one source file. Returns null when the language's grammar cannot read the file, when
 * nothing would be gained, or when the output would not parse as cleanly as the input.
 */
export async function compressCode(text: string, language: LanguageId, options: CodeCompressOptions = {}): Promise<CodeCompression | null> {
  const reversible = options.reversible ?? true;
  const bias = options.bias && Number.isFinite(options.bias) && options.bias > 0 ? options.bias : 1;
  const maxErrorRatio = options.maxErrorRatio ?? 0.02;
  if (!text.trim()) return null;

  const store = createOriginals();
  const counts = { body: 0, comment: 0 };
  const plan = (tree: Tree, lang: LanguageId) => {
    const spec = SPECS[lang];
    // The lossless form is only needed without a store or when nothing can be elided.
    const losslessForm = () => cleanWhitespace(text, literalRanges(tree, spec));
    if (!reversible) return { lossless: losslessForm(), edits: [] as Edit[] };
    const edits = planEdits(tree, text, spec, {
      minBodyLines: Math.max(2, Math.round((options.minBodyLines ?? 5) / bias)),
      minCommentLines: Math.max(2, Math.round((options.minCommentLines ?? 4) / bias)),
      keepNames: queryNames(options.query),
      trimComments: options.trimComments ?? true,
      stash: (content, kind) => {
        counts[kind]++;
        return store.stash(content, { kind: `code-${kind}`, language: lang });
      },
    });
    return { lossless: edits.length ? undefined : losslessForm(), edits };
  };

  // Pick the grammar: the named one, else a fallback that reads the file with fewer errors. A clean parse
  // is planned on the spot so the common case parses the input once.
  let chosen: { language: LanguageId; errors: ErrorStats } | undefined;
  let planned: ReturnType<typeof plan> | undefined;
  const candidates = [language, ...SPECS[language].fallbacks];
  const tolerable = (e: ErrorStats) => e.count === 0 || (maxErrorRatio > 0 && e.chars <= maxErrorRatio * text.length);
  for (const [i, id] of candidates.entries()) {
    const r = await withTree(id, text, (tree) => {
      const errors = errorStats(tree);
      // Plan now if this parse is clean, or if it is the last chance and the best one (saves a re-parse).
      const last = i === candidates.length - 1 && (!chosen || errors.chars < chosen.errors.chars);
      return { errors, planned: errors.count === 0 || (last && tolerable(errors)) ? plan(tree, id) : undefined };
    });
    if (!r) continue;
    if (r.planned) {
      chosen = { language: id, errors: r.errors };
      planned = r.planned;
      break;
    }
    const e = r.errors;
    if (!chosen || e.chars < chosen.errors.chars || (e.chars === chosen.errors.chars && e.count < chosen.errors.count))
      chosen = { language: id, errors: e };
  }
  if (!chosen) return null;
  const lang = chosen.language;
  const inputErrors = chosen.errors.count;
  if (!tolerable(chosen.errors)) return null;
  planned ??= await withTree(lang, text, (tree) => plan(tree, lang));
  if (!planned) return null;

  const base = { language: lang, parseErrors: inputErrors };
  // Verification: the output must parse at least as cleanly as the input (cleanly, for a clean input).
  const parsesOk = async (out: string) => {
    return (await countParseErrors(out, lang)) <= inputErrors;
  };
  if (planned.edits.length) {
    let out = applyEdits(text, planned.edits);
    const footer = planned.edits.some((e) => e.kind === "trim")
      ? fileFooter(text, SPECS[lang].lineComment, store.stash(text, { kind: "code-file", language: lang }))
      : "";
    out += footer;
    if (out.length < text.length && (await parsesOk(out))) {
      const sourceLines = () => editedLineSources(text, planned!.edits, footer);
      const spans = () => [...planned!.edits.filter((e) => e.key), ...(footer ? [{ key: ccrKey(text), start: 0, end: text.length }] : [])];
      return { ...base, text: out, lossless: false, originals: store.list(), bodies: counts.body, comments: counts.comment, sourceLines, spans };
    }
  }
  // Elision failed verification (or found nothing): fall back to the lossless clean-up.
  const out = planned.lossless ?? (await withTree(lang, text, (tree) => cleanWhitespace(text, literalRanges(tree, SPECS[lang]))));
  if (out === undefined || out.length >= text.length || !(await parsesOk(out))) return null;
  return { ...base, text: out, lossless: true, originals: [], bodies: 0, comments: 0, sourceLines: () => alignedLineSources(text, out), spans: () => [] };
}
