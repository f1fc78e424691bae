/**
 * Budgeted selection of match lines: lazy greedy by value per cost, where a line's value shrinks with
 * every line already kept from its file (diversity) and with its likeness to kept lines (redundancy), and
 * the first line of a file earns a bonus so that every relevant file shows up.
 */
import type { SearchLine } from "./parse.js";
import { Heap, isDataPath, isHistoryPath, isTestPath, jaccard } from "@headroom/text";
import { words } from "./rank.js";

export interface GreedyGroup {
  matches: SearchLine[];
}

// Tuned on the dev corpus as a whole (broad optimum), not per case.
const DECAY = 0.6;
const FIRST = 1.5;
// Value per unit of cost (a knapsack ratio): many short informative lines beat a few long ones.
const CE = 1;
/** Extra value of the line that finishes a kept open line. */
const FOLLOW = 1;
/** Extra value of a match right beside a kept match of the same file. */
const ADJACENT = 0.5;
/** Redundancy each kept line with the same words (in another file) adds. */
const KEY_ECHO = 0.5;
/** Share of the first-line bonus left to a file's first line when it repeats a line shown elsewhere. */
const ECHOED_FIRST = 0.2;
/** Value share of a line whose shape already occurred earlier in the input (or nearly, just before). */
const REPEAT = 0.5;
/** Upper bound on heap pops, so that huge outputs stay linear-ish (they keep less instead). */
const MAX_POPS = 200_000;

interface Cand {
  line: SearchLine;
  file: number;
  words: Set<string>;
  shape: string;
  /** Word-set key: lines of other files with the same words say the same thing. */
  key: string;
  /** True when an earlier line of the input has the same shape (the first occurrence represents it). */
  repeat: boolean;
  /** Highest likeness to a kept line of the same file, over the first `seen` of them. */
  sim: number;
  seen: number;
  value: number;
  /** Extra value as the line that finishes a kept open line, or one beside a kept line. */
  bonus: number;
  /** The match on the line right before / after this one, in the same file. */
  before?: Cand;
  after?: Cand;
}

/**
 * Spends what `left()` allows on lines of `groups`, calling `add` for each pick (which must update the
 * budget). Values mostly fall as lines are kept, so a popped candidate whose fresh value still beats the
 * best stale one is the true best (lazy greedy); the two that rise (a file's last hidden line, the line
 * that finishes a kept open one) are queued again.
 */
export function spendGreedy(
  groups: readonly GreedyGroup[],
  score: ReadonlyMap<SearchLine, number>,
  features: ReadonlyMap<SearchLine, LineFeatures>,
  keep: ReadonlySet<SearchLine>,
  cost: (l: SearchLine) => number,
  left: () => number,
  add: (l: SearchLine) => void,
): void {
  const keptIn: Cand[][] = groups.map(() => []);
  const keptShapes = new Set<string>();
  const keptKeys = new Map<string, number>();
  const { all, successor } = candidates(groups, features);
  const initial: Cand[] = [];
  const pending: Cand[][] = groups.map(() => []);
  for (const c of all) {
    if (keep.has(c.line)) record(c);
    else {
      initial.push(c);
      pending[c.file]!.push(c);
    }
  }
  const hiddenLeft = pending.map((p) => p.length);
  const cursor = groups.map(() => 0);
  for (const [open, next] of successor) if (keep.has(open.line) && !keep.has(next.line)) next.bonus = FOLLOW;
  for (const c of initial) if ((c.before && keep.has(c.before.line)) || (c.after && keep.has(c.after.line))) c.bonus = Math.max(c.bonus, ADJACENT);
  for (const c of initial) c.value = value(c);
  const heap = new Heap(before, initial);
  for (let pops = 0; heap.size && pops < MAX_POPS; pops++) {
    const c = heap.pop()!;
    if (keep.has(c.line)) continue;
    if (cost(c.line) > left()) continue; // the budget only shrinks: it will never fit
    c.value = value(c);
    if (heap.size && before(heap.peek()!, c) < 0) {
      heap.push(c);
      continue;
    }
    add(c.line);
    record(c);
    // Showing the last hidden match of a file also drops the file's note, so that line just got cheaper:
    // queue it again with its new value (the stale entry is skipped when it surfaces).
    if (--hiddenLeft[c.file]! === 1) requeue(lastHidden(c.file));
    // A line left open (`{`, `(`, `,`, `::` …) is finished by the next one: a method's one-line body, the
    // example a doc sentence announces, the second half of a wrapped changelog entry.
    const next = successor.get(c);
    if (next && !keep.has(next.line)) {
      next.bonus = FOLLOW;
      requeue(next);
    }
    // A run of consecutive matches is one block (a struct's fields, an `if` and its body, rows of a
    // help table): the lines right beside a kept one read best with it and cost no `--` separator.
    // Only a line kept on its own merit lends this bonus, so that a block does not pull itself in whole.
    if (c.bonus === 0)
      for (const o of [c.before, c.after]) {
        if (!o || keep.has(o.line) || o.bonus >= ADJACENT) continue;
        o.bonus = ADJACENT;
        requeue(o);
      }
  }

  // The one match of a file not kept yet; a cursor per file skips kept ones, so each is passed once.
  function lastHidden(file: number): Cand | undefined {
    const list = pending[file]!;
    while (cursor[file]! < list.length && keep.has(list[cursor[file]!]!.line)) cursor[file]!++;
    return list[cursor[file]!];
  }

  // A value that rises is pushed again as a copy (moving the entry already in the heap would break its
  // order); whichever copy surfaces first is taken and the other is skipped as kept.
  function requeue(o: Cand | undefined): void {
    if (o) heap.push({ ...o, value: value(o) });
  }

  function record(c: Cand): void {
    keptIn[c.file]!.push(c);
    keptShapes.add(c.shape);
    if (c.words.size) keptKeys.set(c.key, (keptKeys.get(c.key) ?? 0) + 1);
  }

  function value(c: Cand): number {
    const kept = keptIn[c.file]!;
    for (; c.seen < kept.length; c.seen++) c.sim = Math.max(c.sim, jaccard(c.words, kept[c.seen]!.words));
    // A line whose shape or whole word set is already shown (in any file) adds nothing but its position:
    // the same call repeated across twenty files is shown once and the files are listed with counts.
    // The same words shown in one other file still say "in both"; shown in two, the rest only repeat.
    const echoes = c.words.size > 0 ? (keptKeys.get(c.key) ?? 0) : 0;
    const elsewhere = keptShapes.has(c.shape) || echoes > 0;
    const redundancy = keptShapes.has(c.shape) ? 1 : Math.max(c.sim, Math.min(1, echoes * KEY_ECHO));
    const k = kept.length;
    // A file's first line says the file is among the results; if it only repeats a line shown in another
    // file, that is worth less (the closing list names the file anyway), yet more than a repeat in a
    // file already shown.
    const first = k === 0 ? (secondary(c.line.path ?? "") ? FIRST / 3 : FIRST) * (elsewhere ? ECHOED_FIRST : 1) : 0;
    // Of lines that repeat one shape, the first occurrence stands for the rest.
    const own = score.get(c.line)! * (c.repeat ? REPEAT : 1);
    // Being beside or finishing a kept line is worth nothing for a line that only repeats one.
    return ((own * DECAY ** k + c.bonus) * (1 - redundancy) + first) / cost(c.line) ** CE;
  }
}

/** Tests, fixtures, data files and release notes: worth showing, but not at the cost of sources. */
function secondary(path: string): boolean {
  return isTestPath(path) || isDataPath(path) || isHistoryPath(path);
}

/** One candidate per match, linked to its neighbours, and each open line's successor. */
function candidates(groups: readonly GreedyGroup[], features: ReadonlyMap<SearchLine, LineFeatures>): { all: Cand[]; successor: Map<Cand, Cand> } {
  const all: Cand[] = [];
  const successor = new Map<Cand, Cand>();
  groups.forEach((g, file) => {
    let prev: Cand | undefined;
    for (const line of g.matches) {
      const f = features.get(line)!;
      const c: Cand = { line, file, words: f.words, shape: f.shape, key: f.key, repeat: f.repeat, sim: 0, seen: 0, value: 0, bonus: 0 };
      if (prev && opens(prev.line, line)) successor.set(prev, c);
      if (prev && adjacent(prev.line, line)) {
        c.before = prev;
        prev.after = c;
      }
      prev = c;
      all.push(c);
    }
  });
  return { all, successor };
}

const OPEN = /(?:[{([,\\=+]|&&|\|\||::?)\s*$/;

/** True when `b` continues `a`: `a` is left open and `b` is the next line (or the one after a blank, when `a` ends in `:`). */
function opens(a: SearchLine, b: SearchLine): boolean {
  if (a.line === undefined || b.line === undefined) return false;
  const gap = b.line - a.line;
  const text = a.text ?? "";
  return OPEN.test(text) && (gap === 1 || (gap === 2 && /:\s*$/.test(text)));
}

/** How far back (in matches of the same file) a line looks for one it nearly repeats. */
const ECHO_WINDOW = 8;
/** Word-set likeness from which a line counts as a near-repeat of an earlier one. */
const ECHO_LIKENESS = 0.7;

/** True when `b` is on the line right after `a`. */
function adjacent(a: SearchLine, b: SearchLine): boolean {
  return a.line !== undefined && b.line === a.line + 1;
}

/** Order: higher value first, then input order (deterministic ties). */
function before(a: Cand, b: Cand): number {
  return b.value - a.value || a.line.index - b.line.index;
}

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
