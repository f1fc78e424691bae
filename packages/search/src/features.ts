/**
 * What selection knows of each match line beyond its score: its words (without the searched symbol's),
 * its shape (text up to numbers and spacing), its word-set key, and whether it repeats an earlier line.
 */
import type { SearchLine } from "./parse.js";
import { lineWordIds } from "./rank.js";

/** How far back (in matches of the same file) a line looks for one it nearly repeats. */
const ECHO_WINDOW = 8;
/** Word-set likeness from which a line counts as a near-repeat of an earlier one. */
const ECHO_LIKENESS = 0.7;

/** Words (without the searched symbol's) and shape of a match line, for likeness between lines. */
export interface LineFeatures {
  /**
   * The line's distinct words as ids, ascending: ids stand for words within one `lineFeatures` call, so
   * likeness is a merge of two int arrays rather than hashing strings on every greedy step.
   */
  ids: Int32Array;
  shape: string;
  /** `shape` as an id (equal ids, equal shapes) within one `lineFeatures` call. */
  shapeId: number;
  /**
   * True when an earlier line has the same shape, or one of the few lines before it in its file nearly
   * the same words (the second of "Two X flags equal Y" / "Three X flags equal Y"): the first occurrence
   * stands for the variants after it.
   */
  repeat: boolean;
  /**
   * The word set and the numbers, as an id within one `lineFeatures` call: equal ids mean the same words
   * (in any order) and values.
   */
  keyId: number;
  /** The exact terms of the question and the tool call the line holds, when there are any. */
  terms?: ReadonlySet<string> | undefined;
}

/**
 * Features of every line, in input order (groups by file); `skip` holds the searched symbol's words,
 * which every line shares. `wordIds` gives a line's word ids without the skipped ones (one `WordIds` for
 * all lines); by default the lines' own.
 */
export function lineFeatures(
  lines: readonly SearchLine[],
  skip: ReadonlySet<string>,
  wordIds: (l: SearchLine) => readonly number[] = lineWordIds(lines, skip).of,
): Map<SearchLine, LineFeatures> {
  const out = new Map<SearchLine, LineFeatures>();
  const shapeIds = new Map<string, number>();
  const keyIds = new Map<string, number>();
  // The line (1-based) each word id was last seen on: a word repeated within a line is counted once.
  const lastSeen: number[] = [];
  // The last few lines of each file, for near-repeats.
  const recent = new Map<string | undefined, Int32Array[]>();
  let n = 0;
  let before: Int32Array[] | undefined;
  let beforePath: string | undefined;
  for (const l of lines) {
    n++;
    const idList: number[] = [];
    for (const id of wordIds(l)) {
      if (lastSeen[id] === n) continue;
      lastSeen[id] = n;
      idList.push(id);
    }
    const ids = new Int32Array(idList.length);
    for (let i = 0; i < idList.length; i++) ids[i] = idList[i]!;
    ids.sort();
    const text = l.text ?? "";
    const shape = shapeOf(text);
    // Lines come grouped by file: the previous line's list is usually this one's.
    if (before === undefined || l.path !== beforePath) {
      before = recent.get(l.path);
      if (!before) {
        before = [];
        recent.set(l.path, before);
      }
      beforePath = l.path;
    }
    // One lookup of the shape answers both whether it occurred before and its id.
    let shapeId = shapeIds.get(shape);
    const repeat = shapeId !== undefined || (ids.length > 0 && before.some((b) => likeness(ids, b) >= ECHO_LIKENESS));
    if (shapeId === undefined) {
      shapeId = shapeIds.size;
      shapeIds.set(shape, shapeId);
    }
    before.push(ids);
    if (before.length > ECHO_WINDOW) before.shift();
    // Numbers are part of the key: `timeout=(3.05, 27)` says something `timeout=5` does not.
    const numbers = text.match(NUMBER) ?? [];
    // The sorted ids stand for the word set (no sorting of strings): equal sets give equal keys.
    const key = keyOf(ids, numbers);
    // `terms` is filled in later (by prepareSearch); present from the start, it keeps one object shape.
    out.set(l, { ids, shape, shapeId, keyId: idOf(keyIds, key), repeat, terms: undefined });
  }
  return out;
}

const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * A string equal for two lines exactly when their word ids and numbers are: the count of ids, then each
 * id as one character, then the numbers (joining a typed array with `join(" ")` is far slower). Ids
 * beyond one UTF-16 unit take the spelled-out form, which starts with `~` and so never equals the other.
 */
function keyOf(ids: Int32Array, numbers: readonly string[]): string {
  const tail = numbers.join(",");
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
  if (max >= 0xffff) return `~${ids.join(" ")}|${tail}`;
  return `${ids.length}:${String.fromCharCode.apply(null, ids as unknown as number[])}${tail}`;
}

function idOf(ids: Map<string, number>, s: string): number {
  let id = ids.get(s);
  if (id === undefined) {
    id = ids.size;
    ids.set(s, id);
  }
  return id;
}

/**
 * Jaccard likeness of two ascending id arrays (the same number as `jaccard` of the word sets they stand
 * for): 0 when either is empty.
 */
export function likeness(a: Int32Array, b: Int32Array): number {
  const na = a.length;
  const nb = b.length;
  if (!na || !nb) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (na + nb - common);
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
