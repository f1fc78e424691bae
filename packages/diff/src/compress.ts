/**
 * The diff compressor: keeps commit headers and messages, file headers (minus `index` lines) and the
 * most informative changed lines within a token budget; trims context; re-cuts hunks so that every
 * emitted `@@` header is correct for the lines under it; summarises lock/generated files to one line;
 * ends with a totals line whose marker points to the whole original.
 */
import { ccrKey, createOriginals, marker } from "@headroom/core";
import { positions, runHeader, runsOf } from "./hunk.js";
import { isNoNewline, lineCounts, parseDiff, type FileSection, type Hunk, type Segment } from "./parse.js";
import { definedName, isDocPath, isGeneratedPath, isTestPath, scoreLine, terms } from "./score.js";

/** Options of the diff compressor. */
export interface DiffOptions {
  /** Share of the input's tokens to aim for (before `bias`). Default 0.3. */
  targetRatio?: number;
  /** Never aim below this many tokens. Default 200. */
  minTokens?: number;
  /** Most context lines kept on each side of kept changes, budget permitting. Default 3. */
  maxContext?: number;
  /**
   * A file whose omitted changes are at least this many tokens gets its own marker (and stored
   * original); smaller omissions get a plain note, recoverable through the totals marker. Default 150.
   */
  fileMarkerTokens?: number;
  /** Tokens of the input when the caller already counted them. */
  inputTokens?: number;
  /** Extra paths to summarise like lock files (tested against the file path). */
  generated?: RegExp[];
}

/** What `compressDiff` returns: the text and the originals its markers point to. */
export interface DiffCompression {
  text: string;
  originals: { key: string; content: string; meta?: Record<string, string | number | boolean> }[];
  stats: DiffStats;
}

/** Counts reported in the totals line. */
export interface DiffStats {
  files: number;
  hunks: number;
  added: number;
  removed: number;
  shownChanged: number;
  generatedFiles: number;
}

interface Cand {
  file: number;
  hunk: number;
  line: number;
  score: number;
  cost: number;
  changed: boolean;
}

const defaults = { targetRatio: 0.4, minTokens: 200, maxContext: 3, fileMarkerTokens: 150 };

function isChanged(l: string, parents: number): boolean {
  if (isNoNewline(l)) return false;
  for (let i = 0; i < parents && i < l.length; i++) if (l[i] !== " ") return true;
  return false;
}

/** Scores every body line of a verified hunk (context lines get 0; they are added by distance later). */
function scoreHunk(
  h: Hunk,
  file: FileSection,
  query: ReadonlySet<string>,
  seen: Map<string, number>,
  moved: ReadonlySet<string>,
  changedNames: ReadonlySet<string>,
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
    const addedTerms = new Set<string>();
    for (let k = j; k < e; k++) {
      const l = h.lines[k]!;
      if (!isNoNewline(l) && !l.slice(0, h.parents).includes("-")) for (const t of terms(l.slice(h.parents))) addedTerms.add(t);
    }
    const novelty = (body: string) => {
      const ts = new Set(terms(body));
      if (!ts.size) return 1;
      let fresh = 0;
      for (const t of ts) if (!addedTerms.has(t)) fresh++;
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
        docFile: doc,
        deletedFile: file.deletedFile,
        changedNames,
        testFile: isTestPath(file.path),
        query,
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
 * Compresses a diff. Always lossy (trimmed context, dropped `index` lines): call it only when originals
 * can be stored. Returns undefined when the text holds no parseable hunk or file header.
 */
export function compressDiff(
  text: string,
  count: (t: string) => number,
  opts: DiffOptions & { query?: string; bias?: number } = {},
): DiffCompression | undefined {
  const o = { ...defaults, ...opts };
  const bias = opts.bias && Number.isFinite(opts.bias) && opts.bias > 0 ? opts.bias : 1;
  const trailingNewline = text.endsWith("\n");
  const lines = (trailingNewline ? text.slice(0, -1) : text).split("\n");
  const segs: Segment[] = parseDiff(lines);
  const files = segs.flatMap((s) => (s.type === "file" ? [s.file] : []));
  if (!files.length) return undefined;
  const isGen = (f: FileSection) => isGeneratedPath(f.path) || (o.generated ?? []).some((r) => r.test(f.path));

  const query = new Set(terms(opts.query ?? ""));
  // Token counts per line, computed once (selection may run more than once).
  const cache = new Map<string, number>();
  const cnt = (l: string) => {
    let n = cache.get(l);
    if (n === undefined) cache.set(l, (n = count(l)));
    return n;
  };
  const changedNames = new Set<string>();
  for (const f of files)
    for (const h of f.hunks)
      for (const l of h.lines)
        if (isChanged(l, h.parents)) {
          const n = definedName(l.slice(h.parents));
          if (n) changedNames.add(n);
        }
  const totalTokens = o.inputTokens ?? count(text);
  const target = Math.max(o.minTokens, (totalTokens * o.targetRatio) / bias);
  // The selection's cost model is approximate (markers, notes, headers): measure the rendered text and
  // correct the budget by the error, both ways, keeping the fullest result within the target.
  let budget = target;
  let best: DiffCompression | undefined;
  let bestTokens = 0;
  for (let round = 0; round < 3; round++) {
    const kept = select(budget);
    const r = render(text, lines, segs, files, kept, isGen, trailingNewline, cnt, o.fileMarkerTokens);
    const got = count(r.text);
    const fits = got <= target * 1.03;
    if (!best || (fits && (bestTokens > target * 1.03 || got > bestTokens)) || (!fits && bestTokens > target * 1.03 && got < bestTokens))
      (best = r), (bestTokens = got);
    if (Math.abs(got - target) <= target * 0.03) break;
    budget += target - got;
    if (budget <= 0) break;
  }
  return best;

  function select(budget: number): boolean[][][] {

    // Mandatory: raw lines (commit headers, messages, stats), file headers without `index`, summaries.
    let used = 0;
    for (const s of segs) if (s.type === "raw") used += cnt(s.line) + 1;
    for (const f of files) for (const h of fileHeader(f)) used += cnt(h) + 1;
    used += 40 + files.length * 12; // totals line and per-file markers, roughly

    // Candidates: every body line of every verified hunk of a normal file.
    const kept: boolean[][][] = files.map((f) => f.hunks.map((h) => new Array<boolean>(h.lines.length).fill(false)));
    const seen = new Map<string, number>();
    const cands: Cand[] = [];
    const bestOfFile = new Map<number, Cand>();
    files.forEach((f, fi) => {
      if (isGen(f)) return;
      const moved = movedLines(f);
      f.hunks.forEach((h, hi) => {
        if (!h.verified) {
          kept[fi]![hi]!.fill(true); // cannot be re-cut safely: kept whole
          for (const l of h.lines) used += cnt(l) + 1;
          used += cnt(h.header);
          return;
        }
        const sc = scoreHunk(h, f, query, seen, moved, changedNames);
        h.lines.forEach((l, li) => {
          if (!isChanged(l, h.parents)) return;
          const c: Cand = { file: fi, hunk: hi, line: li, score: sc[li]!, cost: cnt(l) + 1, changed: true };
          cands.push(c);
          const b = bestOfFile.get(fi);
          if (!b || c.score > b.score) bestOfFile.set(fi, c);
        });
      });
    });

    // What a new run costs: its `@@` header (estimated from the hunk's own header, whose numbers have
    // about as many digits). A hunk's first run also repeats git's function context, paid once.
    const headerCost = files.map((f) => f.hunks.map((h) => cnt(h.header.slice(0, h.header.length - h.section.length)) + 1));
    const sectionCost = files.map((f) => f.hunks.map((h) => (h.section.trim() ? cnt(h.section) : 0)));
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
    for (const c of [...bestOfFile.values()].sort((a, b) => a.file - b.file)) take(c);
    // Value per token of what it really costs: a lone line pays for its own header, so a short line must
    // sit beside others (or say a lot) to be worth it. Lazy greedy: taking a line makes its neighbours
    // cheaper, so they are queued again with their new value.
    const value = (c: Cand) => c.score / Math.sqrt(Math.max(1, marginal(c)));
    // Candidates by position, to requeue the neighbours of a line, or a whole hunk, cheaply.
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
    let sum = 0;
    for (const [f, w] of weight) weight.set(f, Math.sqrt(w)), (sum += Math.sqrt(w));
    const free = Math.max(0, budget - used);
    const quota = new Map<number, number>();
    for (const [f, w] of weight) quota.set(f, (free * w) / (sum || 1));
    const spent = new Map<number, number>();
    for (const pass of [0, 1]) {
      const heap = new Heap<{ v: number; c: Cand }>((a, b) => b.v - a.v || a.c.file - b.c.file || a.c.hunk - b.c.hunk || a.c.line - b.c.line);
      for (const c of cands) if (!kept[c.file]![c.hunk]![c.line]) heap.push({ v: value(c), c });
      for (let e = heap.pop(); e; e = heap.pop()) {
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
    // Context, nearest first, while the budget lasts; one-line gaps are cheaper to fill than a new header.
    for (let dist = 1; dist <= o.maxContext; dist++) {
      files.forEach((f, fi) =>
        f.hunks.forEach((h, hi) => {
          if (!h.verified || isGen(f)) return;
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
            const hc = headerCost[fi]![hi]!;
            if (gap && cost <= hc) (k[i] = true), (used += cost - hc);
            else if (near && used + cost <= budget) (k[i] = true), (used += cost);
          }
        }),
      );
    }

  return kept;
  }
}

function render(
  text: string,
  lines: string[],
  segs: Segment[],
  files: FileSection[],
  kept: boolean[][][],
  isGen: (f: FileSection) => boolean,
  trailingNewline: boolean,
  count: (t: string) => number,
  fileMarkerTokens: number,
): DiffCompression {
  const originals = createOriginals();
  const out: string[] = [];
  const stats: DiffStats = { files: files.length, hunks: 0, added: 0, removed: 0, shownChanged: 0, generatedFiles: 0 };
  let fi = 0;
  for (const s of segs) {
    if (s.type === "raw") {
      out.push(s.line);
      continue;
    }
    const f = s.file;
    const k = kept[fi++]!;
    let add = 0;
    let rem = 0;
    let shown = 0;
    let omittedTokens = 0;
    for (const [hi, h] of f.hunks.entries())
      for (const [li, l] of h.lines.entries()) {
        if (!isChanged(l, h.parents)) continue;
        const c = lineCounts(l, h.parents);
        if (c && !c.inNew) rem++;
        else add++;
        if (k[hi]![li]) shown++;
        else if (omittedTokens < fileMarkerTokens) omittedTokens += count(l);
      }
    stats.hunks += f.hunks.length;
    stats.added += add;
    stats.removed += rem;
    const original = lines.slice(f.start, f.end).join("\n");
    const counts = `${f.hunks.length} hunk${f.hunks.length === 1 ? "" : "s"}, +${add} -${rem}`;
    if (isGen(f) && (f.hunks.length || f.extra.length)) {
      stats.generatedFiles++;
      out.push(marker(`${f.path}: generated/lock file, ${counts} lines omitted`, originals.stash(original, { kind: "diff", path: f.path })));
      continue;
    }
    for (const h of fileHeader(f)) out.push(h);
    if (f.extra.length) out.push(`[binary patch data: ${f.extra.length} lines omitted]`);
    for (const [hi, h] of f.hunks.entries()) {
      const kh = k[hi]!;
      if (!h.verified) {
        out.push(h.header, ...h.lines);
        continue;
      }
      // `\ No newline` belongs to the line before it.
      for (let li = 1; li < h.lines.length; li++) if (isNoNewline(h.lines[li]!) && kh[li - 1]) kh[li] = true;
      const pos = positions(h);
      let first = true;
      for (const [a, b] of runsOf(kh)) {
        // Only a hunk's first run repeats git's function context: later runs sit below lines already shown.
        out.push(runHeader(h, pos, a, b, first ? h.section : h.section.endsWith("\r") ? "\r" : ""));
        first = false;
        for (let li = a; li <= b; li++) out.push(h.lines[li]!);
      }
    }
    stats.shownChanged += shown;
    if (shown < add + rem && omittedTokens < fileMarkerTokens && !f.extra.length)
      out.push(`[${add + rem - shown} of ${add + rem} changed lines omitted]`);
    else if (shown < add + rem || f.extra.length)
      // The path and counts are in the `diff --git` line above and in the totals: the marker says only
      // what is missing, in the same words as the plain note.
      out.push(marker(`${add + rem - shown} of ${add + rem} changed lines omitted`, originals.stash(original, { kind: "diff", path: f.path })));
  }
  const totalKey = originals.stash(text, { kind: "diff", whole: true });
  out.push(
    marker(
      `diff totals: ${stats.files} file${stats.files === 1 ? "" : "s"}, ${stats.hunks} hunks, +${stats.added} -${stats.removed}; ${stats.shownChanged} of ${stats.added + stats.removed} changed lines shown${stats.generatedFiles ? `, ${stats.generatedFiles} generated/lock files summarised` : ""}; context trimmed, index and ---/+++ lines dropped`,
      totalKey,
    ),
  );
  void ccrKey;
  return { text: out.join("\n") + (trailingNewline ? "\n" : ""), originals: originals.list(), stats };
}

/**
 * The header lines worth showing: `index` lines go (blob ids), and `---`/`+++` lines go when the
 * `diff --git a/P b/Q` line already names the same paths (they carry nothing more, or `/dev/null`,
 * which the `new file`/`deleted file` line says).
 */
function fileHeader(f: FileSection): string[] {
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

/** A small binary heap (deterministic given a total order). */
class Heap<T> {
  private a: T[] = [];
  constructor(private readonly before: (x: T, y: T) => number) {}
  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.before(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
