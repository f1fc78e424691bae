/**
 * Budgeted selection of match lines: lazy greedy by value per cost, where a line's value shrinks with
 * every line already kept from its file (diversity) and with its likeness to kept lines (redundancy), and
 * the first line of a file earns a bonus so that every relevant file shows up.
 */
import type { SearchLine } from "./parse.js";
import { Heap, isDataPath, isHistoryPath, isSpaceCode, isTestPath } from "@headroom/text";
import { likeness, type LineFeatures } from "./features.js";
import { KeptBlocks } from "./blocks.js";

/** Which lines are kept (a `ReadonlySet<SearchLine>` will do). */
export interface Kept {
  has(l: SearchLine): boolean;
}

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
/** `DECAY ** k`, computed once per `k` (values are recomputed on every pop). */
const DECAY_POWERS: number[] = [];
function decay(k: number): number {
  let d = DECAY_POWERS[k];
  if (d === undefined) {
    d = DECAY ** k;
    DECAY_POWERS[k] = d;
  }
  return d;
}
/** Upper bound on heap pops, so that huge outputs stay linear-ish (they keep less instead). */
const MAX_POPS = 200_000;

interface Cand {
  line: SearchLine;
  /** `line.index`, at hand for the heap's tie-break. */
  index: number;
  file: number;
  /** Distinct word ids, ascending (see `LineFeatures.ids`). */
  ids: Int32Array;
  shape: number;
  /** Word-set key (as an id): lines of other files with the same words say the same thing. */
  key: number;
  /** Exact terms of the question and tool call the line holds (undefined: none known). */
  terms?: ReadonlySet<string> | undefined;
  /** True when an earlier line of the input has the same shape (the first occurrence represents it). */
  repeat: boolean;
  /** The line's own worth (its score, halved for a repeat), fixed for the run. */
  own: number;
  /** Highest likeness to a kept line of the same file, over the first `seen` of them. */
  sim: number;
  seen: number;
  value: number;
  /** Extra value as the line that finishes a kept open line, or one beside a kept line. */
  bonus: number;
  /** The match on the line right before / after this one, in the same file. */
  before: Cand | undefined;
  after: Cand | undefined;
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
  keep: Kept,
  cost: (l: SearchLine) => number,
  left: () => number,
  add: (l: SearchLine) => void,
): void {
  const s = new Selection(groups, score, features, keep, cost);
  const heap = new Heap(before, s.initial);
  s.requeue = (o) => heap.push(copy(o, s.value(o)));
  for (let pops = 0; heap.size && pops < MAX_POPS; pops++) {
    const c = heap.pop()!;
    if (keep.has(c.line)) continue;
    if (cost(c.line) > left()) continue; // the budget only shrinks: it will never fit
    c.value = s.value(c);
    if (heap.size && before(heap.peek()!, c) < 0) {
      heap.push(c);
      continue;
    }
    add(c.line);
    s.picked(c);
  }
}

/** The state of one greedy run: what each file has kept so far, and the value of a candidate given it. */
class Selection {
  /** Candidates not kept on entry, in input order. */
  readonly initial: Cand[] = [];
  /**
   * Pushes a copy of a candidate whose value rose (moving the entry already in the heap would break its
   * order); whichever copy surfaces first is taken and the other is skipped as kept.
   */
  requeue: (c: Cand) => void = () => {};
  private readonly keptIn: Cand[][];
  private readonly blocks: KeptBlocks[];
  /** Per shape id: 1 once a line of that shape is kept. */
  private readonly keptShapes: Uint8Array;
  /** Per key id: how many kept lines have that key. */
  private readonly keptKeys: Int32Array;
  private readonly successor: Map<Cand, Cand>;
  /** The open line each successor finishes. */
  private readonly opener = new Map<Cand, Cand>();
  private readonly pending: Cand[][];
  private readonly hiddenLeft: number[];
  private readonly cursor: number[];
  private readonly secondaryOf: (boolean | undefined)[] = [];

  constructor(
    groups: readonly GreedyGroup[],
    score: ReadonlyMap<SearchLine, number>,
    features: ReadonlyMap<SearchLine, LineFeatures>,
    private readonly keep: Kept,
    private readonly cost: (l: SearchLine) => number,
  ) {
    this.keptIn = groups.map(() => []);
    this.blocks = groups.map(() => new KeptBlocks(BLOCK_GAP));
    this.pending = groups.map(() => []);
    const { all, successor } = candidates(groups, features);
    this.successor = successor;
    let shapes = 0;
    let keys = 0;
    for (const c of all) {
      if (c.shape >= shapes) shapes = c.shape + 1;
      if (c.key >= keys) keys = c.key + 1;
    }
    this.keptShapes = new Uint8Array(shapes);
    this.keptKeys = new Int32Array(keys);
    for (const [open, next] of successor) this.opener.set(next, open);
    for (const c of all) {
      if (keep.has(c.line)) this.record(c);
      else {
        this.initial.push(c);
        this.pending[c.file]!.push(c);
      }
    }
    this.hiddenLeft = this.pending.map((p) => p.length);
    this.cursor = groups.map(() => 0);
    // Lines kept on entry (definitions) lend their bonuses as a pick would.
    for (const [open, next] of successor) {
      if (keep.has(open.line) && !keep.has(next.line)) next.bonus = FOLLOW;
      else if (keep.has(next.line) && !keep.has(open.line)) open.bonus = FOLLOW;
    }
    for (const c of this.initial)
      if ([c.before, c.after].some((o) => o && keep.has(o.line) && namesMore(c, o))) c.bonus = Math.max(c.bonus, ADJACENT);
    for (const c of all) c.own = score.get(c.line)! * (c.repeat ? REPEAT : 1);
    for (const c of this.initial) c.value = this.value(c);
  }

  /** Records a pick and queues again the candidates whose value it raised. */
  picked(c: Cand): void {
    this.record(c);
    // Showing the last hidden match of a file also drops the file's note, so that line just got cheaper.
    if (--this.hiddenLeft[c.file]! === 1) {
      const last = this.lastHidden(c.file);
      if (last) this.requeue(last);
    }
    // A line left open (`{`, `(`, `,`, `::` …) is finished by the next one: a method's one-line body, the
    // example a doc sentence announces, the second half of a wrapped changelog entry.
    const next = this.successor.get(c);
    if (next && !this.keep.has(next.line)) {
      next.bonus = FOLLOW;
      this.requeue(next);
    }
    // The other way round, a kept line inside a block wants the line that opens it: the `if` that guards
    // a kept assignment, the signature above a kept body line, say when and where it applies.
    const opener = this.opener.get(c);
    if (opener && !this.keep.has(opener.line) && opener.bonus < FOLLOW) {
      opener.bonus = FOLLOW;
      this.requeue(opener);
    }
    // A run of consecutive matches is one block (a struct's fields, an `if` and its body, rows of a
    // help table): the lines right beside a kept one read best with it and cost no `--` separator.
    // Only a line kept on its own merit lends this bonus, so that a block does not pull itself in whole,
    // and only to a neighbour that names a term of the question the kept line does not.
    if (c.bonus === 0)
      for (const o of [c.before, c.after]) {
        if (!o || this.keep.has(o.line) || o.bonus >= ADJACENT || !namesMore(o, c)) continue;
        o.bonus = ADJACENT;
        this.requeue(o);
      }
  }

  value(c: Cand): number {
    const kept = this.keptIn[c.file]!;
    for (; c.seen < kept.length; c.seen++) c.sim = Math.max(c.sim, likeness(c.ids, kept[c.seen]!.ids));
    // A line whose shape or whole word set is already shown (in any file) adds nothing but its position:
    // the same call repeated across twenty files is shown once and the files are listed with counts.
    // The same words shown in one other file still say "in both"; shown in two, the rest only repeat.
    const echoes = c.ids.length > 0 ? this.keptKeys[c.key]! : 0;
    const shapeShown = this.keptShapes[c.shape] === 1;
    const elsewhere = shapeShown || echoes > 0;
    const redundancy = shapeShown ? 1 : Math.max(c.sim, Math.min(1, echoes * KEY_ECHO));
    const k = this.diversity(c);
    // A file's first line says the file is among the results; if it only repeats a line shown in another
    // file, that is worth less (the closing list names the file anyway), yet more than a repeat in a
    // file already shown.
    const first = kept.length === 0 ? (this.secondary(c.file, c.line.path) ? FIRST / 3 : FIRST) * (elsewhere ? ECHOED_FIRST : 1) : 0;
    // Of lines that repeat one shape, the first occurrence stands for the rest.
    const own = c.own;
    // Being beside or finishing a kept line is worth nothing for a line that only repeats one.
    const cost = this.cost(c.line);
    return ((own * decay(k) + c.bonus) * (1 - redundancy) + first) / (CE === 1 ? cost : cost ** CE);
  }

  /** `secondary` of a file's path, worked out once per file (values are recomputed on every pop). */
  private secondary(file: number, path: string | undefined): boolean {
    let s = this.secondaryOf[file];
    if (s === undefined) {
      s = secondary(path ?? "");
      this.secondaryOf[file] = s;
    }
    return s;
  }

  /**
   * How many kept lines of its file a line's value decays by. A line far from every kept line of its file
   * (more than `BLOCK_GAP` lines) shows a new place in it — the code that reads a setting, after the help
   * text that names it — so it decays by the kept blocks, not lines: a file's kept lines spread over it
   * rather than pile up in the block that was kept first. A line near a kept one decays by every kept
   * line of the file.
   */
  private diversity(c: Cand): number {
    const n = c.line.line;
    const b = this.blocks[c.file]!;
    return n !== undefined && !b.near(n) ? b.count : this.keptIn[c.file]!.length;
  }

  private record(c: Cand): void {
    this.keptIn[c.file]!.push(c);
    if (c.line.line !== undefined) this.blocks[c.file]!.add(c.line.line);
    this.keptShapes[c.shape] = 1;
    if (c.ids.length) this.keptKeys[c.key]!++;
  }

  // The one match of a file not kept yet; a cursor per file skips kept ones, so each is passed once.
  private lastHidden(file: number): Cand | undefined {
    const list = this.pending[file]!;
    while (this.cursor[file]! < list.length && this.keep.has(list[this.cursor[file]!]!.line)) this.cursor[file]!++;
    return list[this.cursor[file]!];
  }
}

/**
 * True when `o` holds an exact term of the question or tool call that `c` lacks (or no terms are known):
 * a comment restating the condition below it adds no term, the next row of a help table names another.
 */
function namesMore(o: Cand, c: Cand): boolean {
  if (!o.terms || !c.terms) return true;
  for (const t of o.terms) if (!c.terms.has(t)) return true;
  return false;
}

/** Lines at most this far apart read as one block of a file (a statement, its comment, its branch). */
const BLOCK_GAP = 5;

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
      // Every field set here (links `undefined` until known): one object shape for all candidates.
      const c: Cand = {
        line,
        index: line.index,
        file,
        ids: f.ids,
        shape: f.shapeId,
        key: f.keyId,
        terms: f.terms,
        repeat: f.repeat,
        own: 0,
        sim: 0,
        seen: 0,
        value: 0,
        bonus: 0,
        before: undefined,
        after: undefined,
      };
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

/**
 * True when `b` continues `a`: `a` is left open and `b` is the next line (or the one after a blank, when `a` ends in `:`).
 * Left open: `/(?:[{([,\\=+]|&&|\|\||::?)\s*$/` matches, that is, the text's last character before its
 * trailing blanks is one of `{([,\=+:` or ends `&&`/`||` (the pattern, unanchored, is tried at every
 * position of the line; looking at its end only is far cheaper).
 */
export function opens(a: SearchLine, b: SearchLine): boolean {
  if (a.line === undefined || b.line === undefined) return false;
  const gap = b.line - a.line;
  if (gap !== 1 && gap !== 2) return false;
  const text = a.text ?? "";
  const end = lastShown(text);
  if (end === 0) return false;
  const last = text.charCodeAt(end - 1);
  if (last === 58) return true; // `:` (a blank line may follow it)
  if (gap !== 1) return false;
  if (OPENERS.includes(text[end - 1]!)) return true;
  return end >= 2 && (last === 38 || last === 124) && text.charCodeAt(end - 2) === last; // `&&`, `||`
}

/** Characters that leave a line open (besides `:`, `&&` and `||`). */
const OPENERS = "{([,\\=+";

/** The length of `text` without its trailing blanks (`\s`). */
function lastShown(text: string): number {
  let end = text.length;
  while (end > 0 && isSpaceCode(text.charCodeAt(end - 1))) end--;
  return end;
}

/** True when `b` is on the line right after `a`. */
function adjacent(a: SearchLine, b: SearchLine): boolean {
  return a.line !== undefined && b.line === a.line + 1;
}

/**
 * A field-by-field copy of a queued candidate with a fresh value (as `{ ...c, value }` would be, without
 * the generic spread): the copy keeps its own `sim`/`seen`/`bonus` from here on.
 */
function copy(c: Cand, value: number): Cand {
  return {
    line: c.line,
    index: c.index,
    file: c.file,
    ids: c.ids,
    shape: c.shape,
    key: c.key,
    terms: c.terms,
    repeat: c.repeat,
    own: c.own,
    sim: c.sim,
    seen: c.seen,
    value,
    bonus: c.bonus,
    before: c.before,
    after: c.after,
  };
}

/** Order: higher value first, then input order (deterministic ties). */
function before(a: Cand, b: Cand): number {
  return b.value - a.value || a.index - b.index;
}
