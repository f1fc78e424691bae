/**
 * Lossy search-result compression: group matches by file, keep definitions, query-relevant lines and the
 * first/last match of each file within a budget, and say per file how many matches were dropped. Kept
 * lines are verbatim (so `path:line:` stays greppable); notes are in square brackets.
 */
import { parseSearch, type ParsedSearch, type SearchLine } from "./parse.js";
import { definesSymbol, inferSymbol, isTestCase, queryTerms, relevance } from "./score.js";

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
  const budget = Math.max(600, input.length * ((o.targetRatio ?? 0.16) / bias));
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
  const terms = queryTerms(o.query).filter((t) => !symbol || !symbol.includes(t));
  const keep = new Set<SearchLine>();
  let used = 0;
  const cost = (l: SearchLine) => l.raw.length + 1;
  const add = (l: SearchLine | undefined, force = false) => {
    if (!l || keep.has(l)) return;
    if (!force && used + cost(l) > budget) return;
    keep.add(l);
    used += cost(l);
  };
  // Per-file notes and headers cost about this much each.
  used += groups.length * 30;

  const all = groups.flatMap((g) => g.matches);
  // Definitions inside test files (`def test_timeout`, helpers) are not the definition a reader looks for.
  const isDef = (l: SearchLine) => !TEST_PATH.test(l.path ?? "") && definesSymbol(l.text ?? "", symbol);
  // Each query term weighs by its rarity among the matches (idf): a word found in every line (often the
  // repository or directory name) says nothing about which line answers the question.
  const hits = all.map((l) => terms.map((t) => relevance(l.text ?? "", "", [t]) + relevance("", l.path ?? "", [t]) * 0.5));
  const idf = terms.map((_, k) => {
    const df = hits.reduce((n, h) => n + (h[k]! > 0 ? 1 : 0), 0);
    return Math.max(0, Math.log((all.length + 1) / (df + 0.5)) - 0.3);
  });
  const rel = new Map<SearchLine, number>(all.map((l, i) => [l, hits[i]!.reduce((sum, h, k) => sum + h * idf[k]!, 0)]));
  const byRelevance = (a: SearchLine, b: SearchLine) => rel.get(b)! - rel.get(a)! || a.index - b.index;

  // Priority: definitions (always), then the first match of every file, lines sharing the most words with
  // the question, the last match of every file, then remaining definitions-in-context and usages by relevance.
  for (const l of all) if (isDef(l)) add(l, true);
  for (const g of groups) add(g.matches[0]);
  for (const l of all.filter((x) => rel.get(x)! > 0).sort(byRelevance)) add(l);
  for (const g of groups) add(g.matches[g.matches.length - 1]);
  for (const l of all) if (isTestCase(l.text ?? "") || (TEST_PATH.test(l.path ?? "") && definesSymbol(l.text ?? "", symbol))) add(l);
  // Context lines right after a kept match often carry the rest of a multi-line statement.
  for (const g of groups)
    for (let i = 0; i + 1 < g.lines.length; i++) if (keep.has(g.lines[i]!) && g.lines[i + 1]!.kind === "context" && g.lines[i + 1]!.line === g.lines[i]!.line! + 1) add(g.lines[i + 1]);
  for (const l of [...all].sort(byRelevance)) add(l);

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

const TEST_PATH = /(?:^|[\\/])(?:tests?|spec|__tests__|testdata)[\\/]|[._-](?:test|spec)\.\w+$|_test\.go$|(?:^|[\\/])test_\w+\.py$/;

function hasContext(p: ParsedSearch): boolean {
  return p.lines.some((l) => l.kind === "context" || l.kind === "separator");
}
