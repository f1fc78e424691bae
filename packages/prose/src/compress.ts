/**
 * Extractive prose compression: keeps the heading skeleton and the highest-value sentences and blocks
 * (by BM25 relevance, salience and position, minus near-duplicates) within a target share of the
 * input's tokens. Omissions are shown as `[…]`; large omitted sections get their own marker, and a
 * closing marker points to the whole original.
 */
import { createOriginals, marker, type StoredOriginal } from "@headroom/core";
import { keepShare, queryTerms, relevance } from "@headroom/text";

/** Weight of verbatim question tokens relative to the unit scores (IDF-scaled). */
const EXACT_WEIGHT = 1;
import { codeInner, splitBlocks, toUnits, type Block, type Unit } from "./blocks.js";
import { headingRelevance, jaccard, scoreUnits, shingles } from "./score.js";

/** Options of the prose compressor. */
export interface ProseOptions {
  /** Share of the input's tokens to aim for (divided by `bias`). Default: the shared curve with `PROSE_BUDGET`. */
  targetRatio?: number;
  /** Never aim below this many tokens. Default 150. */
  minTokens?: number;
  /** A section whose omitted text reaches this many tokens gets its own marker. Default 600. */
  sectionMarkerTokens?: number;
  /** Units at least this similar (Jaccard of word 3-grams) to a kept one are dropped. Default 0.9. */
  duplicateThreshold?: number;
  /** Tokens of the input when the caller already counted them. */
  inputTokens?: number;
}

/** Result of `compressProse`. */
export interface ProseCompression {
  text: string;
  originals: StoredOriginal[];
  keptUnits: number;
  totalUnits: number;
}

/** Elision mark for omitted sentences or blocks. */
export const GAP = "[…]";

/**
 * Prose's parameters of the shared budget curve: a text of up to 4k tokens keeps everything (only the
 * lossless clean-up runs), then the kept share falls smoothly (10k → 72%, 20k → 57%, 40k → 45%).
 * Sentences carry facts densely, so prose is cut more gently than logs.
 */
export const PROSE_CURVE = { floor: 4000, exponent: 0.35 } as const;

/** Share of the budget the "every section gets its best unit" pass may use. */
const FIRST_PASS_SHARE = 0.3;

const defaults = { targetRatio: 0.47, minTokens: 150, sectionMarkerTokens: 600, duplicateThreshold: 0.9 };

/** Compresses prose; undefined when there is nothing to select from. Lossy: store the originals. */
export function compressProse(
  text: string,
  count: (t: string) => number,
  opts: ProseOptions & { query?: string; bias?: number } = {},
): ProseCompression | undefined {
  const o = { ...defaults, ...opts };
  const bias = opts.bias && Number.isFinite(opts.bias) && opts.bias > 0 ? opts.bias : 1;
  const trailingNewline = text.endsWith("\n");
  const lines = (trailingNewline ? text.slice(0, -1) : text).split("\n");
  const blocks = splitBlocks(lines);
  const units = toUnits(lines, blocks);
  if (units.length < 2) return undefined;
  const scores = scoreUnits(units, opts.query);
  // Exact tokens of the question (`maxRedirects`, `0o755`, `PEP 8`) found verbatim weigh on top of BM25.
  const terms = queryTerms(opts.query);
  if (terms.exact.length) {
    const rel = relevance({ exact: terms.exact, words: [] }, units.map((u) => u.text), { exactWeight: 1 });
    if (rel.active) units.forEach((_, i) => (scores[i]! += rel.score(i) * EXACT_WEIGHT));
  }
  const costs = units.map((u) => count(u.text));
  const sh = units.map((u) => shingles(u.text));
  const total = o.inputTokens ?? count(text);
  // The shared size-aware curve with the prose parameters (see PROSE_BUDGET), or `targetRatio` when given.
  const share = opts.targetRatio !== undefined ? opts.targetRatio / bias : keepShare(total, { bias, ...PROSE_CURVE });
  const target = Math.max(o.minTokens, total * share);

  let fixed = 40; // closing marker
  for (const b of blocks) if (b.kind === "heading") fixed += count(lines.slice(b.start, b.end).join("\n")) + 1;
  const order = units.map((_, i) => i).sort((a, b) => scores[b]! / Math.sqrt(costs[b]! + 1) - scores[a]! / Math.sqrt(costs[a]! + 1) || a - b);
  // Minimum share per section: facts are spread across a document, and a question usually names the
  // sections it is about. Every section first gets its best unit (up to three when its heading matches
  // the query), as long as that unit is not a large share of the budget; the rest goes by global rank.
  const hrel = headingRelevance(units, opts.query).map((h) => Math.min(3, h));
  // The per-section pass may take at most this share of the budget: a document of a hundred tiny
  // sections (an appendix of usage examples) must not spend the budget on one unit of each.
  let firstLeft = target * FIRST_PASS_SHARE;
  const perSection = new Map<number, number>();
  const first: number[] = [];
  const rest: number[] = [];
  for (const i of order) {
    const u = units[i]!;
    const n = perSection.get(u.section) ?? 0;
    const quota = hrel[i]! > 0 ? 1 + hrel[i]! : 1;
    if (n < quota && costs[i]! <= target * 0.06 && costs[i]! <= firstLeft) {
      firstLeft -= costs[i]!;
      perSection.set(u.section, n + 1);
      first.push(i);
    } else rest.push(i);
  }
  const ranked = [...first, ...rest];

  // A unit ending in a colon announces what follows ("…the following scheme::", "…four macros:"):
  // kept without it, it would point at nothing. So it brings the next unit along, or, when a list
  // follows, the first sentence of each item (the list's skeleton) up to a small share of the budget.
  const followers = units.map((u, i): number[] => {
    const n = units[i + 1];
    if (!n || n.section !== u.section || !/:\s*$/.test(u.text)) return [];
    if (n.kind !== "item") return [i + 1];
    const out: number[] = [];
    for (let k = i + 1; k < units.length && units[k]!.kind === "item" && units[k]!.section === u.section; k++) if (units[k]!.index === 0) out.push(k);
    return out;
  });
  const followerShare = Math.max(60, target * 0.06);

  const select = (budget: number): boolean[] => {
    const kept = new Array<boolean>(units.length).fill(false);
    const keptList: number[] = [];
    const exact = new Set<string>();
    let used = fixed;
    const tryKeep = (i: number): boolean => {
      if (kept[i]) return false;
      const c = costs[i]! + 2;
      if (used + c > budget) return false;
      const norm = units[i]!.text.trim().replace(/\s+/g, " ");
      if (exact.has(norm)) return false;
      // Near-duplicates: compared with the most recent kept units only, to stay linear on huge inputs.
      for (let k = keptList.length - 1, n = 0; k >= 0 && n < 200; k--, n++) if (jaccard(sh[i]!, sh[keptList[k]!]!) >= o.duplicateThreshold) return false;
      kept[i] = true;
      keptList.push(i);
      exact.add(norm);
      used += c;
      return true;
    };
    for (const i of ranked) {
      if (!tryKeep(i)) continue;
      let spent = 0;
      for (const f of followers[i]!) {
        if (spent + costs[f]! > followerShare) break;
        if (tryKeep(f)) spent += costs[f]!;
      }
    }
    return kept;
  };

  let budget = target;
  let best: ProseCompression | undefined;
  for (let round = 0; round < 3; round++) {
    const r = render(text, lines, blocks, units, select(budget), costs, o.sectionMarkerTokens, trailingNewline);
    const got = count(r.text);
    if (!best || got <= target * 1.03) best = r;
    if (got <= target * 1.03) break;
    budget -= got - target;
    if (budget <= fixed) break;
  }
  return best;
}

function render(
  text: string,
  lines: string[],
  blocks: Block[],
  units: Unit[],
  kept: boolean[],
  costs: number[],
  sectionMarkerTokens: number,
  trailingNewline: boolean,
): ProseCompression {
  const originals = createOriginals();
  const byBlock = new Map<number, number[]>();
  units.forEach((u, i) => {
    const l = byBlock.get(u.block);
    if (l) l.push(i);
    else byBlock.set(u.block, [i]);
  });
  const out: string[] = [];
  let blankPending = false;
  let gapPending = false;
  let sectionStart = 0; // line where the current section starts
  let sectionTitle = "";
  let sectionOmitted = 0;
  let sectionUnits = 0;
  let sectionDropped = 0;
  const emit = (s: string) => {
    if (blankPending && out.length && out[out.length - 1] !== "") out.push("");
    blankPending = false;
    out.push(s);
  };
  const closeSection = (end: number) => {
    if (gapPending) emit(GAP);
    gapPending = false;
    if (sectionOmitted >= sectionMarkerTokens) {
      const key = originals.stash(lines.slice(sectionStart, end).join("\n"), { kind: "prose", section: sectionTitle });
      const where = sectionTitle ? ` of "${sectionTitle.slice(0, 60)}"` : "";
      blankPending = true;
      emit(marker(`${sectionDropped} of ${sectionUnits} sentences/blocks${where} omitted`, key));
      blankPending = true;
    }
    sectionOmitted = sectionUnits = sectionDropped = 0;
  };
  blocks.forEach((b, bi) => {
    if (b.kind === "blank") {
      blankPending = true;
      return;
    }
    if (b.kind === "heading") {
      closeSection(b.start);
      sectionStart = b.start;
      sectionTitle = lines
        .slice(b.start, b.end)
        .map((l) => l.replace(/\r$/, ""))
        .find((l) => /[A-Za-z0-9]/.test(l))!
        ?.replace(/^\s*(?:#+|\.S[HS])\s*/, "")
        .replace(/\s*#+\s*$/, "")
        .trim() ?? "";
      for (let l = b.start; l < b.end; l++) emit(lines[l]!);
      return;
    }
    const us = byBlock.get(bi) ?? [];
    sectionUnits += us.length;
    const keptHere = us.filter((i) => kept[i]);
    for (const i of us)
      if (!kept[i]) {
        sectionOmitted += costs[i]!;
        sectionDropped++;
      }
    if (!keptHere.length) {
      gapPending = true;
      return;
    }
    if (gapPending) emit(GAP);
    gapPending = false;
    if (b.kind === "code" && units[us[0]!]!.line !== undefined) {
      emit(codeLines(lines, b, us.map((i) => units[i]!), kept, us));
      return;
    }
    if (b.kind !== "para" && b.kind !== "item") {
      emit(lines.slice(b.start, b.end).join("\n"));
      return;
    }
    let s = "";
    let dropping = false;
    for (const i of us) {
      if (kept[i]) {
        if (dropping) s += GAP + " ";
        s += units[i]!.text;
        dropping = false;
      } else dropping = true;
    }
    if (dropping) s = s.replace(/\s*$/, " ") + GAP;
    emit(s.replace(/[ \t]+$/, ""));
  });
  closeSection(lines.length);
  const keptUnits = kept.filter(Boolean).length;
  const key = originals.stash(text, { kind: "prose", whole: true });
  blankPending = true;
  emit(marker(`prose: ${keptUnits} of ${units.length} sentences/blocks kept, ${GAP} marks omissions`, key));
  return { text: out.join("\n") + (trailingNewline ? "\n" : ""), originals: originals.list(), keptUnits, totalUnits: units.length };
}

/** A long code block with only its kept lines: fences stay, each run of dropped lines becomes `[…]`. */
function codeLines(lines: string[], b: Block, us: Unit[], kept: boolean[], ids: number[]): string {
  const [from, to] = codeInner(lines, b);
  const keptLine = new Set<number>();
  us.forEach((u, k) => kept[ids[k]!] && keptLine.add(u.line!));
  const out: string[] = [];
  for (let l = b.start; l < from; l++) out.push(lines[l]!);
  let gap = false;
  for (let l = from; l < to; l++) {
    if (keptLine.has(l)) {
      if (gap) out.push(GAP);
      gap = false;
      out.push(lines[l]!);
    } else if (lines[l]!.trim()) gap = true;
  }
  if (gap) out.push(GAP);
  for (let l = to; l < b.end; l++) out.push(lines[l]!);
  return out.join("\n");
}

/**
 * Lossless clean-up for when nothing may be dropped: trailing spaces (outside code fences, and except
 * markdown's two-space hard break) and runs of more than one blank line. Returns the input when nothing
 * changes.
 */
export function tidyProse(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let fence: string | undefined;
  let blanks = 0;
  for (const raw of lines) {
    const cr = raw.endsWith("\r") ? "\r" : "";
    const l = cr ? raw.slice(0, -1) : raw;
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (fence) {
      out.push(raw);
      if (f && l.trimStart().startsWith(fence)) fence = undefined;
      continue;
    }
    if (f) fence = f[1];
    if (l.trim() === "") {
      blanks++;
      if (blanks > 1) continue;
      out.push(cr);
      continue;
    }
    blanks = 0;
    const hard = / {2}$/.test(l) && !/\S {3,}$/.test(l) ? "  " : "";
    out.push(l.replace(/[ \t]+$/, "") + hard + cr);
  }
  return out.join("\n");
}
