/**
 * Lossless clean-up: strip trailing whitespace and collapse runs of blank lines, except where whitespace
 * is content — inside multi-line string literals (docstrings, template strings, raw strings, text blocks)
 * and on backslash-continued lines.
 */
import type { Node, Tree } from "web-tree-sitter";
import type { LanguageSpec } from "./languages.js";

/** [start, end) ranges of multi-line literals, sorted. */
export function literalRanges(tree: Tree, spec: LanguageSpec): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  // The parent's ERROR flag is passed down: `node.parent` and `child(i)` each walk siblings (quadratic).
  const visit = (n: Node, parentIsError: boolean) => {
    // A node on one line cannot hold a line break inside a literal.
    if (n.startPosition.row === n.endPosition.row) return;
    // Literals, and multi-line tokens the grammar could not place (possibly a literal it misread).
    if (spec.literals.has(n.type) || n.childCount === 0 || (parentIsError && !n.isNamed)) {
      out.push([n.startIndex, n.endIndex]);
      return;
    }
    const isError = n.isError;
    for (const c of n.children) if (c) visit(c, isError);
  };
  visit(tree.rootNode, false);
  return out;
}

/** A removal of `text.slice(start, end)` (the clean-up only ever deletes). */
export interface Cut {
  start: number;
  end: number;
  replacement: "";
}

/**
 * The clean-up as sorted, non-overlapping cuts (adjacent ones merged): trailing whitespace, and every
 * blank line after the first of a run, with its line break. The cuts let the output be re-parsed
 * incrementally from the input's tree.
 */
export function whitespaceCuts(text: string, protect: ReadonlyArray<[number, number]>): Cut[] {
  const cuts: Cut[] = [];
  const cut = (start: number, end: number) => {
    if (start >= end) return;
    const last = cuts[cuts.length - 1];
    if (last && last.end === start) last.end = end;
    else cuts.push({ start, end, replacement: "" });
  };
  let offset = 0;
  let r = 0;
  let blank = 0;
  for (;;) {
    const nl = text.indexOf("\n", offset);
    const last = nl < 0;
    const end = last ? text.length : nl; // index of this line's "\n"
    const line = text.slice(offset, end);
    while (r < protect.length && protect[r]![1] <= end) r++;
    // The line break (and the whitespace before it) is inside a literal when a range covers it.
    const inside = r < protect.length && protect[r]![0] < end;
    const startsInside = r < protect.length && protect[r]![0] < offset;
    let kept = line.length;
    if (!inside && !/\\\s*$/.test(line)) kept = line.replace(/[ \t]+$/, "").length;
    const isBlank = kept === 0 && !startsInside && !last;
    if (isBlank && ++blank > 1) cut(offset, end + 1); // the whole line and its break
    else {
      if (!isBlank) blank = 0;
      cut(offset + kept, end);
    }
    if (last) break;
    offset = end + 1;
  }
  return cuts;
}
