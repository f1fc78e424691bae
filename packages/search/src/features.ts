/**
 * What selection knows of each match line beyond its score: its words (without the searched symbol's),
 * its shape (text up to numbers and spacing), its word-set key, and whether it repeats an earlier line.
 */
import type { SearchLine } from "./parse.js";
import { jaccard } from "@headroom/text";
import { words } from "./rank.js";

/** How far back (in matches of the same file) a line looks for one it nearly repeats. */
const ECHO_WINDOW = 8;
/** Word-set likeness from which a line counts as a near-repeat of an earlier one. */
const ECHO_LIKENESS = 0.7;

/** Words (without the searched symbol's) and shape of a match line, for likeness between lines. */
export interface LineFeatures {
  words: Set<string>;
  shape: string;
  /**
   * True when an earlier line has the same shape, or one of the few lines before it in its file nearly
   * the same words (the second of "Two X flags equal Y" / "Three X flags equal Y"): the first occurrence
   * stands for the variants after it.
   */
  repeat: boolean;
  /** The sorted word set and the numbers, joined: equal keys mean the same words (in any order) and values. */
  key: string;
  /** The exact terms of the question and the tool call the line holds, when there are any. */
  terms?: Set<string>;
}

/** Features of every line, in input order (groups by file); `skip` holds the searched symbol's words, which every line shares. */
export function lineFeatures(
  lines: readonly SearchLine[],
  skip: ReadonlySet<string>,
  textWords: (l: SearchLine) => readonly string[] = (l) => words(l.text ?? ""),
): Map<SearchLine, LineFeatures> {
  const out = new Map<SearchLine, LineFeatures>();
  const seenShapes = new Set<string>();
  // The last few lines of each file, for near-repeats.
  const recent = new Map<string | undefined, Set<string>[]>();
  for (const l of lines) {
    const w = lineWords(textWords(l), skip);
    const shape = shapeOf(l.text ?? "");
    const before = recent.get(l.path) ?? [];
    recent.set(l.path, before);
    const repeat = seenShapes.has(shape) || (w.size > 0 && before.some((b) => jaccard(w, b) >= ECHO_LIKENESS));
    seenShapes.add(shape);
    before.push(w);
    if (before.length > ECHO_WINDOW) before.shift();
    // Numbers are part of the key: `timeout=(3.05, 27)` says something `timeout=5` does not.
    const numbers = (l.text ?? "").match(/\d+(?:\.\d+)?/g) ?? [];
    out.set(l, { words: w, shape, key: `${[...w].sort().join(" ")}|${numbers.join(",")}`, repeat });
  }
  return out;
}

function lineWords(all: readonly string[], skip: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const w of all) if (!skip.has(w)) out.add(w);
  return out;
}

/**
 * The text with digits, blank runs and trailing `,`/`;` folded: lines that differ only in numbers, spacing
 * or the list separator after them (the last item of a JSON object) share a shape.
 */
export function shapeOf(text: string): string {
  const folded = text
    .replace(/\d+(?:\.\d+)?/g, "0")
    .replace(/\s+/g, " ")
    .trim();
  let end = folded.length;
  while (end > 0 && (folded[end - 1] === "," || folded[end - 1] === ";" || folded[end - 1] === " ")) end--;
  return folded.slice(0, end);
}
