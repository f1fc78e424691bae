/**
 * Lossy search-result compression: group matches by file, keep definitions, query-relevant lines and the
 * first/last match of each file within a budget, and say per file how many matches were dropped. Kept
 * lines are verbatim (so `path:line:` stays greppable); notes are in square brackets.
 */
import { parseSearch, type ParsedSearch, type SearchLine } from "./parse.js";
import { isTestPath, rankMatches } from "./rank.js";
import { definesSymbol, inferSymbol } from "./score.js";

export interface SearchCompressOptions {
  /** The user's question (query-aware selection). */
  query?: string;
  /** Target output size as a share of the input (characters); definitions may exceed it. Default 0.16. */
  targetRatio?: number;
  /** Aggressiveness: > 1 keeps less, < 1 keeps more. Default 1. */
  bias?: number;
}

export interface LossySearch {
  text: string;
  matches: number;
  files: number;
  keptMatches: number;
}

interface FileGroup {
  path: string;
  heading?: SearchLine;
  lines: SearchLine[];
  matches: SearchLine[];
}

/** Builds the lossy form (without the CCR marker). `null` when nothing would be dropped. */
export function compressSearchLossy(input: string, o: SearchCompressOptions = {}, parsed: ParsedSearch = parseSearch(input)): LossySearch | null {
  const bias = o.bias && o.bias > 0 && Number.isFinite(o.bias) ? o.bias : 1;
  const { lines } = parsed;
  const groups: FileGroup[] = [];
  const byPath = new Map<string, FileGroup>();
  const loose: SearchLine[] = [];
  for (const l of lines) {
    if (l.kind === "heading") {
      const g = group(l.path!);
      g.heading ??= l;
      continue;
    }
    if (l.path === undefined) {
      if (l.kind === "other" || l.kind === "notice") loose.push(l);
      continue;
    }
    const g = group(l.path);
    g.lines.push(l);
    if (l.kind === "match") g.matches.push(l);
  }
  function group(path: string): FileGroup {
    let g = byPath.get(path);
    if (!g) {
      g = { path, lines: [], matches: [] };
      byPath.set(path, g);
      groups.push(g);
    }
    return g;
  }
  const matches = groups.reduce((n, g) => n + g.matches.length, 0);
  if (matches < 2) return null;

  const symbol = inferSymbol(groups.flatMap((g) => g.matches.map((m) => m.text ?? "")));
  const keep = new Set<SearchLine>();
  // Cost approximates tokens rather than characters: a run of indentation is one token, not sixteen.
  const cost = (l: SearchLine) => weigh(l.raw) + 1;
  // The budget covers the whole output: marker, notes and kept lines.
  const budget = Math.max(600, lines.reduce((n, l) => n + weigh(l.raw) + 1, 0) * ((o.targetRatio ?? TARGET) / bias));
  // Marker line, plus every file named once in the closing list of files with hidden matches.
  let used = 90 + groups.reduce((n, g) => n + weigh(g.path) + 6, 0);
  const shownFiles = new Set<string>();
  // A file's first kept line also brings its `[+N more matches in path]` note.
  const price = (l: SearchLine) => cost(l) + (l.path !== undefined && !shownFiles.has(l.path) ? NOTE : 0);
  const add = (l: SearchLine | undefined, force = false) => {
    if (!l || keep.has(l)) return;
    const c = price(l);
    if (!force && used + c > budget) return;
    keep.add(l);
    if (l.path !== undefined) shownFiles.add(l.path);
    used += c;
  };

  const all = groups.flatMap((g) => g.matches);
  // Definitions inside test files (`def test_timeout`, helpers) are not the definition a reader looks for.
  const isDef = (l: SearchLine) => !isTestPath(l.path ?? "") && definesSymbol(l.text ?? "", symbol);
  const score = rankMatches(all, o.query, symbol);
  for (const l of all) if (isDef(l)) add(l, true);
  spendGreedy(groups, score, keep, price, () => budget - used, add);
  // Context lines right after a kept match often carry the rest of a multi-line statement.
  for (const g of groups)
    for (let i = 0; i + 1 < g.lines.length; i++) if (keep.has(g.lines[i]!) && g.lines[i + 1]!.kind === "context" && g.lines[i + 1]!.line === g.lines[i]!.line! + 1) add(g.lines[i + 1]);

  const keptMatches = all.filter((l) => keep.has(l)).length;
  if (keptMatches === matches && !lines.some((l) => l.kind === "context" && !keep.has(l))) return null;

  const out: string[] = [];
  const hidden: string[] = [];
  const contextual = hasContext(parsed);
  for (const g of groups) {
    const shown = g.lines.filter((l) => keep.has(l));
    const droppedMatches = g.matches.length - g.matches.filter((l) => keep.has(l)).length;
    if (!shown.length) {
      hidden.push(`${g.path} (${g.matches.length})`);
      continue;
    }
    if (parsed.heading) {
      if (out.length) out.push("");
      out.push(g.heading?.raw ?? g.path);
    }
    let prev: SearchLine | undefined;
    for (const l of shown) {
      // `--` between non-adjacent kept lines, as grep does between context groups.
      if (prev && prev.line !== undefined && l.line !== undefined && l.line !== prev.line + 1 && contextual) out.push("--");
      out.push(l.raw);
      prev = l;
    }
    if (droppedMatches > 0) out.push(`[+${droppedMatches} more match${droppedMatches === 1 ? "" : "es"} in ${g.path}]`);
  }
  if (hidden.length) out.push(`[${hidden.length} more file${hidden.length === 1 ? "" : "s"} with matches: ${hidden.join(", ")}]`);
  // Lines that are not search results (messages, notices, anything unparsable) are never dropped.
  const extra = loose.map((l) => l.raw);
  return { text: [...extra, ...out].join("\n"), matches, files: groups.length, keptMatches };
}

/** Length with every run of spaces or tabs counted once (tokenizers encode a run as one token). */
function weigh(s: string): number {
  let n = s.length;
  for (const m of s.match(/[ \t]{2,}/g) ?? []) n -= m.length - 1;
  return n;
}

// Tuned on the dev corpus as a whole (broad optimum: 0.5–0.75, 0.5–3, 0.3–1 all within one probe).
const DECAY = 0.6;
/** Share of the input (in weighed characters) the whole output may take. */
const TARGET = 0.19;
/** Extra cost of showing a file: its note line, minus its entry in the list of hidden files. */
const NOTE = 22;
const FIRST = 1.5;
const CE = 0.3;
/**
 * Spends the remaining budget on match lines by value per character: a line's score, discounted by how
 * many lines of its file are already kept (diversity), plus a bonus for the first line of a file so
 * that every relevant file shows up. Cheap lines are preferred over long ones of equal value.
 */
function spendGreedy(
  groups: readonly FileGroup[],
  score: Map<SearchLine, number>,
  keep: Set<SearchLine>,
  cost: (l: SearchLine) => number,
  left: () => number,
  add: (l: SearchLine) => void,
): void {
  const ratio = (l: SearchLine, k: number) => (score.get(l)! * Math.pow(DECAY, k) + (k === 0 ? (isTestPath(l.path ?? "") ? FIRST / 3 : FIRST) : 0)) / Math.pow(cost(l), CE);
  // Each file's candidates, best first by score per cost (the file's discount is the same for all of them).
  const queues = groups.map((g) => g.matches.filter((l) => !keep.has(l)).sort((a, b) => ratio(b, 1) - ratio(a, 1) || a.index - b.index));
  const pos = groups.map(() => 0);
  const kept = groups.map((g) => g.matches.filter((l) => keep.has(l)).length);
  // Bounded work (each pick scans the files): huge outputs with many files stop early, keeping less.
  const steps = Math.min(4000, Math.floor(4e6 / Math.max(1, queues.length)));
  for (let step = 0; step < steps; step++) {
    let best = -1;
    let bestV = -Infinity;
    for (let f = 0; f < queues.length; f++) {
      const q = queues[f]!;
      while (pos[f]! < q.length && cost(q[pos[f]!]!) > left()) pos[f]!++;
      if (pos[f]! >= q.length) continue;
      const v = ratio(q[pos[f]!]!, kept[f]!);
      if (v > bestV) {
        bestV = v;
        best = f;
      }
    }
    if (best < 0) return;
    add(queues[best]![pos[best]!]!);
    pos[best]!++;
    kept[best]!++;
  }
}

function hasContext(p: ParsedSearch): boolean {
  return p.lines.some((l) => l.kind === "context" || l.kind === "separator");
}
