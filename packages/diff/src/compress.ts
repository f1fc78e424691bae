/**
 * The diff compressor: keeps commit headers and messages, file headers (minus `index` lines) and the
 * most informative changed lines within a token budget; trims context; re-cuts hunks so that every
 * emitted `@@` header is correct for the lines under it; summarises lock/generated files to one line;
 * ends with a totals line whose marker points to the whole original.
 */
import { isGeneratedPath, keepShare, normalizeBias, queryTerms } from "@headroom/text";
import { ccrKey, marker } from "@headroom/core";
import { diffFacts, type HunkFacts } from "./facts.js";
import { positions, runHeader, runsOf, type LinePositions } from "./hunk.js";
import { isNoNewline, lineCounts, parseDiff, type FileSection, type Segment } from "./parse.js";
import { terms } from "./score.js";
import { repeatNote } from "./repeat.js";
import { prepareSelection, selectLines, type Prepared } from "./select.js";

/** Options of the diff compressor. */
export interface DiffOptions {
  /**
   * A fixed share of the input's tokens to aim at, as a ceiling (before `bias`), replacing the curve.
   * Default none: the budget is `keepBudget` with `DIFF_CURVE`, so no diff has a fixed ratio.
   */
  targetRatio?: number;
  /** Never aim below this many tokens. Default 200. */
  minTokens?: number;
  /**
   * Most context lines kept on each side of kept changes, budget permitting. Default 1: git shows 3,
   * the rest of the file is one retrieval away, and the nearest line places the change.
   */
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
  /** Tokens of `text`, counted once with the caller's `count`. */
  outputTokens: number;
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

/**
 * The diff's parameters of the shared `@headroom/text` budget curve (no ceiling): up to `floor` tokens
 * every changed line is kept and only the structural transforms save (context beyond `maxContext`,
 * `index` lines, lock files, the old halves of re-indented lines); above it the changed lines kept shrink
 * smoothly with size. Hunks carry facts densely, hence a higher floor than the default curve.
 */
export const DIFF_CURVE = { floor: 4000, exponent: 0.6 } as const;

const defaults = { minTokens: 200, maxContext: 1, fileMarkerTokens: 150 };

/**
 * Compresses a diff. Always lossy (trimmed context, dropped `index` lines): call it only when originals
 * can be stored. Returns undefined when the text holds no parseable hunk or file header.
 */
export function compressDiff(
  text: string,
  count: (t: string) => number,
  opts: DiffOptions & { query?: string; toolArgs?: string; bias?: number; signal?: { throwIfAborted(): void } } = {},
): DiffCompression | undefined {
  const o = { ...defaults, ...opts };
  const bias = normalizeBias(opts.bias);
  const trailingNewline = text.endsWith("\n");
  const lines = (trailingNewline ? text.slice(0, -1) : text).split("\n");
  const segs: Segment[] = parseDiff(lines);
  const files = segs.flatMap((s) => (s.type === "file" ? [s.file] : []));
  if (!files.length) return undefined;
  const isGen = (f: FileSection) => isGeneratedPath(f.path) || (o.generated ?? []).some((r) => r.test(f.path));

  const query = new Set(terms(opts.query ?? ""));
  // Rarity-weighted: a rare exact token of the question or the tool arguments outweighs common words.
  const qTerms = opts.query || opts.toolArgs ? queryTerms(opts.query, opts.toolArgs) : undefined;
  const { facts, changedNames } = diffFacts(files);
  const totalTokens = o.inputTokens ?? count(text);
  // Lines are priced from the input's own tokens per character (from the one count of the input the
  // pipeline makes anyway), not counted one by one: on a 1M-token diff, per-line counting was most of
  // the time. The estimate only ranks and budgets; the final text is counted exactly.
  const perChar = Math.max(0.05, (totalTokens - lines.length) / Math.max(1, text.length - lines.length));
  const cnt = (l: string) => Math.max(1, Math.round(l.length * perChar));
  // The shared size-aware curve with the diff parameters (DIFF_CURVE), or `targetRatio` when given.
  const share = opts.targetRatio !== undefined ? opts.targetRatio / bias : keepShare(totalTokens, { bias, ...DIFF_CURVE });
  const target = Math.max(o.minTokens, totalTokens * share);
  // The selection's cost model is approximate (markers, notes, headers): measure the rendered text and
  // correct the budget by the error, both ways. The target is a ceiling: keep the fullest result at or
  // under it (or, failing that, the smallest), and stop once within 3% below it.
  let budget = target;
  let best: ReturnType<typeof render> | undefined;
  let prevEst = -1;
  const prepared = prepareSelection({ segs, files, facts, cnt, isGen, query, changedNames, maxContext: o.maxContext, ...(qTerms ? { terms: qTerms } : {}) });
  const rin: RenderInput = { text, lines, segs, files, facts, isGen, trailingNewline, cnt, fileMarkerTokens: o.fileMarkerTokens, keys: new Map(), notes: prepared, counts: fileCounts(files, facts), pos: files.map(() => []) };
  for (let round = 0; round < 4; round++) {
    opts.signal?.throwIfAborted();
    const sel = selectLines(prepared, budget);
    const r = render(rin, sel.kept);
    // Priced from the per-line counts already known; only the final text is counted.
    const got = r.est;
    const fits = got <= target;
    const bestTokens = best?.est ?? 0;
    if (!best || (fits && (bestTokens > target || got > bestTokens)) || (!fits && bestTokens > target && got < bestTokens)) best = r;
    if (fits && got >= target * 0.97) break;
    // The budget moved but the selection did not: everything the structural transforms leave fits (a
    // small diff), or what is always shown (headers, messages, each file's best line) exceeds the target.
    if (got === prevEst) break;
    prevEst = got;
    budget += target - got;
    if (budget <= 0) break;
    // The next budget is no smaller and lets the greedy take every line: it would select the same lines,
    // render the same estimate and end the loop there (see `Selection.saturated`), so end it now.
    if (sel.saturated && got <= target && budget >= prepared.greedyBound) break;
  }
  if (!best) return undefined;
  let { est, ...result } = best;
  let outputTokens = count(result.text);
  // Only when the estimate said it fits: when what is always shown is over the target, a smaller budget
  // selects the same lines and the second count would be wasted.
  if (outputTokens > target * 1.03 && outputTokens > o.minTokens && est <= target) {
    // The per-character estimate was low for this text: one round corrected by the measured error.
    const { kept } = selectLines(prepared, budget * (target / outputTokens));
    const { est: _e, ...again } = render(rin, kept);
    const n = count(again.text);
    if (n < outputTokens) {
      result = again;
      outputTokens = n;
    }
  }
  return { ...result, outputTokens };
}


/** Everything `render` needs besides the selection: fixed for one input. */
interface RenderInput {
  text: string;
  lines: string[];
  segs: Segment[];
  files: FileSection[];
  facts: HunkFacts[][];
  isGen: (f: FileSection) => boolean;
  trailingNewline: boolean;
  /** Estimated tokens of one line. */
  cnt: (t: string) => number;
  fileMarkerTokens: number;
  /** Originals already cut and hashed, by file index (-1: the whole input). */
  keys: Map<number, DiffCompression["originals"][number]>;
  notes: Pick<Prepared, "movedOld" | "repeatOf" | "headers">;
  /** Changed lines per file, added and removed (budget-independent). */
  counts: { add: number; rem: number }[];
  /** Line positions of verified hunks, by file and hunk, filled on first use. */
  pos: LinePositions[][];
}

/** Added and removed lines of each file, as the totals and notes count them. */
function fileCounts(files: FileSection[], facts: HunkFacts[][]): { add: number; rem: number }[] {
  return files.map((f, fi) => {
    let add = 0;
    let rem = 0;
    f.hunks.forEach((h, hi) => {
      const changed = facts[fi]![hi]!.changed;
      for (let li = 0; li < h.lines.length; li++) {
        if (!changed[li]) continue;
        const c = lineCounts(h.lines[li]!, h.parents);
        if (c && !c.inNew) rem++;
        else add++;
      }
    });
    return { add, rem };
  });
}

function render(rin: RenderInput, kept: boolean[][][]): Omit<DiffCompression, "outputTokens"> & { est: number } {
  const { text, lines, segs, files, facts, isGen, trailingNewline, cnt: count, fileMarkerTokens, keys, notes } = rin;
  // Each original is cut and hashed once per input, not once per budget round (a 1M-token diff has
  // hundreds of file sections; the whole input is hashed once too).
  const used = new Map<string, DiffCompression["originals"][number]>();
  const stash = (id: number, make: () => { content: string; meta: Record<string, string | boolean> }) => {
    let o = keys.get(id);
    if (!o) {
      const { content, meta } = make();
      o = { key: ccrKey(content), content, meta };
      keys.set(id, o);
    }
    if (!used.has(o.key)) used.set(o.key, o);
    return o.key;
  };
  const out: string[] = [];
  const stats: DiffStats = { files: files.length, hunks: 0, added: 0, removed: 0, shownChanged: 0, generatedFiles: 0 };
  let fi = 0;
  for (const s of segs) {
    if (s.type === "raw") {
      out.push(s.line);
      continue;
    }
    const f = s.file;
    const k = kept[fi]!;
    const { add, rem } = rin.counts[fi]!;
    const ff = facts[fi]!;
    fi++;
    stats.hunks += f.hunks.length;
    stats.added += add;
    stats.removed += rem;
    const original = () => ({ content: lines.slice(f.start, f.end).join("\n"), meta: { kind: "diff", path: f.path } });
    const counts = `${f.hunks.length} hunk${f.hunks.length === 1 ? "" : "s"}, +${add} -${rem}`;
    if (isGen(f) && (f.hunks.length || f.extra.length)) {
      stats.generatedFiles++;
      out.push(marker(`${f.path}: generated/lock file, ${counts} lines omitted`, stash(fi - 1, original)));
      continue;
    }
    let shown = 0;
    let omittedTokens = 0;
    f.hunks.forEach((h, hi) => {
      const changed = ff[hi]!.changed;
      const kh = k[hi]!;
      for (let li = 0; li < h.lines.length; li++) {
        if (!changed[li]) continue;
        if (kh[li]) shown++;
        else if (omittedTokens < fileMarkerTokens) omittedTokens += count(h.lines[li]!);
      }
    });
    for (const h of notes.headers[fi - 1]!) out.push(h);
    if (f.extra.length) out.push(`[binary patch data: ${f.extra.length} lines omitted]`);
    for (const [hi, h] of f.hunks.entries()) {
      const kh = k[hi]!;
      if (!h.verified) {
        out.push(h.header, ...h.lines);
        continue;
      }
      // `\ No newline` belongs to the line before it.
      for (let li = 1; li < h.lines.length; li++) if (isNoNewline(h.lines[li]!) && kh[li - 1]) kh[li] = true;
      const cached = rin.pos[fi - 1]!;
      const pos = cached[hi] ?? positions(h);
      cached[hi] = pos;
      let first = true;
      for (const [a, b] of runsOf(kh)) {
        // Only a hunk's first run repeats git's function context: later runs sit below lines already shown.
        out.push(runHeader(h, pos, a, b, first ? h.section : h.section.endsWith("\r") ? "\r" : ""));
        first = false;
        for (let li = a; li <= b; li++) out.push(h.lines[li]!);
      }
    }
    stats.shownChanged += shown;
    const mv = notes.movedOld[fi - 1]!;
    const repeats = repeatNote(files, fi - 1, notes.repeatOf[fi - 1]!);
    if (repeats) out.push(repeats);
    const what = `${add + rem - shown} of ${add + rem} changed lines omitted${mv ? `, ${mv} of them moved or re-indented` : ""}`;
    if (shown < add + rem && omittedTokens < fileMarkerTokens && !f.extra.length) out.push(`[${what}]`);
    // The path and counts are in the `diff --git` line above and in the totals: the marker says only
    // what is missing, in the same words as the plain note.
    else if (shown < add + rem || f.extra.length) out.push(marker(what, stash(fi - 1, original)));
  }
  const totalKey = stash(-1, () => ({ content: text, meta: { kind: "diff", whole: true } }));
  out.push(
    marker(
      `diff totals: ${stats.files} file${stats.files === 1 ? "" : "s"}, ${stats.hunks} hunks, +${stats.added} -${stats.removed}; ${stats.shownChanged} of ${stats.added + stats.removed} changed lines shown${stats.generatedFiles ? `, ${stats.generatedFiles} generated/lock files summarised` : ""}; context trimmed, index and ---/+++ lines dropped`,
      totalKey,
    ),
  );
  let est = out.length - (trailingNewline ? 0 : 1);
  for (const l of out) est += count(l);
  return { text: out.join("\n") + (trailingNewline ? "\n" : ""), originals: [...used.values()], stats, est };
}
