/**
 * Which lines of a diff to show within a token budget: changed lines are scored (score.ts) and taken by
 * value per token of what they really cost (a lone line pays for its own `@@` header), first within a
 * fair share per file, then from one pool; context is added beside what is shown while budget lasts.
 */
import { isNoNewline, type FileSection, type Hunk, type Segment } from "./parse.js";
import { Heap, isDocPath, isTestPath, relevance, type QueryTerms } from "@headroom/text";
import { definedName, isComment, messageLiterals, scoreLine, terms } from "./score.js";
import { repeatedHunks, type HunkRef } from "./repeat.js";

/** A changed line that may be shown: where it is, what it is worth and what it costs alone. */
interface Cand {
  file: number;
  hunk: number;
  line: number;
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
}

/** True for a changed body line (`+`/`-` in some parent column), false for context and `\ No newline`. */
export function isChanged(l: string, parents: number): boolean {
  if (isNoNewline(l)) return false;
  for (let i = 0; i < parents && i < l.length; i++) if (l[i] !== " ") return true;
  return false;
}

/**
 * `definedName`, memoised per body: a line is asked about in several places and the regex is costly on
 * long lines. The name is a pure function of the text, so the (bounded) cache never changes a result.
 */
const defNames = new Map<string, string | undefined>();
export function defName(body: string): string | undefined {
  if (defNames.has(body)) return defNames.get(body);
  if (defNames.size > 50_000) defNames.clear();
  const n = definedName(body);
  defNames.set(body, n);
  return n;
}

/** Scores every body line of a verified hunk (context lines get 0; they are added by distance later). */
function scoreHunk(
  h: Hunk,
  file: FileSection,
  query: ReadonlySet<string>,
  seen: Map<string, number>,
  moved: ReadonlySet<string>,
  changedNames: ReadonlySet<string>,
  rel?: (line: number) => number | undefined,
): number[] {
  const scores = new Array<number>(h.lines.length).fill(0);
  const doc = isDocPath(file.path);
  let j = 0;
  while (j < h.lines.length) {
    if (!isChanged(h.lines[j]!, h.parents)) {
      j++;
      continue;
    }
    let e = j;
    while (e < h.lines.length && (isChanged(h.lines[e]!, h.parents) || isNoNewline(h.lines[e]!))) e++;
    // What the run adds: a removed line whose words all come back in the added lines beside it (a
    // modified line, a rewrapped comment, a call with one more argument) tells a reader little the added
    // lines do not; a removed line with words that vanish (a pure deletion) is the only trace of them.
    const added: string[] = [];
    for (let k = j; k < e; k++) {
      const l = h.lines[k]!;
      if (!isNoNewline(l) && !l.slice(0, h.parents).includes("-")) added.push(l.slice(h.parents));
    }
    // Built on the first removed line of the run only: a run of pure additions never needs them.
    let addedTerms: Set<string> | undefined;
    let addedDefs: Set<string> | undefined;
    let addedText = "";
    const novelty = (body: string) => {
      if (!addedTerms) {
        addedTerms = new Set(added.flatMap((b) => terms(b)));
        addedDefs = new Set(added.map((b) => defName(b)).filter((n) => n !== undefined));
        addedText = added.join("\n");
      }
      // The old half of a changed signature shows what callers had to change (parameters, types).
      const def = defName(body);
      if (def && addedDefs!.has(def) && !added.includes(body)) return 0.8;
      // A message the change rewords (an error text) is gone from the new code: the old wording is a
      // fact only the removed line still shows, however many of its words come back.
      if (messageLiterals(body).some((m) => !addedText.includes(m))) return 0.8;
      const ts = new Set(terms(body));
      if (!ts.size) return 1;
      let fresh = 0;
      for (const t of ts) if (!addedTerms!.has(t)) fresh++;
      return fresh / ts.size;
    };
    for (let k = j; k < e; k++) {
      const l = h.lines[k]!;
      if (isNoNewline(l)) continue;
      const body = l.slice(h.parents);
      const removed = l.slice(0, h.parents).includes("-");
      let s = scoreLine({
        body,
        removed,
        novelty: removed ? novelty(body) : 1,
        runStart: k === j,
        continuesComment: k > j && isComment(h.lines[k - 1]!.slice(h.parents)),
        docFile: doc,
        deletedFile: file.deletedFile,
        changedNames,
        testFile: isTestPath(file.path),
        query,
        relevance: rel?.(k),
      });
      const norm = body.trim();
      if (moved.has(norm)) s *= 0.15; // re-indented or moved: the same text is both removed and added
      const n = seen.get(norm) ?? 0;
      if (n > 0) s *= 0.3; // the same line again (moved code, repeated boilerplate)
      seen.set(norm, n + 1);
      scores[k] = s;
    }
    // Smoothing: a line beside an important one (the condition above a throw) shares a little of its
    // score, which also keeps kept lines together in fewer, cheaper runs.
    const raw = scores.slice(j, e);
    for (let k = j; k < e; k++) scores[k] = raw[k - j]! + 0.25 * Math.max(raw[k - j - 1] ?? 0, raw[k - j + 1] ?? 0);
    j = e;
  }
  return scores;
}

/** Trimmed texts that a file's diff both removes and adds (moved or re-indented lines). */
function movedLines(f: FileSection): Set<string> {
  const removed = new Set<string>();
  const added = new Set<string>();
  for (const h of f.hunks)
    for (const l of h.lines) {
      if (!isChanged(l, h.parents)) continue;
      const t = l.slice(h.parents).trim();
      if (t.length < 4) continue;
      (l.slice(0, h.parents).includes("-") ? removed : added).add(t);
    }
  const out = new Set<string>();
  for (const t of added) if (removed.has(t)) out.add(t);
  return out;
}

/**
 * A removed line whose text the same file adds again (moved, or only re-indented): a structural
 * redundancy, dropped at any size: the added copy shows the text, the note counts the old one and the
 * file's original keeps its place. Single-parent diffs only (a combined diff's columns mean more).
 */
export function isMovedOld(l: string, parents: number, moved: ReadonlySet<string>): boolean {
  return parents === 1 && l[0] === "-" && moved.has(l.slice(1).trim());
}

/** Everything about a diff's candidates that does not depend on the budget: computed once per input. */
export interface Prepared {
  d: SelectInput;
  /** Tokens of what is always shown (raw lines, file headers, unverified hunks, markers roughly). */
  baseUsed: number;
  cands: Cand[];
  /** The most telling change of each file, by file. */
  bestOfFile: Cand[];
  headerCost: number[][];
  sectionCost: number[][];
  at: (Cand | undefined)[][][];
  byHunk: Cand[][][];
  /** √(summed scores) per file, and their sum: the fair-share weights. */
  weight: Map<number, number>;
  weightSum: number;
  /** Per file: removed lines never shown because the file adds the same text (moved or re-indented). */
  movedOld: number[];
  /** Per file and hunk: the earlier hunk with the same changed lines (this one is never shown). */
  repeatOf: (HunkRef | undefined)[][];
}

/**
 * Scores every changed line and prices what is always shown. Scores do not depend on the budget, so a
 * caller that retries with a corrected budget prepares once and re-runs only `selectLines`.
 */
export function prepareSelection(d: SelectInput): Prepared {
  const { segs, files, cnt, isGen, query, changedNames } = d;
  // Mandatory: raw lines (commit headers, messages, stats), file headers without `index`, summaries.
  let used = 0;
  for (const s of segs) if (s.type === "raw") used += cnt(s.line) + 1;
  for (const f of files) for (const h of fileHeader(f)) used += cnt(h) + 1;
  used += 40 + files.length * 12; // totals line and per-file markers, roughly
  const seen = new Map<string, number>();
  const cands: Cand[] = [];
  const movedOld = files.map(() => 0);
  const best = new Map<number, Cand>();
  const rel = lineRelevance(d);
  const repeatOf = repeatedHunks(files, isGen);
  files.forEach((f, fi) => {
    if (isGen(f)) return;
    const moved = movedLines(f);
    for (const [hi, h] of f.hunks.entries()) {
      if (!h.verified) {
        for (const l of h.lines) used += cnt(l) + 1; // cannot be re-cut safely: kept whole
        used += cnt(h.header);
        continue;
      }
      if (repeatOf[fi]![hi]) {
        used += 2 * cnt(h.header) + 4; // its part of the note
        continue;
      }
      const sc = scoreHunk(h, f, query, seen, moved, changedNames, rel && ((li) => rel.get(h)?.[li]));
      for (const [li, l] of h.lines.entries()) {
        if (!isChanged(l, h.parents)) continue;
        if (isMovedOld(l, h.parents, moved)) {
          movedOld[fi] = movedOld[fi]! + 1;
          continue;
        }
        const c: Cand = { file: fi, hunk: hi, line: li, score: sc[li]!, cost: cnt(l) + 1 };
        cands.push(c);
        const b = best.get(fi);
        if (!b || c.score > b.score) best.set(fi, c);
      }
    }
  });
  // What a new run costs: its `@@` header (estimated from the hunk's own header, whose numbers have
  // about as many digits). A hunk's first run also repeats git's function context, paid once.
  const headerCost = files.map((f) => f.hunks.map((h) => cnt(h.header.slice(0, h.header.length - h.section.length)) + 1));
  const sectionCost = files.map((f) => f.hunks.map((h) => (h.section.trim() ? cnt(h.section) : 0)));
  const at: (Cand | undefined)[][][] = files.map((f) => f.hunks.map(() => []));
  const byHunk: Cand[][][] = files.map((f) => f.hunks.map(() => []));
  for (const c of cands) {
    at[c.file]![c.hunk]![c.line] = c;
    byHunk[c.file]![c.hunk]!.push(c);
  }
  // Fair shares: each file may first spend a share of what is left that grows with the square root of
  // the summed scores of its changes (more for more, but less than proportionally), so one large
  // refactor or test file cannot crowd out the small files (or the small commits of a `git log -p`)
  // beside it; whatever a file cannot use goes back to one pool in a second pass.
  const weight = new Map<number, number>();
  for (const c of cands) weight.set(c.file, (weight.get(c.file) ?? 0) + c.score);
  let weightSum = 0;
  for (const [f, w] of weight) {
    weight.set(f, Math.sqrt(w));
    weightSum += Math.sqrt(w);
  }
  const bestOfFile = [...best.values()].sort((a, b) => a.file - b.file);
  return { d, baseUsed: used, cands, bestOfFile, headerCost, sectionCost, at, byHunk, weight, weightSum, movedOld, repeatOf };
}

/**
 * Relevance of every changed line of the diff's normal files to the question and tool arguments, by
 * hunk and line index; undefined when there are no terms or none is selective.
 */
function lineRelevance(d: SelectInput): Map<object, number[]> | undefined {
  if (!d.terms || (!d.terms.exact.length && !d.terms.words.length)) return undefined;
  const docs: string[] = [];
  const at: [object, number][] = [];
  for (const f of d.files) {
    if (d.isGen(f)) continue;
    for (const h of f.hunks) {
      for (const [li, l] of h.lines.entries()) {
        if (!isChanged(l, h.parents)) continue;
        docs.push(l.slice(h.parents));
        at.push([h, li]);
      }
    }
  }
  const r = relevance(d.terms, docs);
  if (!r.active) return undefined;
  const out = new Map<object, number[]>();
  at.forEach(([h, li], i) => {
    let list = out.get(h);
    if (!list) {
      list = [];
      out.set(h, list);
    }
    list[li] = r.score(i);
  });
  return out;
}

/**
 * Which body lines to keep, per file, hunk and line, for a budget in tokens of the rendered output.
 * Lines of hunks that cannot be re-cut safely are all kept. Only the greedy runs here.
 */
export function selectLines(p: Prepared, budget: number): boolean[][][] {
  const { files, isGen } = p.d;
  const { cands, headerCost, sectionCost, at, byHunk } = p;
  let used = p.baseUsed;
  const kept: boolean[][][] = files.map((f) => f.hunks.map((h) => new Array<boolean>(h.lines.length).fill(!h.verified && !isGen(f))));
  const hasKept = files.map((f) => f.hunks.map(() => false));
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
  };
  // Every file shows at least its most telling change, so no file is reduced to a bare header.
  for (const c of p.bestOfFile) take(c);
  // Value per token of what it really costs: a lone line pays for its own header, so a short line must
  // sit beside others (or say a lot) to be worth it. Lazy greedy: taking a line makes its neighbours
  // cheaper, so they are queued again with their new value.
  const value = (c: Cand) => c.score / Math.sqrt(Math.max(1, marginal(c)));
  const free = Math.max(0, budget - used);
  const quota = new Map<number, number>();
  for (const [f, w] of p.weight) quota.set(f, (free * w) / (p.weightSum || 1));
  const spent = new Map<number, number>();
  // No line is cheaper than this: once less budget is left, the greedy can stop.
  let cheapest = Infinity;
  for (const c of cands) if (c.cost < cheapest) cheapest = c.cost;
  for (const pass of [0, 1]) {
    if (budget - used < cheapest) break;
    const heap = new Heap<{ v: number; c: Cand }>((a, b) => b.v - a.v || a.c.file - b.c.file || a.c.hunk - b.c.hunk || a.c.line - b.c.line);
    for (const c of cands) if (!kept[c.file]![c.hunk]![c.line]) heap.push({ v: value(c), c });
    for (let e = heap.pop(); e && budget - used >= cheapest; e = heap.pop()) {
      const c = e.c;
      if (kept[c.file]![c.hunk]![c.line]) continue;
      if (value(c) !== e.v) continue; // stale: a fresher entry is queued
      const m = marginal(c);
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
  addContext(p, kept, used, budget);
  return kept;
}

/** Context, nearest first, while the budget lasts; one-line gaps are cheaper to fill than a new header. */
function addContext(p: Prepared, kept: boolean[][][], used: number, budget: number): void {
  const { files, isGen, cnt, maxContext } = p.d;
  for (let dist = 1; dist <= maxContext; dist++) {
    for (const [fi, f] of files.entries()) {
      for (const [hi, h] of f.hunks.entries()) {
        if (!h.verified || isGen(f)) continue;
        const k = kept[fi]![hi]!;
        const base = k.map((x, i) => x && isChanged(h.lines[i]!, h.parents));
        for (let i = 0; i < k.length; i++) {
          if (k[i] || isChanged(h.lines[i]!, h.parents) || isNoNewline(h.lines[i]!)) continue;
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
          }
        }
      }
    }
  }
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
