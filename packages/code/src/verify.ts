/**
 * Parse errors, and the check every elision passes: the edited text must parse at least as cleanly as
 * the input. An edit the check blames is given back (its body stays), not the whole elision.
 */
import type { Node, Point, Tree } from "web-tree-sitter";
import { parseText, type ParseSignal } from "./grammars.js";
import type { LanguageId } from "./languages.js";
import { lineAt, lineStarts } from "./numbered.js";
import { applyEdits, type Edit } from "./plan.js";

export interface ErrorStats {
  /** ERROR and MISSING nodes. */
  count: number;
  /** ERROR nodes alone: 0 when the only errors are MISSING tokens (a file cut off before its closers). */
  errorNodes: number;
  /**
   * Characters the grammar could not place in any well-formed construct: tokens sitting directly under
   * an ERROR node. Well-formed definitions inside an ERROR node (tree-sitter recovers them) do not count.
   */
  chars: number;
  /** Offset of the first error token (a token directly under an ERROR node, or a MISSING node); Infinity when none. */
  first: number;
}

/** Where an ERROR or MISSING node lies (a MISSING one is empty: `start === end`). */
export interface ErrorRange {
  start: number;
  end: number;
}

/** Error statistics of a tree; `ranges`, when given, receives every error node's range in tree order. */
export function errorStats(tree: Tree, ranges?: ErrorRange[]): ErrorStats {
  const s: ErrorStats = { count: 0, errorNodes: 0, chars: 0, first: Number.POSITIVE_INFINITY };
  const visit = (n: Node) => {
    if (n.isMissing) {
      s.count++;
      s.first = Math.min(s.first, n.startIndex);
      ranges?.push({ start: n.startIndex, end: n.endIndex });
      return;
    }
    const isError = n.isError;
    if (isError) {
      s.count++;
      s.errorNodes++;
      ranges?.push({ start: n.startIndex, end: n.endIndex });
    }
    // One `children` call per node: `child(i)` walks the siblings before `i` each time (quadratic).
    // Each flag is a call into WASM; a MISSING node always has an error cost (`hasError`), so two
    // calls decide for the common, error-free child. A childless ERROR token may have none: `isError`.
    for (const c of n.children) {
      if (!c) continue;
      if (c.hasError || c.isError) visit(c);
      else if (isError && !c.isNamed) {
        s.chars += c.endIndex - c.startIndex;
        s.first = Math.min(s.first, c.startIndex);
      }
    }
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return s;
}

type Change = Pick<Edit, "start" | "end" | "replacement">;

/**
 * Parse errors of the edited text, re-using the input's tree: the edits are replayed on a copy of it
 * (`tree.edit`) and only the changed regions are re-parsed (`parse(out, oldTree)`), which costs a small
 * fraction of a full parse of the output. `ranges` receives where the output's errors are.
 */
export async function editedErrors(tree: Tree, language: LanguageId, text: string, edits: readonly Change[], out: string, signal?: ParseSignal, ranges?: ErrorRange[]): Promise<number> {
  const copy = tree.copy();
  let next: Tree | null = null;
  try {
    const pos = positions(text);
    // Last edit first: earlier edits' coordinates are still those of the original text.
    for (let k = edits.length - 1; k >= 0; k--) {
      const e = edits[k]!;
      const start = pos(e.start);
      copy.edit({
        startIndex: e.start,
        oldEndIndex: e.end,
        newEndIndex: e.start + e.replacement.length,
        startPosition: start,
        oldEndPosition: pos(e.end),
        newEndPosition: advance(start, e.replacement),
      });
    }
    next = await parseText(language, out, copy, signal);
    return next ? errorStats(next, ranges).count : Number.POSITIVE_INFINITY;
  } finally {
    next?.delete();
    copy.delete();
  }
}

/** Rounds of giving back blamed edits before an elision is dropped whole. */
const REPAIR_ROUNDS = 3;

/**
 * The elision that passes verification: `edits` (with what `finish` adds, the footer) when the output
 * parses with at most `inputErrors` errors; else, for a few rounds, without the edits that the output's
 * new errors point at. An input with errors of its own (a truncated read, a file the grammar misreads
 * here and there) would otherwise lose its whole elision to one body whose placeholder the recovering
 * parser reads differently. `undefined` when no round passes or nothing would be gained.
 */
export async function verifiedEdits(
  tree: Tree,
  language: LanguageId,
  text: string,
  edits: readonly Edit[],
  inputErrors: number,
  finish: (kept: readonly Edit[]) => readonly Change[],
  signal?: ParseSignal,
): Promise<{ kept: readonly Edit[]; out: string } | undefined> {
  let inputRanges: ErrorRange[] | undefined;
  let kept = edits;
  for (let round = 0; ; round++) {
    const all = finish(kept);
    const out = applyEdits(text, all);
    if (out.length >= text.length) return undefined;
    signal?.throwIfAborted();
    const ranges: ErrorRange[] = [];
    if ((await editedErrors(tree, language, text, all, out, signal, ranges)) <= inputErrors) return { kept, out };
    if (round === REPAIR_ROUNDS) return undefined;
    if (!inputRanges) {
      inputRanges = [];
      errorStats(tree, inputRanges);
    }
    const blamed = blame(all, inputRanges, ranges);
    // A change that is not one of the kept edits is the footer: without it, no comment can be trimmed.
    const keptSet = new Set<Change>(kept);
    const footer = [...blamed].some((b) => !keptSet.has(b));
    const next = kept.filter((e) => !blamed.has(e) && !(footer && e.kind === "trim"));
    if (next.length === kept.length || !next.length) return undefined;
    kept = next;
  }
}

/**
 * The edits the output's new errors point at. An input error keeps its start in the output, shifted by
 * the edits before it; an output error starting anywhere else is new, and blames the first edit its
 * range overlaps, else the nearer of the edits before and after it.
 */
export function blame<T extends Change>(edits: readonly T[], inputErrors: readonly ErrorRange[], outputErrors: readonly ErrorRange[]): Set<T> {
  // Output ranges of the edits, in order; `shift` ends as the change of length they make in all.
  const at: { start: number; end: number }[] = [];
  let shift = 0;
  for (const e of edits) {
    at.push({ start: e.start + shift, end: e.start + shift + e.replacement.length });
    shift += e.replacement.length - (e.end - e.start);
  }
  const old = new Map<number, number>();
  let k = 0;
  for (const p of [...inputErrors].map((r) => r.start).sort((a, b) => a - b)) {
    while (k < edits.length && edits[k]!.end <= p) k++;
    // Shifted by the edits before it (edit k's output start less its input start); an error inside an
    // edited range moved with it: it starts where the replacement does.
    const q = k === edits.length ? p + shift : edits[k]!.start <= p ? at[k]!.start : p + at[k]!.start - edits[k]!.start;
    old.set(q, (old.get(q) ?? 0) + 1);
  }
  const blamed = new Set<T>();
  for (const r of outputErrors) {
    const n = old.get(r.start) ?? 0;
    if (n > 0) {
      old.set(r.start, n - 1);
      continue;
    }
    // The first edit ending at or after the error's start.
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]!.end < r.start) lo = mid + 1;
      else hi = mid;
    }
    // Of the edits the error overlaps, the first: the parser went wrong there and recovered later.
    if (lo < at.length && at[lo]!.start <= r.end) {
      blamed.add(edits[lo]!);
      continue;
    }
    // Between two edits: the nearer one (a closer the parser finds missing sits just before the next one).
    const before = lo > 0 ? r.start - at[lo - 1]!.end : Number.POSITIVE_INFINITY;
    const after = lo < at.length ? at[lo]!.start - r.end : Number.POSITIVE_INFINITY;
    if (before <= after && lo > 0) blamed.add(edits[lo - 1]!);
    else if (lo < at.length) blamed.add(edits[lo]!);
  }
  return blamed;
}

/** Row/column of a character offset (columns in UTF-16 units, as web-tree-sitter counts them). */
function positions(text: string): (i: number) => Point {
  const starts = lineStarts(text);
  return (i) => {
    const row = lineAt(starts, i);
    return { row, column: i - starts[row]! };
  };
}

/** The point after writing `s` at `p`. */
function advance(p: Point, s: string): Point {
  const nl = s.lastIndexOf("\n");
  if (nl < 0) return { row: p.row, column: p.column + s.length };
  let rows = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) rows++;
  return { row: p.row + rows, column: s.length - nl - 1 };
}

