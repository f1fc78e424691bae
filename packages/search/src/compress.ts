/**
 * Lossy search-result compression: group matches by file, keep definitions, query-relevant lines and the
 * first/last match of each file within a budget, and say per file how many matches were dropped. Kept
 * lines are verbatim (so `path:line:` stays greppable); notes are in square brackets.
 */
import { estimateTokens, isDataPath, isTestPath, keepShare, normalizeBias, queryTerms } from "@headroom/text";
import { withExactTerms } from "./exact.js";
import { parseSearch, type ParsedSearch, type SearchLine } from "./parse.js";
import { lineFeatures, type LineFeatures } from "./features.js";
import { spendGreedy, type GreedyGroup, type Kept } from "./greedy.js";
import { lineWordIds, rankMatches, words } from "./rank.js";
import { definesSymbol, inferSymbol, isDefinition } from "./score.js";

export interface SearchCompressOptions {
  /** The user's question (query-aware selection). */
  query?: string;
  /** The tool call's arguments (the grep command): its exact tokens count like the question's. */
  toolArgs?: string;
  /**
   * Output size as a share of the input (tokens with a counter, else weighed characters). Default: the
   * shared size-aware budget curve of @headroom/text for the input's size.
   */
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

/** The lines of one file, in input order. */
export interface FileGroup {
  path: string;
  heading?: SearchLine;
  lines: SearchLine[];
  matches: SearchLine[];
}

/**
 * What selection needs from one input whatever the budget (groups, symbol, scores, line features, sizes):
 * built once, so that token fitting can run selection several times at the cost of the selection alone.
 */
export interface PreparedSearch {
  parsed: ParsedSearch;
  groups: FileGroup[];
  /** Lines that are not search results; always kept. */
  loose: SearchLine[];
  matches: number;
  score: Map<SearchLine, number>;
  features: Map<SearchLine, LineFeatures>;
  /** Per group, its lines that define the searched symbol. */
  defs: GreedyGroup[];
  /** Weighed length of each line plus its newline (selection's price of a line), by line index. */
  costs: Float64Array;
  /** The group of each line with a path, by line index (-1: none). */
  fileOf: Int32Array;
  /** Weighed length of the whole input. */
  weight: number;
  /** Weighed length of the closing list when it names every file. */
  listWeight: number;
}

/** Groups and scores a parsed output for selection. `null` when there are fewer than two matches. */
export function prepareSearch(parsed: ParsedSearch, query?: string, toolArgs?: string): PreparedSearch | null {
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
  const costs = new Float64Array(lines.length);
  const fileOf = new Int32Array(lines.length).fill(-1);
  const groupIndex = new Map(groups.map((g, i) => [g.path, i]));
  for (const l of lines) {
    costs[l.index] = costOf(l);
    if (l.path !== undefined) fileOf[l.index] = groupIndex.get(l.path) ?? -1;
  }

  // A plain loop: `flatMap` is several times slower in V8 and this runs on every call.
  const all: SearchLine[] = [];
  for (const g of groups) for (const m of g.matches) all.push(m);
  const symbol = inferSymbol(all.map((m) => m.text ?? ""));
  // Each line's word ids, found once for ranking and for likeness.
  const skip = new Set(symbol ? words(symbol) : []);
  const ids = lineWordIds(all, skip);
  // Definitions inside test files (`def test_timeout`, helpers) are not the definition a reader looks for.
  // Whether a line is definition-shaped, worked out once (ranking and the definitions below both ask).
  const shapedOf = new Uint8Array(lines.length);
  const shaped = (l: SearchLine) => {
    let s = shapedOf[l.index]!;
    if (s === 0) {
      s = isDefinition(l.text ?? "") ? 2 : 1;
      shapedOf[l.index] = s;
    }
    return s === 2;
  };
  // All lines of a group share its path.
  const defsOf = (g: FileGroup) =>
    isTestPath(g.path) || isDataPath(g.path) ? [] : g.matches.filter((l) => definesSymbol(l.text ?? "", symbol, shaped(l)));
  const features = lineFeatures(all, skip, ids.of);
  // The question's terms, split once: the tool call adds exact terms only, so its words are the question's.
  const terms = queryTerms(query, toolArgs);
  const score = withExactTerms(rankMatches(all, terms, symbol, ids, shaped), all, features, terms);
  return {
    parsed,
    groups,
    loose,
    matches,
    score,
    features,
    defs: groups.map((g) => ({ matches: defsOf(g) })),
    weight: costs.reduce((n, c) => n + c, 0),
    costs,
    fileOf,
    listWeight: weigh(listFiles(groups.map((g) => ({ path: g.path, n: g.matches.length })))),
  };
}

/** Builds the lossy form (without the CCR marker). `null` when nothing would be dropped. */
export function compressSearchLossy(input: string, o: SearchCompressOptions = {}, parsed: ParsedSearch = parseSearch(input)): LossySearch | null {
  const prepared = prepareSearch(parsed, o.query, o.toolArgs);
  return prepared && selectSearch(prepared, o);
}

/** Selects within the budget `o` sets and renders the lossy form. `null` when nothing would be dropped. */
export function selectSearch(p: PreparedSearch, o: Pick<SearchCompressOptions, "targetRatio" | "bias"> = {}): LossySearch | null {
  const bias = normalizeBias(o.bias);
  const { parsed, groups, loose, matches, score, features } = p;
  const { lines } = parsed;
  // Kept lines by index (asked on every greedy step; a flag array rather than a set of objects).
  const keptAt = new Uint8Array(lines.length);
  const keep: Kept = { has: (l) => keptAt[l.index] === 1 };
  // Cost approximates tokens rather than characters: a run of indentation is one token, not sixteen.
  const { costs, fileOf } = p;
  // The budget covers the whole output: marker, notes and kept lines.
  const share = o.targetRatio !== undefined ? o.targetRatio / bias : keepShare(estimateTokens(p.weight), { bias });
  const budget = Math.max(600, p.weight * share);
  // Marker line, plus every file named once in the closing list of files with hidden matches (rolled up
  // into directories when naming every file would take more than its share).
  const listCap = budget * LIST_SHARE;
  let used = 90 + Math.min(p.listWeight, listCap);
  // Per group (prices are asked for on every greedy step, so nothing is looked up by path): whether a
  // line of it is shown, its matches not yet kept (the note goes away with the last of them), its entry in
  // the closing list, and in `--heading` output the weight of its path line.
  // Plain loops: a typed array's `from` with a mapping function is far slower in V8.
  const shown = new Uint8Array(groups.length);
  const hiddenIn = new Int32Array(groups.length);
  const entries = new Float64Array(groups.length);
  const heads = parsed.heading ? new Float64Array(groups.length) : undefined;
  groups.forEach((g, i) => {
    hiddenIn[i] = g.matches.length;
    entries[i] = entry(g.path);
    if (heads) heads[i] = weigh(g.path) + 1;
  });
  // A file's first kept line brings its `[+N more matches in name]` note instead of its entry in the
  // closing list; its last hidden match takes the note away again (and a file shown whole has neither).
  const price = (l: SearchLine) => {
    const c = costs[l.index]!;
    const f = fileOf[l.index]!;
    if (f < 0) return c;
    const left = l.kind === "match" ? hiddenIn[f]! : 2;
    const isShown = shown[f] === 1;
    const frame = !isShown ? (left === 1 ? -entries[f]! : NOTE) : left === 1 ? -(NOTE + entries[f]!) : 0;
    // In `--heading` output a file's first kept line brings its path line too.
    const head = heads && !isShown ? heads[f]! : 0;
    return Math.max(1, c + frame + head);
  };
  const add = (l: SearchLine | undefined, force = false) => {
    if (!l || keep.has(l)) return;
    const c = price(l);
    if (!force && used + c > budget) return;
    keptAt[l.index] = 1;
    const f = fileOf[l.index]!;
    if (f >= 0) {
      shown[f] = 1;
      if (l.kind === "match") hiddenIn[f]!--;
    }
    used += c;
  };

  // Definitions first, but by value and within a share of the budget: a data file or a pattern that
  // matches many declaration-shaped lines must not crowd out everything else.
  const defBudget = budget * DEF_SHARE;
  spendGreedy(p.defs, score, features, keep, price, () => defBudget - used, add);
  spendGreedy(groups, score, features, keep, price, () => budget - used, add);
  // Context lines right after a kept match often carry the rest of a multi-line statement.
  for (const g of groups)
    for (let i = 0; i + 1 < g.lines.length; i++)
      if (keep.has(g.lines[i]!) && g.lines[i + 1]!.kind === "context" && g.lines[i + 1]!.line === g.lines[i]!.line! + 1) add(g.lines[i + 1]);

  const keptMatches = groups.reduce((n, g) => n + g.matches.filter((l) => keep.has(l)).length, 0);
  if (keptMatches === matches && !lines.some((l) => l.kind === "context" && !keep.has(l))) return null;

  const out: string[] = [];
  const hidden: { path: string; n: number }[] = [];
  const contextual = hasContext(parsed);
  for (const g of groups) {
    const shown = g.lines.filter((l) => keep.has(l));
    const droppedMatches = g.matches.length - g.matches.filter((l) => keep.has(l)).length;
    if (!shown.length) {
      hidden.push({ path: g.path, n: g.matches.length });
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
    // The note follows the file's own lines, so its base name is unambiguous and far cheaper than the path.
    if (droppedMatches > 0) out.push(`[+${droppedMatches} more match${droppedMatches === 1 ? "" : "es"} in ${baseName(g.path)}]`);
  }
  if (hidden.length) out.push(`[${hidden.length} more file${hidden.length === 1 ? "" : "s"} with matches: ${listFiles(hidden, listCap)}]`);
  // Lines that are not search results (messages, notices, anything unparsable) are never dropped.
  const extra = loose.map((l) => l.raw);
  return { text: [...extra, ...out].join("\n"), matches, files: groups.length, keptMatches };
}

/** Weighed length of a file's entry in the closing list: `name (N), `. */
function entry(path: string): number {
  return baseName(path).length + 6;
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

/**
 * Files with their match counts, `a/b.c (3)`; files of one directory share it, brace-expansion style
 * (`src/{a.c (3), b.c (1)}`), since deep repeated directories are most of the list's tokens. When that
 * is longer than `maxWeight`, directories are rolled up (`src/ (37 files, 412 matches)`), from the
 * deepest level up, until the list fits: a huge output still says where its matches are.
 */
export function listFiles(files: readonly { path: string; n: number }[], maxWeight = Infinity): string {
  const full = braceList(files);
  if (weigh(full) <= maxWeight) return full;
  // Sizes of every roll-up level from one pass (a group's entry costs about its key plus its counts),
  // so that only the chosen level is rendered.
  const dirs = files.map((f) => dirParts(f.path));
  const depth = dirs.reduce((d, p) => Math.max(d, p.length), 0);
  for (let d = depth - 1; d > 0; d--) {
    const keys = new Map<string, number>();
    dirs.forEach((p, i) => {
      const key = p.length >= d ? p.slice(0, d).join("/") : files[i]!.path;
      if (!keys.has(key)) keys.set(key, key.length + ROLLED_ENTRY);
    });
    let size = 0;
    for (const v of keys.values()) size += v;
    if (size <= maxWeight) return rollUp(files, d);
  }
  return rollUp(files, 0);
}

/** Weighed length of a rolled-up entry beside its key: `/ (37 files, 412 matches), `. */
const ROLLED_ENTRY = 26;

function braceList(files: readonly { path: string; n: number }[]): string {
  const dirs = new Map<string, { name: string; n: number }[]>();
  for (const f of files) {
    const base = baseName(f.path);
    const dir = f.path.slice(0, f.path.length - base.length);
    const list = dirs.get(dir);
    if (list) list.push({ name: base, n: f.n });
    else dirs.set(dir, [{ name: base, n: f.n }]);
  }
  const parts: string[] = [];
  for (const [dir, list] of dirs) {
    const items = list.map((f) => `${f.name} (${f.n})`);
    parts.push(list.length > 1 && dir ? `${dir}{${items.join(", ")}}` : items.map((i) => dir + i).join(", "));
  }
  return parts.join(", ");
}

/** Directory segments of a path (`a/b/c.go` → `a`, `b`). */
function dirParts(path: string): string[] {
  return path.split(/[\\/]/).slice(0, -1);
}

/** Files grouped by their first `depth` directories, in order of first appearance. */
function rollUp(files: readonly { path: string; n: number }[], depth: number): string {
  const groups = new Map<string, { files: number; n: number; path: string }>();
  for (const f of files) {
    const dirs = dirParts(f.path);
    const key = depth === 0 ? "" : dirs.length >= depth ? dirs.slice(0, depth).join("/") + "/" : f.path;
    const g = groups.get(key);
    if (g) {
      g.files++;
      g.n += f.n;
    } else groups.set(key, { files: 1, n: f.n, path: f.path });
  }
  const parts: string[] = [];
  for (const [key, g] of groups) parts.push(g.files === 1 ? `${g.path} (${g.n})` : `${key || "all"} (${g.files} files, ${g.n} matches)`);
  return parts.join(", ");
}

/** Weighed length of a line and its newline. */
function costOf(l: SearchLine): number {
  return weigh(l.raw) + 1;
}

/** Length with every run of spaces or tabs counted once (tokenizers encode a run as one token). */
export function weigh(s: string): number {
  let n = s.length;
  for (const m of s.match(/[ \t]{2,}/g) ?? []) n -= m.length - 1;
  return n;
}

/** Extra cost of showing a file: its note line, minus its entry in the list of hidden files. */
const NOTE = 22;
/** Largest share of the budget the closing list of files may take before it is rolled up. */
const LIST_SHARE = 0.25;
/** Share of the budget definitions may take before other lines compete. */
const DEF_SHARE = 0.6;

function hasContext(p: ParsedSearch): boolean {
  return p.lines.some((l) => l.kind === "context" || l.kind === "separator");
}
