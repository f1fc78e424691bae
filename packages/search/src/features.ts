/**
 * What selection knows of each match line beyond its score: its words (without the searched symbol's),
 * its shape (text up to numbers and spacing), its word-set key, and whether it repeats an earlier line.
 */
import type { SearchLine } from "./parse.js";
import { lineWordIds } from "./rank.js";
import { SeqIds } from "./seqids.js";
import { isSpaceCode } from "@headroom/text";

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
  /**
   * The line's shape (its text with digits, blank runs and trailing `,`/`;` folded: lines that differ
   * only in numbers, spacing or the list separator after them share a shape) as an id: equal ids, equal
   * shapes, within one `lineFeatures` call.
   */
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
  const shapeIds = new SeqIds();
  const keyIds = new SeqIds();
  // The line (1-based) each word id was last seen on: a word repeated within a line is counted once.
  const lastSeen: number[] = [];
  // The last few lines of each file, for near-repeats.
  const recent = new Map<string | undefined, Int32Array[]>();
  let n = 0;
  let before: Int32Array[] | undefined;
  let beforePath: string | undefined;
  // Every line's ids in one buffer, each line's a view of it (one allocation, not one per line); the
  // lines' word counts bound its size.
  let total = 0;
  for (const l of lines) total += wordIds(l).length;
  const arena = new Int32Array(total);
  let used = 0;
  for (const l of lines) {
    n++;
    let count = 0;
    for (const id of wordIds(l)) {
      if (lastSeen[id] === n) continue;
      lastSeen[id] = n;
      arena[used + count++] = id;
    }
    const ids = sortIds(arena.subarray(used, used + count));
    used += count;
    const text = l.text ?? "";
    // The key: the count of ids, the ids, then the numbers (`fold` writes them after the ids).
    if (keyBuf.length < 1 + count + text.length) keyBuf = new Int32Array((1 + count + text.length) * 2);
    keyBuf[0] = count;
    keyBuf.set(ids, 1);
    const shapeLength = fold(text, 1 + count);
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
    const shapeId = shapeIds.idOf(shapeBuf, shapeLength);
    const repeat = !shapeIds.fresh || (ids.length > 0 && before.some((b) => likeness(ids, b) >= ECHO_LIKENESS));
    before.push(ids);
    if (before.length > ECHO_WINDOW) before.shift();
    // Numbers are part of the key: `timeout=(3.05, 27)` says something `timeout=5` does not. The sorted
    // ids stand for the word set (no sorting of strings): equal sets give equal keys.
    const keyId = keyIds.idOf(keyBuf, keyEnd);
    // `terms` is filled in later (by prepareSearch); present from the start, it keeps one object shape.
    out.set(l, { ids, shapeId, keyId, repeat, terms: undefined });
  }
  return out;
}

/**
 * Sorts `ids` in place: a line has a handful of distinct words, and so few sort faster by insertion
 * than through the typed array's `sort` call.
 */
function sortIds(ids: Int32Array): Int32Array {
  const count = ids.length;
  if (count > 16) return ids.sort();
  for (let i = 1; i < count; i++) {
    const x = ids[i]!;
    let j = i - 1;
    while (j >= 0 && ids[j]! > x) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = x;
  }
  return ids;
}

/** Scratch buffers of `lineFeatures` (grown as needed): a line's shape and key. */
let shapeBuf = new Int32Array(256);
let keyBuf = new Int32Array(256);
/** Where `fold` ended the key in `keyBuf`. */
let keyEnd = 0;

/**
 * Writes the shape of `text` into `shapeBuf` and returns its length: the text with each number
 * (`/\d+(?:\.\d+)?/`) as `0`, each run of `\s` as one space, then trimmed and without trailing `,`/`;`
 * (`shapeOf` in the tests spells this with regexes). The same pass writes the numbers themselves,
 * joined by `,`, into `keyBuf` from `keyAt` up to `keyEnd`.
 */
function fold(text: string, keyAt: number): number {
  const n = text.length;
  if (shapeBuf.length < n) shapeBuf = new Int32Array(n * 2);
  let s = 0;
  let k = keyAt;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      // A number: one `0` in the shape, itself in the key.
      const start = i;
      i = digitsEnd(text, i);
      if (i + 1 < n && text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) i = digitsEnd(text, i + 1);
      shapeBuf[s++] = 48;
      if (k > keyAt) keyBuf[k++] = 44;
      for (let j = start; j < i; j++) keyBuf[k++] = text.charCodeAt(j);
    } else if (isSpaceCode(c)) {
      // A run of blanks is one space, and none at the start.
      i++;
      while (i < n && isSpaceCode(text.charCodeAt(i))) i++;
      if (s > 0) shapeBuf[s++] = 32;
    } else {
      shapeBuf[s++] = c;
      i++;
    }
  }
  // Trailing `,`, `;` and spaces (the one space `trim` would drop among them).
  while (s > 0 && (shapeBuf[s - 1] === 44 || shapeBuf[s - 1] === 59 || shapeBuf[s - 1] === 32)) s--;
  keyEnd = k;
  return s;
}

/** The end of the run of digits starting at `i`. */
function digitsEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && isDigit(text.charCodeAt(j))) j++;
  return j;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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
