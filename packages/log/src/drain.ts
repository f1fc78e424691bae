/**
 * Drain-like template mining (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree").
 * Lines are split into tokens; tokens that look like variables (numbers, ids, IPs, hex, paths, timestamps)
 * are masked; lines with the same token count and the same leading constant tokens are compared with the
 * templates already seen, and join the most similar one when at least `similarity` of the positions agree.
 * Positions that disagree become `<*>`. Deterministic: clusters are visited in creation order.
 */

import { isSpaceCode } from "@headroom/text";

/** The wildcard a template shows for a variable position. */
export const WILDCARD = "<*>";

/** One mined template. */
export interface Template {
  /** Index in creation order (0-based): the first line of the log makes template 0. */
  id: number;
  tokens: string[];
  /** Number of lines (records) that matched. */
  count: number;
  /** Index of the first record that matched (the representative kept verbatim). */
  first: number;
  /** Index of the last record that matched. */
  last: number;
}

export interface DrainOptions {
  /** Share of constant positions that must agree to join a template (Drain's `st`). Default 0.5. */
  similarity?: number;
  /** Leading constant tokens used to route a line to its group (Drain's tree depth). Default 2. */
  depth?: number;
  /** Tokens of a line considered at most (bounds the cost of pathological lines). Default 80. */
  maxTokens?: number;
  /** Templates compared per group at most; later lines that match none start new templates. Default 200. */
  maxClustersPerGroup?: number;
}

// A token is a variable when it has a digit (timestamps, ids, IPs, sizes, hex with digits), or looks like
// a path, URL, hex run, UUID-ish or quoted value. Same rule as Drain's default preprocessing, slightly wider.
const VARIABLE = /\d|^(?:[a-f]{8,}|0x\w+|\/\S*\/\S*|\w+:\/\/\S+|\S*[\\/]\S*\.\w+|'[^']*'|"[^"]*")$/i;

const PUNCT = /^[^\p{L}\p{N}]+$/u;
const LEVELS = /^\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL)\]?:?$/i;

/** True when a token is treated as a variable before mining (masked to `<*>`). */
export function isVariableToken(t: string): boolean {
  return VARIABLE.test(t);
}

/** Splits a line into whitespace-separated tokens (trailing `\r` ignored). */
export function tokenize(line: string, maxTokens = 80): string[] {
  // A hand scan for `/\S+/g` (JavaScript's white space): no match object per token.
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    // ASCII first: the full white-space test only for the rare code units past it.
    if (!(c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && isSpaceCode(c))) {
      if (start >= 0) continue;
      if (out.length >= maxTokens) return out;
      start = i;
    } else if (start >= 0) {
      out.push(line.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

interface Cluster {
  template: Template;
}

/** Online miner: feed lines with `add`, read templates with `templates()`. */
export class Drain {
  private readonly sim: number;
  private readonly depth: number;
  private readonly maxTokens: number;
  private readonly maxClusters: number;
  private readonly groups = new Map<string, Cluster[]>();
  private readonly all: Template[] = [];

  constructor(o: DrainOptions = {}) {
    this.sim = o.similarity ?? 0.5;
    this.depth = o.depth ?? 2;
    this.maxTokens = o.maxTokens ?? 80;
    this.maxClusters = o.maxClustersPerGroup ?? 200;
  }

  /**
   * Adds the tokens of record `index`; `key` separates lines that must never share a template (for
   * example different severities). `literal` tokens are taken as they are (no variable masking).
   * Returns the template the record joined.
   */
  add(tokens: string[], index: number, key = "", literal = false): Template {
    const masked = tokens.length > this.maxTokens ? tokens.slice(0, this.maxTokens) : tokens;
    const m = literal ? [...masked] : masked.map((t) => (isVariableToken(t) ? WILDCARD : t));
    const lead: string[] = [];
    for (const t of m) {
      if (lead.length >= this.depth) break;
      // Route by words: punctuation and level words say nothing about which event a line is.
      if (t !== WILDCARD && !PUNCT.test(t) && !LEVELS.test(t)) lead.push(t);
    }
    const gk = `${key}\u0000${m.length}\u0000${lead.join("\u0000")}`;
    let group = this.groups.get(gk);
    if (!group) {
      group = [];
      this.groups.set(gk, group);
    }
    let best: Cluster | undefined;
    let bestSim = -1;
    const limit = Math.min(group.length, this.maxClusters);
    for (let i = 0; i < limit; i++) {
      const c = group[i]!;
      const s = similarity(c.template.tokens, m);
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    if (best && bestSim >= this.sim) {
      const t = best.template;
      for (let i = 0; i < t.tokens.length; i++) if (t.tokens[i] !== m[i]) t.tokens[i] = WILDCARD;
      t.count++;
      t.last = index;
      return t;
    }
    const t: Template = { id: this.all.length, tokens: m, count: 1, first: index, last: index };
    this.all.push(t);
    group.push({ template: t });
    return t;
  }

  /** Templates in creation order. */
  templates(): readonly Template[] {
    return this.all;
  }
}

/** Drain's similarity: share of positions where both sequences hold the same constant token. */
function similarity(template: string[], tokens: string[]): number {
  if (!template.length) return 1;
  let same = 0;
  let constants = 0;
  for (let i = 0; i < template.length; i++) {
    const a = template[i]!;
    if (a === WILDCARD && tokens[i] === WILDCARD) continue;
    // Separators (`-`, `|`, `:`) agree in almost every line of a format; counting them merges unrelated events.
    if (a === tokens[i] && PUNCT.test(a)) continue;
    constants++;
    if (a === tokens[i]) same++;
  }
  return constants === 0 ? 1 : same / constants;
}

/** The template as text, for summaries (`<*>` marks variable positions). */
export function templateText(t: Template): string {
  return t.tokens.join(" ");
}
