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

/** Applies the clean-up to `text`, leaving the given ranges byte-identical. */
export function cleanWhitespace(text: string, protect: ReadonlyArray<[number, number]>): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let offset = 0;
  let r = 0;
  let blank = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const end = offset + line.length; // index of this line's "\n"
    while (r < protect.length && protect[r]![1] <= end) r++;
    // The line break (and the whitespace before it) is inside a literal when a range covers it.
    const inside = r < protect.length && protect[r]![0] < end;
    const startsInside = r < protect.length && protect[r]![0] < offset;
    let kept = line;
    if (!inside && !/\\\s*$/.test(line)) kept = line.replace(/[ \t]+$/, "");
    const isBlank = kept === "" && !startsInside && i < lines.length - 1;
    if (isBlank) {
      blank++;
      if (blank > 1) {
        offset = end + 1;
        continue;
      }
    } else blank = 0;
    out.push(kept);
    offset = end + 1;
  }
  return out.join("\n");
}
