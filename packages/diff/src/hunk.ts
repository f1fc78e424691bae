/**
 * Re-cutting hunks. A trimmed hunk is emitted as one or more smaller hunks, each a contiguous run of
 * the original body, with a header recomputed from the original positions so that every emitted hunk
 * is itself a correct hunk: its line counts match its body and its start lines are where those lines
 * sit in the old and new files.
 */
import { isNoNewline, lineCounts, parseDiff, type Hunk } from "./parse.js";

/** Position of each body line: the old line number per parent and the new line number it would have. */
export interface LinePositions {
  /** `old[p][j]`: 1-based line in parent p that body line j occupies (or would follow). */
  old: number[][];
  /** `neu[j]`: 1-based line in the result that body line j occupies (or would follow). */
  neu: number[];
}

/** Computes per-line positions for a verified hunk. */
export function positions(h: Hunk): LinePositions {
  // With a zero count, the header's start names the line *before* the (empty) range.
  const oldNext = h.oldStarts.map((s, p) => (h.oldCounts[p] === 0 ? s + 1 : s));
  let newNext = h.newCount === 0 ? h.newStart + 1 : h.newStart;
  const old: number[][] = h.oldStarts.map(() => []);
  const neu: number[] = [];
  for (const l of h.lines) {
    for (let p = 0; p < h.parents; p++) old[p]!.push(oldNext[p]!);
    neu.push(newNext);
    if (isNoNewline(l)) continue;
    const c = lineCounts(l, h.parents);
    if (!c) continue;
    c.old.forEach((o, p) => {
      if (o) oldNext[p]!++;
    });
    if (c.inNew) newNext++;
  }
  return { old, neu };
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

/**
 * Header for the run `lines[a..b]` (inclusive) of a verified hunk. `section` is the text after the
 * closing `@@` (function context), kept as given.
 */
export function runHeader(h: Hunk, pos: LinePositions, a: number, b: number, section: string): string {
  const oldCounts = new Array<number>(h.parents).fill(0);
  let newCount = 0;
  for (let j = a; j <= b; j++) {
    const l = h.lines[j]!;
    if (isNoNewline(l)) continue;
    const c = lineCounts(l, h.parents);
    if (!c) continue;
    c.old.forEach((o, p) => {
      if (o) oldCounts[p]!++;
    });
    if (c.inNew) newCount++;
  }
  const at = "@".repeat(h.parents + 1);
  const olds = oldCounts.map((n, p) => `-${range(pos.old[p]![a]!, n)}`).join(" ");
  return `${at} ${olds} +${range(pos.neu[a]!, newCount)} ${at}${section}`;
}

/** Splits kept body indices into maximal runs of consecutive indices. */
export function runsOf(kept: readonly boolean[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let s = -1;
  for (let j = 0; j <= kept.length; j++) {
    if (j < kept.length && kept[j]) {
      if (s < 0) s = j;
    } else if (s >= 0) {
      runs.push([s, j - 1]);
      s = -1;
    }
  }
  return runs;
}

/** A problem found by `checkHunks`. */
export interface HunkProblem {
  line: number;
  header: string;
  message: string;
}

/**
 * Apply-check of a diff's hunks without the files: every hunk's body must have exactly the line counts
 * its header states (per parent and for the result). Returns the problems found (empty when all agree).
 */
export function checkHunks(text: string): HunkProblem[] {
  const lines = text.split("\n");
  const problems: HunkProblem[] = [];
  for (const seg of parseDiff(lines)) {
    if (seg.type !== "file") continue;
    for (const h of seg.file.hunks)
      if (!h.verified) problems.push({ line: h.headerIndex + 1, header: h.header, message: "body does not match the header's line counts" });
  }
  return problems;
}

/**
 * Applies one hunk against the old and new file contents it claims to describe: every context and
 * removed line must sit at its stated old position and every context and added line at its stated new
 * position. Used to prove rewritten headers are correct. Only for single-parent hunks.
 */
export function hunkMatchesFiles(h: Hunk, oldLines: readonly string[], newLines: readonly string[]): string | undefined {
  if (h.parents !== 1) return "combined hunks are not supported by this check";
  if (!h.verified) return "counts do not match";
  const pos = positions(h);
  for (let j = 0; j < h.lines.length; j++) {
    const l = h.lines[j]!;
    if (isNoNewline(l)) continue;
    const body = l.slice(1);
    const c = lineCounts(l, 1)!;
    if (c.old[0] && oldLines[pos.old[0]![j]! - 1] !== body) return `old line ${pos.old[0]![j]} differs: ${JSON.stringify(body)}`;
    if (c.inNew && newLines[pos.neu[j]! - 1] !== body) return `new line ${pos.neu[j]} differs: ${JSON.stringify(body)}`;
  }
  return undefined;
}
