/**
 * Scores of the changed lines of a diff (what `selectLines` ranks by), from the line facts computed once
 * per input (facts.ts): scores do not depend on the budget, so they are computed once per input.
 */
import { isDocPath, isTestPath, relevance, type QueryTerms } from "@headroom/text";
import type { HunkFacts } from "./facts.js";
import { isNoNewline, type FileSection, type Hunk } from "./parse.js";
import { addTerms, isComment, messageLiterals, scoreBody } from "./score.js";

/** What scoring a hunk needs besides the hunk: shared by every hunk of the diff. */
export interface ScoreEnv {
  /** Query terms (lower-cased). */
  query: ReadonlySet<string>;
  /** Names of functions/types whose definition lines this diff changes. */
  changedNames: ReadonlySet<string>;
  /** How often each trimmed changed line was scored already (updated). */
  seen: Map<string, number>;
}

/**
 * Scores every body line of a verified hunk (context lines get 0; they are added by distance later).
 * `moved` is the file's `movedLines`, `rel` the hunk's line relevance (by line index), if any.
 */
export function scoreHunk(h: Hunk, hf: HunkFacts, file: FileSection, env: ScoreEnv, moved: ReadonlySet<string>, rel?: readonly number[]): number[] {
  const n = h.lines.length;
  const scores = new Array<number>(n).fill(0);
  const doc = isDocPath(file.path);
  const testFile = isTestPath(file.path);
  let j = 0;
  while (j < n) {
    if (!hf.changed[j]) {
      j++;
      continue;
    }
    let e = j;
    while (e < n && (hf.changed[e] || isNoNewline(h.lines[e]!))) e++;
    // What the run adds: a removed line whose words all come back in the added lines beside it (a
    // modified line, a rewrapped comment, a call with one more argument) tells a reader little the added
    // lines do not; a removed line with words that vanish (a pure deletion) is the only trace of them.
    const added: string[] = [];
    for (let k = j; k < e; k++) if (hf.changed[k] && !hf.removed[k]) added.push(hf.body[k]!);
    // Built on the first removed line of the run only: a run of pure additions never needs them.
    let addedTerms: Set<string> | undefined;
    let addedDefs: Set<string> | undefined;
    let addedText = "";
    const novelty = (k: number) => {
      const body = hf.body[k]!;
      if (!addedTerms) {
        addedTerms = new Set();
        addedDefs = new Set();
        for (let a = j; a < e; a++) {
          if (!hf.changed[a] || hf.removed[a]) continue;
          addTerms(hf.body[a]!, addedTerms);
          const d = hf.def[a];
          if (d !== undefined) addedDefs.add(d);
        }
        addedText = added.join("\n");
      }
      // The old half of a changed signature shows what callers had to change (parameters, types).
      const def = hf.def[k];
      if (def && addedDefs!.has(def) && !added.includes(body)) return 0.8;
      // A message the change rewords (an error text) is gone from the new code: the old wording is a
      // fact only the removed line still shows, however many of its words come back.
      if (messageLiterals(body).some((m) => !addedText.includes(m))) return 0.8;
      const ts = addTerms(body, new Set());
      if (!ts.size) return 1;
      let fresh = 0;
      for (const t of ts) if (!addedTerms!.has(t)) fresh++;
      return fresh / ts.size;
    };
    let prevComment = false;
    for (let k = j; k < e; k++) {
      const l = h.lines[k]!;
      if (isNoNewline(l)) {
        prevComment = isComment(l.slice(h.parents));
        continue;
      }
      const body = hf.body[k]!;
      const removed = hf.removed[k]!;
      const norm = hf.trimmed[k]!;
      const comment = isComment(body);
      const facts = {
        body,
        removed,
        novelty: removed ? novelty(k) : 1,
        runStart: k === j,
        continuesComment: k > j && prevComment,
        docFile: doc,
        deletedFile: file.deletedFile,
        changedNames: env.changedNames,
        testFile,
        query: env.query,
        relevance: rel?.[k],
      };
      let s = scoreBody(facts, norm, comment, hf.definition[k]!);
      prevComment = comment;
      if (moved.has(norm)) s *= 0.15; // re-indented or moved: the same text is both removed and added
      const c = env.seen.get(norm) ?? 0;
      if (c > 0) s *= 0.3; // the same line again (moved code, repeated boilerplate)
      env.seen.set(norm, c + 1);
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
export function movedLines(f: FileSection, facts: readonly HunkFacts[]): Set<string> {
  const removed = new Set<string>();
  const added = new Set<string>();
  f.hunks.forEach((h, hi) => {
    const hf = facts[hi]!;
    for (let i = 0; i < h.lines.length; i++) {
      if (!hf.changed[i]) continue;
      const t = hf.trimmed[i]!;
      if (t.length < 4) continue;
      (hf.removed[i] ? removed : added).add(t);
    }
  });
  const out = new Set<string>();
  for (const t of added) if (removed.has(t)) out.add(t);
  return out;
}

/**
 * Relevance of every changed line of the diff's normal files to the question and tool arguments, by
 * file, hunk and line index; undefined when there are no terms or none is selective.
 */
export function lineRelevance(
  files: readonly FileSection[],
  facts: readonly HunkFacts[][],
  isGen: (f: FileSection) => boolean,
  terms: QueryTerms | undefined,
): (number[] | undefined)[][] | undefined {
  if (!terms || (!terms.exact.length && !terms.words.length)) return undefined;
  const docs: string[] = [];
  const at: [number, number, number][] = [];
  files.forEach((f, fi) => {
    if (isGen(f)) return;
    f.hunks.forEach((h, hi) => {
      const hf = facts[fi]![hi]!;
      for (let li = 0; li < h.lines.length; li++) {
        if (!hf.changed[li]) continue;
        docs.push(hf.body[li]!);
        at.push([fi, hi, li]);
      }
    });
  });
  const r = relevance(terms, docs);
  if (!r.active) return undefined;
  const out: (number[] | undefined)[][] = files.map((f) => f.hunks.map(() => undefined));
  at.forEach(([fi, hi, li], i) => {
    const row = out[fi]!;
    // Sized to the hunk: writing far past the end of an empty array makes a slow (dictionary) array.
    const list = row[hi] ?? new Array<number>(files[fi]!.hunks[hi]!.lines.length);
    row[hi] = list;
    list[li] = r.score(i);
  });
  return out;
}
