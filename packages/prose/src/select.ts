/**
 * Selection of prose units within a token budget: the ranking (every section's best unit first, then
 * by score per √token), what a kept unit brings along (what its colon announces), and near-duplicate
 * removal through an inverted index of word shingles, so that a unit is compared only with the kept
 * units it shares shingles with (linear on a 1M-token input, and against every kept unit, not a window).
 */
import { isSpaceCode, NearDuplicateIndex } from "@headroom/text";
import type { Unit } from "./blocks.js";
import type { Lexicon, Words } from "./score.js";
import { hasWords } from "./sentences.js";

/** Share of the budget the "every section gets its best unit" pass may use. */
const FIRST_PASS_SHARE = 0.3;
/** A section's best units may take at most this share of the budget each to be placed first. */
const FIRST_UNIT_SHARE = 0.06;
/** Shingles shared by more kept units than this are boilerplate and not looked up (bounded work). */
const POSTING_LIMIT = 64;

/**
 * Order in which units are offered to the budget: each section's best units first (up to 1 + the
 * number of selective query terms in its headings, within a share of the budget), then all others by
 * score per √token. Ties go to the earlier unit, so the order is deterministic.
 */
export function rankUnits(units: readonly Unit[], scores: readonly number[], costs: readonly number[], target: number, headingHits: readonly number[]): number[] {
  const key = new Float64Array(units.length);
  for (let i = 0; i < units.length; i++) key[i] = scores[i]! / Math.sqrt(costs[i]! + 1);
  const order = units.map((_, i) => i).sort((a, b) => key[b]! - key[a]! || a - b);
  const perSection = new Map<number, number>();
  let left = target * FIRST_PASS_SHARE;
  const first: number[] = [];
  const rest: number[] = [];
  for (const i of order) {
    const u = units[i]!;
    const n = perSection.get(u.section) ?? 0;
    if (n < 1 + Math.min(3, headingHits[i]!) && costs[i]! <= target * FIRST_UNIT_SHARE && costs[i]! <= left) {
      left -= costs[i]!;
      perSection.set(u.section, n + 1);
      first.push(i);
    } else rest.push(i);
  }
  return [...first, ...rest];
}

/** `/:\s*$/.test(text)` from the end, without a regex pass over the whole unit. */
function endsWithColon(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
  return i >= 0 && text.charCodeAt(i) === 58;
}

/**
 * What each unit brings along when kept. A unit ending in a colon announces what follows ("…the
 * following scheme::", "…four macros:"): kept without it, it would point at nothing. So it brings the
 * next unit, or, when a list follows, the first sentence of each item (the list's skeleton).
 */
export function followersOf(units: readonly Unit[]): number[][] {
  return units.map((u, i): number[] => {
    const n = units[i + 1];
    if (!n || n.section !== u.section || !endsWithColon(u.text)) return [];
    if (n.kind !== "item") return [i + 1];
    const out: number[] = [];
    for (let k = i + 1; k < units.length && units[k]!.kind === "item" && units[k]!.section === u.section; k++) if (units[k]!.index === 0) out.push(k);
    return out;
  });
}

/**
 * The announcement of each code unit (-1: none): the unit whose colon introduces its block ("…require
 * parentheses. Example::"). An example kept without the sentence that says what it shows is a listing
 * without its point, so the announcement comes along; for a long block kept line by line, every line
 * brings the announcement of its block.
 */
export function announcersOf(units: readonly Unit[], followers: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(units.length).fill(-1);
  followers.forEach((fs, i) => {
    for (const f of fs) {
      if (units[f]!.kind !== "code") continue;
      for (let k = f; k < units.length && units[k]!.block === units[f]!.block; k++) out[k] = i;
    }
  });
  return out;
}

/**
 * The lead of each unit's section (-1: none, or the unit is it): the first sentence of the section's
 * first paragraph, which says what the section is about ("A pattern is considered irrefutable if …"
 * under "Irrefutable case blocks"). A later sentence kept without it ("A case block is irrefutable if
 * it has no guard …") leans on a definition the reader cannot see, so the lead comes along — for the
 * units the question is about (`asked`); a unit kept for its own facts needs no introduction.
 */
export function leadsOf(units: readonly Unit[], asked: readonly boolean[]): number[] {
  const lead = new Map<number, number>();
  units.forEach((u, i) => {
    if (u.kind === "para" && u.index === 0 && !lead.has(u.section) && hasWords(u.text, 3)) lead.set(u.section, i);
  });
  return units.map((u, i) => {
    const l = lead.get(u.section);
    return l === undefined || l === i || !asked[i] ? -1 : l;
  });
}

/** Per-unit facts the greedy selection needs, computed once (the budget loop may select twice). */
export interface SelectionInput {
  units: readonly Unit[];
  ranked: readonly number[];
  costs: readonly number[];
  followers: readonly (readonly number[])[];
  /** Lead sentence of each unit's section (see `leadsOf`), -1 for none. */
  leads: readonly number[];
  /** The unit announcing each code unit's block (see `announcersOf`), -1 for none. */
  announcers: readonly number[];
  /** Tokens a unit's followers may add at most. */
  followerShare: number;
  /** Tokens always spent (headings, closing marker). */
  fixed: number;
  /** Jaccard of shingles at or above which a unit is a near-duplicate of a kept one; above 1: exact only. */
  duplicateThreshold: number;
}

/** Normalised text (for exact repeats) and shingle ids of every unit, computed once per input. */
export interface UnitKeys {
  /** Whitespace-normalised text of unit `i`, computed on first use (only on a hash match). */
  norm(i: number): string;
  /** `normHash` of unit `i`: equal norms have equal hashes, so a unit whose hash no kept unit has is no repeat. */
  hash(i: number): number;
  /** Shingle ids of unit `i`, computed on first use (only units that fit the budget are compared). */
  shingles(i: number): Uint32Array;
}

/**
 * FNV-1a of `text.trim().replace(/\s+/g, " ")` without building that string: a unit is hashed, and its
 * norm built only when a kept unit has the same hash.
 */
export function normHash(text: string): number {
  let h = 0x811c9dc5;
  let any = false;
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Printable ASCII is never space: one comparison for most characters instead of `isSpaceCode`'s dozen.
    if ((c < 33 || c > 126) && isSpaceCode(c)) {
      space = any;
      continue;
    }
    if (space) h = Math.imul(h ^ 32, 0x01000193);
    space = false;
    any = true;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** Keys for duplicate detection, from each unit's words (split once, see `Lexicon`). */
export function unitKeys(units: readonly Unit[], words: readonly Words[], lexicon: Lexicon, scanned?: ArrayLike<number>): UnitKeys {
  const norms: (string | undefined)[] = new Array(units.length);
  // `scanned`: `Lexicon.key` of each unit (-1: none), already a hash that equal norms share; the other
  // units are hashed by `normHash`. Texts with equal norms are both scanned or both not (`Lexicon.key`).
  const hashes: (number | undefined)[] = new Array(units.length);
  if (scanned) for (let i = 0; i < units.length; i++) if (scanned[i]! >= 0) hashes[i] = scanned[i]!;
  const shingles: (Uint32Array | undefined)[] = new Array(units.length);
  return {
    norm: (i) => (norms[i] ??= units[i]!.text.trim().replace(/\s+/g, " ")),
    hash: (i) => (hashes[i] ??= normHash(units[i]!.text)),
    shingles: (i) => (shingles[i] ??= lexicon.shingles(words[i]!)),
  };
}

/** Kept units by the hash of their norm, to find exact repeats (norms compared only on a hash match). */
class ExactRepeats {
  private readonly byHash = new Map<number, number[]>();

  constructor(private readonly keys: UnitKeys) {}

  /** True when a kept unit has unit `i`'s norm. */
  has(i: number): boolean {
    const same = this.byHash.get(this.keys.hash(i));
    if (!same) return false;
    const n = this.keys.norm(i);
    return same.some((k) => this.keys.norm(k) === n);
  }

  add(i: number): void {
    const h = this.keys.hash(i);
    const same = this.byHash.get(h);
    if (same) same.push(i);
    else this.byHash.set(h, [i]);
  }
}

/** Greedy selection within `budget` tokens: ranked units that fit and are no (near-)duplicate of a kept one. */
export function selectUnits(s: SelectionInput, keys: UnitKeys, budget: number): boolean[] {
  const kept = new Array<boolean>(s.units.length).fill(false);
  const exact = new ExactRepeats(keys);
  const index = new NearDuplicateIndex(POSTING_LIMIT);
  let used = s.fixed;
  // Above 1 only exact repeats go: the shingle index is neither queried nor filled.
  const near = s.duplicateThreshold <= 1;
  const nearDuplicate = (i: number): boolean => near && index.has(keys.shingles(i), s.duplicateThreshold);
  const tryKeep = (i: number): boolean => {
    if (kept[i]) return false;
    const c = s.costs[i]! + 2;
    if (used + c > budget || exact.has(i) || nearDuplicate(i)) return false;
    kept[i] = true;
    exact.add(i);
    if (near) index.add(i, keys.shingles(i));
    used += c;
    return true;
  };
  for (const i of s.ranked) {
    if (!tryKeep(i)) continue;
    const lead = s.leads[i]!;
    if (lead >= 0 && s.costs[lead]! <= s.followerShare) tryKeep(lead);
    const announcer = s.announcers[i]!;
    if (announcer >= 0 && s.costs[announcer]! <= s.followerShare) tryKeep(announcer);
    let spent = 0;
    for (const f of s.followers[i]!) {
      if (spent + s.costs[f]! > s.followerShare) break;
      if (tryKeep(f)) spent += s.costs[f]!;
    }
  }
  return kept;
}
