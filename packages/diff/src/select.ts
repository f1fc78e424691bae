/**
 * Which lines of a diff to show within a token budget: changed lines are scored (score.ts) and taken by
 * value per token of what they really cost (a lone line pays for its own `@@` header), first within a
 * fair share per file, then from one pool; context is added beside what is shown while budget lasts.
 */
import { isNoNewline, type FileSection, type Segment } from "./parse.js";
import { Heap, type QueryTerms } from "@headroom/text";
import type { HunkFacts } from "./facts.js";
import { lineRelevance, movedLines, scoreHunk } from "./rank.js";
import { repeatedHunks, type HunkRef } from "./repeat.js";

export { isChanged } from "./facts.js";

/** A changed line that may be shown: where it is, what it is worth and what it costs alone. */
interface Cand {
  file: number;
  hunk: number;
  line: number;
  /** Position in `Prepared.cands`, which is in file, hunk and line order. */
  idx: number;
  score: number;
  /** Tokens of the line and its newline. */
  cost: number;
}

/** What the selection needs to know about the diff being compressed. */
export interface SelectInput {
  segs: Segment[];
  files: FileSection[];
  /** Token count of one line (cached by the caller). */
  cnt: (line: string) => number;
  isGen: (f: FileSection) => boolean;
  /** Query terms (lower-cased). */
  query: ReadonlySet<string>;
  /** The question and tool arguments as terms for rarity-weighted relevance (replaces `query` when given). */
  terms?: QueryTerms;
  /** Names of functions/types whose definition lines this diff changes. */
  changedNames: ReadonlySet<string>;
  /** Most context lines kept on each side of kept changes. */
  maxContext: number;
  /** Facts of every body line, by file and hunk (`diffFacts`). */
  facts: HunkFacts[][];
}

/** Everything about a diff's candidates that does not depend on the budget: computed once per input. */
export interface Prepared {
  d: SelectInput;
  /** Tokens of what is always shown (raw lines, file headers, unverified hunks, markers roughly). */
  baseUsed: number;
  /** Every changed line that may be shown, in file, hunk and line order (scores filled by `rank`). */
  cands: Cand[];
  headerCost: number[][];
  sectionCost: number[][];
  at: (Cand | undefined)[][][];
  byHunk: Cand[][][];
  /** The cost of the cheapest candidate: with less budget left, the greedy can stop. */
  cheapest: number;
  /**
   * A budget at which the greedy takes every candidate whatever the scores: the most any subset of the
   * candidates can cost (`allUsed` plus the best gain of splitting runs, `splitGain`) plus `cheapest`
   * (the greedy stops with less left). At or above it the selection does not depend on the scores.
   */
  greedyBound: number;
  /** What showing every candidate costs (the greedy's total when it takes them all, in any order). */
  allUsed: number;
  /** Per file: removed lines never shown because the file adds the same text (moved or re-indented). */
  movedOld: number[];
  /** Per file and hunk: the earlier hunk with the same changed lines (this one is never shown). */
  repeatOf: (HunkRef | undefined)[][];
  /** Per file: the header lines shown (`fileHeader`). */
  headers: string[][];
  /** Per file: its `movedLines` (normal files only). */
  moved: (Set<string> | undefined)[];
  /** Scores and what follows from them, once a budget needs them (`rank`). */
  ranked?: Ranked;
}

/** What the greedy needs from the scores. */
export interface Ranked {
  /** The most telling change of each file, by file. */
  bestOfFile: Cand[];
  /** √(summed scores) per file, and their sum: the fair-share weights. */
  weight: Map<number, number>;
  weightSum: number;
}

/**
 * Prices every changed line and what is always shown. Nothing here depends on the budget, so a caller
 * that retries with a corrected budget prepares once and re-runs only `selectLines`; the scores are
 * computed by the first budget too small to show every line (a small diff never needs them).
 */
export function prepareSelection(d: SelectInput): Prepared {
  const { segs, files, facts, cnt, isGen } = d;
  // Mandatory: raw lines (commit headers, messages, stats), file headers without `index`, summaries.
  let used = 0;
  for (const s of segs) if (s.type === "raw") used += cnt(s.line) + 1;
  const headers = files.map(fileHeader);
  for (const hs of headers) for (const h of hs) used += cnt(h) + 1;
  used += 40 + files.length * 12; // totals line and per-file markers, roughly
  const cands: Cand[] = [];
  const movedOld = files.map(() => 0);
  const moved: (Set<string> | undefined)[] = files.map(() => undefined);
  const repeatOf = repeatedHunks(files, isGen);
  files.forEach((f, fi) => {
    if (isGen(f)) return;
    const mv = movedLines(f, facts[fi]!);
    moved[fi] = mv;
    f.hunks.forEach((h, hi) => {
      if (!h.verified) {
        for (const l of h.lines) used += cnt(l) + 1; // cannot be re-cut safely: kept whole
        used += cnt(h.header);
        return;
      }
      if (repeatOf[fi]![hi]) {
        used += 2 * cnt(h.header) + 4; // its part of the note
        return;
      }
      const hf = facts[fi]![hi]!;
      for (let li = 0; li < h.lines.length; li++) {
        if (!hf.changed[li]) continue;
        // A removed line whose text the same file adds again (moved, or only re-indented): a structural
        // redundancy, dropped at any size: the added copy shows the text, the note counts the old one
        // and the file's original keeps its place. Single-parent diffs only (a combined diff's columns
        // mean more).
        if (h.parents === 1 && hf.removed[li] && mv.has(hf.trimmed[li]!)) {
          movedOld[fi] = movedOld[fi]! + 1;
          continue;
        }
        cands.push({ file: fi, hunk: hi, line: li, idx: cands.length, score: 0, cost: cnt(h.lines[li]!) + 1 });
      }
    });
  });
  // What a new run costs: its `@@` header (estimated from the hunk's own header, whose numbers have
  // about as many digits). A hunk's first run also repeats git's function context, paid once.
  const headerCost = files.map((f) => f.hunks.map((h) => cnt(h.header.slice(0, h.header.length - h.section.length)) + 1));
  const sectionCost = files.map((f) => f.hunks.map((h) => (h.section.trim() ? cnt(h.section) : 0)));
  // Sized to each hunk: writing far past the end of an empty array makes a slow (dictionary) array.
  const at: (Cand | undefined)[][][] = files.map((f) => f.hunks.map((h) => new Array<Cand | undefined>(h.lines.length)));
  const byHunk: Cand[][][] = files.map((f) => f.hunks.map(() => []));
  for (const c of cands) {
    at[c.file]![c.hunk]![c.line] = c;
    byHunk[c.file]![c.hunk]!.push(c);
  }
  let cheapest = Infinity;
  let costs = 0;
  for (const c of cands) {
    if (c.cost < cheapest) cheapest = c.cost;
    costs += c.cost;
  }
  let allUsed = used + costs;
  let gain = 0;
  byHunk.forEach((row, fi) => {
    row.forEach((cs, hi) => {
      if (!cs.length) return;
      const hc = headerCost[fi]![hi]!;
      allUsed += sectionCost[fi]![hi]!;
      let start = 0;
      cs.forEach((c, i) => {
        if (i > 0 && c.line === cs[i - 1]!.line + 1) return;
        if (i > 0) gain += splitGain(cs.slice(start, i), hc);
        start = i;
        allUsed += hc; // every run of consecutive candidates, all shown, pays one header
      });
      gain += splitGain(cs.slice(start), hc);
    });
  });
  // Any subset of the candidates costs at most `allUsed + gain` (see `splitGain`); the greedy also goes
  // on only while at least `cheapest` is left, so the bound keeps that much room.
  const greedyBound = allUsed + gain + (cands.length ? cheapest : 0);
  return { d, baseUsed: used, cands, headerCost, sectionCost, at, byHunk, cheapest, greedyBound, allUsed, movedOld, repeatOf, headers, moved };
}

/**
 * The most a subset of one run of consecutive candidates can cost beyond showing the whole run: leaving
 * out an inner line splits the run (one more header, `hc`) and saves the line's cost; leaving out an
 * edge line or two neighbours saves without splitting. So the most is the best sum of `hc - cost` over
 * inner lines no two of which are neighbours (a maximum-weight independent set, by dynamic programming).
 */
function splitGain(run: readonly Cand[], hc: number): number {
  let prev = 0; // best over the inner lines before the last one considered
  let cur = 0; // best including or excluding the last one considered
  for (let i = 1; i < run.length - 1; i++) {
    const next = Math.max(cur, prev + Math.max(0, hc - run[i]!.cost));
    prev = cur;
    cur = next;
  }
  return cur;
}

/** Scores every candidate (once per input, on first need) and the best line and fair share of each file. */
export function rank(p: Prepared): Ranked {
  if (p.ranked) return p.ranked;
  const { files, facts, isGen, query, changedNames } = p.d;
  const env = { query, changedNames, seen: new Map<string, number>() };
  const rel = lineRelevance(files, facts, isGen, p.d.terms);
  // The same hunks in the same order as the candidates were collected: `seen` counts across hunks.
  files.forEach((f, fi) => {
    if (isGen(f)) return;
    f.hunks.forEach((h, hi) => {
      if (!h.verified || p.repeatOf[fi]![hi]) return;
      const sc = scoreHunk(h, facts[fi]![hi]!, f, env, p.moved[fi]!, rel ? rel[fi]![hi] : undefined);
      for (const c of p.byHunk[fi]![hi]!) c.score = sc[c.line]!;
    });
  });
  const best = new Map<number, Cand>();
  for (const c of p.cands) {
    const b = best.get(c.file);
    if (!b || c.score > b.score) best.set(c.file, c);
  }
  // Fair shares: each file may first spend a share of what is left that grows with the square root of
  // the summed scores of its changes (more for more, but less than proportionally), so one large
  // refactor or test file cannot crowd out the small files (or the small commits of a `git log -p`)
  // beside it; whatever a file cannot use goes back to one pool in a second pass.
  const weight = new Map<number, number>();
  for (const c of p.cands) weight.set(c.file, (weight.get(c.file) ?? 0) + c.score);
  let weightSum = 0;
  for (const [f, w] of weight) {
    weight.set(f, Math.sqrt(w));
    weightSum += Math.sqrt(w);
  }
  const bestOfFile = [...best.values()].sort((a, b) => a.file - b.file);
  p.ranked = { bestOfFile, weight, weightSum };
  return p.ranked;
}

/** What `selectLines` chose, and whether a larger budget would choose the same. */
export interface Selection {
  /** Per file, hunk and body line: shown. */
  kept: boolean[][][];
  /**
   * Every candidate was taken and no context line was refused for lack of budget. With this, any budget
   * at least as large and at least `Prepared.greedyBound` selects exactly the same lines: the greedy then
   * takes every candidate whatever the order (so it ends with the same cost), and context is added from
   * the same state with at least as much room.
   */
  saturated: boolean;
}

/**
 * Which body lines to keep, per file, hunk and line, for a budget in tokens of the rendered output.
 * Lines of hunks that cannot be re-cut safely are all kept. Only the greedy runs here.
 */
export function selectLines(p: Prepared, budget: number): Selection {
  const { files, isGen } = p.d;
  const kept: boolean[][][] = files.map((f) => f.hunks.map((h) => new Array<boolean>(h.lines.length).fill(!h.verified && !isGen(f))));
  let used: number;
  let taken: number;
  if (budget >= p.greedyBound) {
    // The greedy would take every candidate, whatever the scores and order, and end at `allUsed`.
    for (const c of p.cands) kept[c.file]![c.hunk]![c.line] = true;
    used = p.allUsed;
    taken = p.cands.length;
  } else ({ used, taken } = greedy(p, rank(p), kept, budget));
  const refused = addContext(p, kept, used, budget);
  return { kept, saturated: taken === p.cands.length && !refused };
}

/**
 * The greedy: takes lines into `kept` by value per token of what they really cost while the budget
 * lasts; returns the tokens used and the number of candidates taken.
 */
export function greedy(p: Prepared, r: Ranked, kept: boolean[][][], budget: number): { used: number; taken: number } {
  const { cands, headerCost, sectionCost, at, byHunk, cheapest } = p;
  let used = p.baseUsed;
  let taken = 0;
  const hasKept = p.d.files.map((f) => f.hunks.map(() => false));
  // Marginal cost of showing a line now: the line, plus a header when it starts a new run, minus one
  // when it joins two runs into one.
  const marginal = (c: Cand) => {
    const k = kept[c.file]![c.hunk]!;
    const hc = headerCost[c.file]![c.hunk]!;
    const before = !!k[c.line - 1];
    const after = !!k[c.line + 1];
    return c.cost + (before || after ? (before && after ? -hc : 0) : hc) + (hasKept[c.file]![c.hunk] ? 0 : sectionCost[c.file]![c.hunk]!);
  };
  const take = (c: Cand) => {
    used += marginal(c);
    kept[c.file]![c.hunk]![c.line] = true;
    hasKept[c.file]![c.hunk] = true;
    taken++;
  };
  // Every file shows at least its most telling change, so no file is reduced to a bare header.
  for (const c of r.bestOfFile) take(c);
  // Value per token of what it really costs: a lone line pays for its own header, so a short line must
  // sit beside others (or say a lot) to be worth it. Lazy greedy: taking a line makes its neighbours
  // cheaper, so they are queued again with their new value.
  const value = (c: Cand) => c.score / Math.sqrt(Math.max(1, marginal(c)));
  const free = Math.max(0, budget - used);
  const quota = new Map<number, number>();
  for (const [f, w] of r.weight) quota.set(f, (free * w) / (r.weightSum || 1));
  const spent = new Map<number, number>();
  // The order is total (ties broken by position: file, hunk, line), so the heap's shape never changes
  // what pops first.
  const before = (a: { v: number; c: Cand }, b: { v: number; c: Cand }) => b.v - a.v || a.c.idx - b.c.idx;
  for (const pass of [0, 1]) {
    // No line is cheaper than `cheapest`: once less budget is left, the greedy can stop.
    if (budget - used < cheapest) break;
    const queued: { v: number; c: Cand }[] = [];
    for (const c of cands) if (!kept[c.file]![c.hunk]![c.line]) queued.push({ v: value(c), c });
    const heap = new Heap(before, queued);
    for (let e = heap.pop(); e && budget - used >= cheapest; e = heap.pop()) {
      const c = e.c;
      if (kept[c.file]![c.hunk]![c.line]) continue;
      const m = marginal(c);
      if (c.score / Math.sqrt(Math.max(1, m)) !== e.v) continue; // stale (`value` changed): a fresher entry is queued
      if (used + m > budget) continue;
      if (pass === 0 && (spent.get(c.file) ?? 0) + m > quota.get(c.file)!) continue;
      const first = !hasKept[c.file]![c.hunk];
      take(c);
      spent.set(c.file, (spent.get(c.file) ?? 0) + m);
      // The first line shown in a hunk pays its function context: every other line there got cheaper.
      const requeue = first ? byHunk[c.file]![c.hunk]! : [at[c.file]![c.hunk]![c.line - 1], at[c.file]![c.hunk]![c.line + 1]].filter((n) => n !== undefined);
      for (const n of requeue) if (!kept[n.file]![n.hunk]![n.line]) heap.push({ v: value(n), c: n });
    }
  }
  return { used, taken };
}

/**
 * Context, nearest first, while the budget lasts; one-line gaps are cheaper to fill than a new header.
 * Returns whether a context line was refused for lack of budget.
 */
function addContext(p: Prepared, kept: boolean[][][], used: number, budget: number): boolean {
  const { files, facts, isGen, cnt, maxContext } = p.d;
  let refused = false;
  for (let dist = 1; dist <= maxContext; dist++) {
    files.forEach((f, fi) => {
      if (isGen(f)) return;
      f.hunks.forEach((h, hi) => {
        if (!h.verified) return;
        const k = kept[fi]![hi]!;
        const changed = facts[fi]![hi]!.changed;
        const base = k.map((x, i) => x && changed[i]!);
        for (let i = 0; i < k.length; i++) {
          if (k[i] || changed[i] || isNoNewline(h.lines[i]!)) continue;
          // Context only beside what is shown: a line two away from a change, with the line between
          // not kept, would be a context-only run that pays a header and shows nothing changed.
          const near = (base[i - dist] && (dist === 1 || k[i - 1])) || (base[i + dist] && (dist === 1 || k[i + 1]));
          const gap = (k[i - 1] && k[i + 1]) || (k[i - 1] && k[i + 2] && !k[i + 1]) || (k[i - 2] && k[i + 1] && !k[i - 1]);
          if (!near && !gap) continue;
          const cost = cnt(h.lines[i]!) + 1;
          const hc = p.headerCost[fi]![hi]!;
          if (gap && cost <= hc) {
            k[i] = true;
            used += cost - hc;
          } else if (near && used + cost <= budget) {
            k[i] = true;
            used += cost;
          } else if (near) refused = true;
        }
      });
    });
  }
  return refused;
}

/**
 * The header lines worth showing: `index` lines go (blob ids), and `---`/`+++` lines go when the
 * `diff --git a/P b/Q` line already names the same paths (they carry nothing more, or `/dev/null`,
 * which the `new file`/`deleted file` line says).
 */
export function fileHeader(f: FileSection): string[] {
  const first = f.header[0] ?? "";
  const m = /^diff --git a\/(\S+) b\/(\S+)\r?$/.exec(first);
  return f.header.filter((h) => {
    if (h.startsWith("index ")) return false;
    if (!m) return true;
    const p = h.replace(/\r$/, "");
    if (p === `--- a/${m[1]}` || p === `+++ b/${m[2]}`) return false;
    if (p === "--- /dev/null" && f.newFile) return false;
    if (p === "+++ /dev/null" && f.deletedFile) return false;
    return true;
  });
}
