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

// Both run for most tokens of every record; the first code unit rules most tokens out without the regex.
/** `PUNCT.test(t)`: a token starting with an ASCII letter or digit is not punctuation. */
function isPunct(t: string): boolean {
  const c = t.charCodeAt(0);
  const l = c | 32;
  return !((l >= 97 && l <= 122) || (c >= 48 && c <= 57)) && PUNCT.test(t);
}

/** `LEVEL_FIRST[c]` is 1 for the lower-case first letters of level words (a table read, not a set lookup). */
const LEVEL_FIRST = new Uint8Array(128);
for (const ch of "tdinwefsc") LEVEL_FIRST[ch.charCodeAt(0)] = 1;

/** `LEVELS.test(t)`: a level word starts with `[` or the ASCII first letter of one (case-insensitive). */
function isLevel(t: string): boolean {
  const c = t.charCodeAt(0);
  const l = c | 32;
  return t.length <= 11 && (c === 91 || (l < 128 && LEVEL_FIRST[l] === 1)) && LEVELS.test(t);
}

/** True when a token is treated as a variable before mining (masked to `<*>`). */
export function isVariableToken(t: string): boolean {
  // One scan decides most tokens: a digit makes a variable; without one, only a token with a path or
  // quote character, or a long run of hex letters, can match the anchored shapes of VARIABLE.
  let hexRun = t.length >= 8;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
    if (c === 47 || c === 92 || c === 39 || c === 34) return VARIABLE.test(t);
    if (hexRun && !((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) hexRun = false;
  }
  return hexRun && VARIABLE.test(t);
}

/** Splits a line into whitespace-separated tokens (trailing `\r` ignored). */
export function tokenize(line: string, maxTokens = 80): string[] {
  return tokensIn(line, 0, line.length, maxTokens);
}

/**
 * `tokenize(text.slice(from, to))` without the slice: analyzeLog scans its input text itself, which is
 * faster than scanning each line (a line is a slice of the text, slower to read code unit by code unit).
 */
export function tokensIn(text: string, from: number, to: number, maxTokens = 80): string[] {
  // A hand scan for `/\S+/g` (JavaScript's white space): no match object per token.
  const out: string[] = [];
  let start = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // ASCII first: the full white-space test only for the rare code units past it.
    if (!(c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && isSpaceCode(c))) {
      if (start >= 0) continue;
      if (out.length >= maxTokens) return out;
      start = i;
    } else if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(text.slice(start, to));
  return out;
}

/** Token counts as strings, made once (every record's group is found by one). */
const LENGTH_NAMES = Array.from({ length: 128 }, (_, k) => String(k));

interface Cluster {
  template: Template;
}

interface GroupNode {
  next?: Map<string, GroupNode>;
  clusters?: Cluster[];
}

function child(node: GroupNode, part: string): GroupNode {
  if (!node.next) node.next = new Map();
  const next = node.next;
  let c = next.get(part);
  if (!c) {
    c = {};
    next.set(part, c);
  }
  return c;
}

/** Down the tree by the `\0`-separated parts of `s` (one part but for odd input). */
function down(node: GroupNode, s: string): GroupNode {
  if (!s.includes("\u0000")) return child(node, s);
  for (const part of s.split("\u0000")) node = child(node, part);
  return node;
}

/** Online miner: feed lines with `add`, read templates with `templates()`. */
export class Drain {
  private readonly sim: number;
  private readonly depth: number;
  private readonly maxTokens: number;
  private readonly maxClusters: number;
  private readonly groups: GroupNode = {};
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
      if (t !== WILDCARD && !isPunct(t) && !isLevel(t)) lead.push(t);
    }
    const group = this.group(key, m.length, lead);
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

  /**
   * The group of `key\0length\0lead.join("\0")`, found in a tree of its `\0`-separated parts: the
   * same groups as a map keyed by that string, without building and hashing the string per record.
   */
  private group(key: string, length: number, lead: readonly string[]): Cluster[] {
    let node = down(this.groups, key);
    node = child(node, LENGTH_NAMES[length] ?? String(length));
    if (!lead.length) node = child(node, "");
    for (const t of lead) node = down(node, t);
    if (!node.clusters) node.clusters = [];
    return node.clusters;
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
    if (a === tokens[i] && isPunct(a)) continue;
    constants++;
    if (a === tokens[i]) same++;
  }
  return constants === 0 ? 1 : same / constants;
}

/** The template as text, for summaries (`<*>` marks variable positions). */
export function templateText(t: Template): string {
  return t.tokens.join(" ");
}
