/**
 * Extractive prose compression: keeps the heading skeleton and the highest-value sentences and blocks
 * (by BM25 relevance, salience and position, minus near-duplicates) within the size-aware budget of the
 * shared curve. Omissions are shown as `[…]`; large omitted sections get their own marker, and a
 * closing marker points to the whole original.
 */
import { ccrKey, type StoredOriginal } from "@headroom/core";
import { keepBudget, normalizeBias, queryTerms, relevance } from "@headroom/text";
import { hashIsComment, splitBlocks, type Unit } from "./blocks.js";
import { toUnits } from "./units.js";
import { GAP, render, unitsByBlock, type Rendered, type RenderInput, type RenderStash } from "./render.js";
import { headingRelevance, Lexicon, queryFrequenciesOf, queryTermSet, scoreUnits, type QueryFrequencies, type Words } from "./score.js";
import { announcersOf, followersOf, leadsOf, rankUnits, selectUnits, unitKeys, type SelectionInput } from "./select.js";

export { GAP };

/** Options of the prose compressor. */
export interface ProseOptions {
  /**
   * A fixed share of the input's tokens to keep (divided by `bias`) instead of the size-aware curve.
   * Default: unset, the curve `PROSE_CURVE` decides.
   */
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

/** Per-call inputs of `compressProse` beside the options. */
export interface ProseCall {
  /** The user's question: its terms decide what is kept first. */
  query?: string;
  /** Arguments of the tool call that produced the text (a path, a pattern): exact terms only. */
  toolArgs?: string;
  /** Aggressiveness: the budget above the curve's floor is divided by it. Default 1. */
  bias?: number;
  /** Checked between phases; a throw from `throwIfAborted` ends the call. */
  signal?: { throwIfAborted(): void };
}

/** Result of `compressProse`. */
export interface ProseCompression {
  text: string;
  originals: StoredOriginal[];
  keptUnits: number;
  totalUnits: number;
  /** Tokens of `text`, counted with the caller's `count`. */
  tokens: number;
}

/**
 * Prose's parameters of the shared budget curve: a text of up to 4k tokens keeps everything (only
 * lossless transforms and exact repeats run), then the kept share falls smoothly (10k → 76%, 20k →
 * 62%, 40k → 50%, 1M → 19%). Sentences carry facts densely, so prose is cut more gently than logs.
 * Chosen by margin on the dev text cases: at exponent 0.35 a 20% tighter budget (bias 1.2) lost probe
 * answers (96.9% visible); at 0.3 it keeps 99.0%, at 41.6% token-weighted savings.
 */
export const PROSE_CURVE = { floor: 4000, exponent: 0.3 } as const;

const defaults = { minTokens: 150, sectionMarkerTokens: 600, duplicateThreshold: 0.9 };
/** Weight of verbatim question tokens relative to the unit scores (IDF-scaled). */
const EXACT_WEIGHT = 1;
/** Tokens reserved for the closing marker. */
const CLOSING_MARKER_TOKENS = 40;
/** Output priced within this factor of the target is accepted; above it the budget is tightened once. */
const TARGET_SLACK = 1.05;

/**
 * Compresses prose; undefined when there is nothing to drop (fewer than two units, or a text below the
 * curve's floor without exact repeats). Lossy: store the originals.
 */
export function compressProse(text: string, count: (t: string) => number, opts: ProseOptions & ProseCall = {}): ProseCompression | undefined {
  const o = { ...defaults, ...opts };
  const bias = normalizeBias(opts.bias);
  const trailingNewline = text.endsWith("\n");
  const body = trailingNewline ? text.slice(0, -1) : text;
  const lines = body.split("\n");
  const comments = hashIsComment(lines);
  const blocks = splitBlocks(lines, comments);
  const units = toUnits(lines, blocks, comments, body);
  if (units.length < 2) return undefined;
  opts.signal?.throwIfAborted();
  const total = o.inputTokens ?? count(text);
  // Units are priced from the input's own tokens per character: counting each unit would tokenize the
  // input a second time. Only the final text is counted.
  const perChar = total / Math.max(1, text.length);
  const price = (s: string) => Math.ceil(s.length * perChar);
  const costs = units.map((u) => price(u.text));
  const budget = opts.targetRatio !== undefined ? (total * opts.targetRatio) / bias : keepBudget(total, { bias, ...PROSE_CURVE });
  // Below the floor nothing is dropped for size: only exact repeats of a kept unit go.
  const whole = budget >= total;
  const target = whole ? Infinity : Math.max(o.minTokens, budget);
  const qs = queryTermSet(opts.query);
  const lexicon = new Lexicon(qs.size ? qs : undefined);
  // Salience facts of each unit, and whether it holds a query term, come with its words (one scan).
  const facts = new Int32Array(units.length);
  const hits = new Uint8Array(units.length);
  const scanned = new Float64Array(units.length);
  const words = units.map((u, i) => {
    const w = lexicon.words(u.text);
    facts[i] = lexicon.facts;
    hits[i] = lexicon.hit ? 1 : 0;
    scanned[i] = lexicon.key;
    return w;
  });
  const headingHits = headingRelevance(units, opts.query, lexicon);
  // Query term frequencies per unit, found once for BM25 and for `askedAbout`.
  const tfs = queryFrequenciesOf(words, lexicon, opts.query, hits);
  const scores = unitScores(units, words, lexicon, headingHits, tfs, facts, opts);
  opts.signal?.throwIfAborted();
  let fixed = CLOSING_MARKER_TOKENS;
  for (const b of blocks) if (b.kind === "heading") fixed += Math.ceil(spanLength(lines, b.start, b.end) * perChar) + 1;
  const followers = followersOf(units);
  const input: SelectionInput = {
    units,
    ranked: rankUnits(units, scores, costs, whole ? total : target, headingHits),
    costs,
    followers,
    announcers: announcersOf(units, followers),
    leads: leadsOf(units, askedAbout(tfs, headingHits, words.length)),
    followerShare: Math.max(60, (whole ? total : target) * 0.06),
    fixed,
    duplicateThreshold: whole ? 2 : o.duplicateThreshold,
  };
  const keys = unitKeys(units, words, lexicon, scanned);
  opts.signal?.throwIfAborted();
  const store = new SectionStore(lines, text);
  const r: RenderInput = { lines, blocks, units, costs, byBlock: unitsByBlock(blocks, units), sectionMarkerTokens: o.sectionMarkerTokens, trailingNewline };
  // Rounds are priced, not counted: only the final text is tokenized (once).
  let limit = target;
  let out: Rendered | undefined;
  for (let round = 0; round < 2; round++) {
    const kept = selectUnits(input, keys, limit);
    if (whole && kept.every(Boolean)) return undefined;
    const next = render(r, kept, store);
    const priced = price(next.text);
    if (!out || priced < price(out.text)) out = next;
    if (whole || priced <= target * TARGET_SLACK) break;
    limit -= priced - target;
    if (limit <= fixed) break;
    opts.signal?.throwIfAborted();
  }
  return { text: out!.text, originals: store.originals(out!.sections), keptUnits: out!.keptUnits, totalUnits: out!.totalUnits, tokens: count(out!.text) };
}

/** Length of `lines[start, end)` joined by `\n` (what `price` would measure, without building it). */
function spanLength(lines: readonly string[], start: number, end: number): number {
  let n = end - start - 1;
  for (let l = start; l < end; l++) n += lines[l]!.length;
  return n;
}

/**
 * CCR keys of the input and its sections, each hashed once however often the budget loop renders; the
 * originals are those the final render points at (its sections, then the whole input).
 */
class SectionStore implements RenderStash {
  private readonly byStart = new Map<number, StoredOriginal>();
  private all: StoredOriginal | undefined;

  constructor(
    private readonly lines: readonly string[],
    private readonly text: string,
  ) {}

  /** Key of the whole input, hashed on first use (not at all when nothing is dropped). */
  get whole(): string {
    return this.wholeOriginal().key;
  }

  private wholeOriginal(): StoredOriginal {
    this.all ??= { key: ccrKey(this.text), content: this.text, meta: { kind: "prose", whole: true } };
    return this.all;
  }

  section(start: number, end: number, title: string): string {
    let s = this.byStart.get(start);
    if (!s) {
      const content = this.lines.slice(start, end).join("\n");
      s = { key: ccrKey(content), content, meta: { kind: "prose", section: title } };
      this.byStart.set(start, s);
    }
    return s.key;
  }

  /** The originals behind the markers of a render with markers for the sections starting at `starts`. */
  originals(starts: readonly number[]): StoredOriginal[] {
    const seen = new Set<string>();
    const out: StoredOriginal[] = [];
    for (const s of [...starts.map((k) => this.byStart.get(k)!), this.wholeOriginal()])
      if (!seen.has(s.key)) {
        seen.add(s.key);
        out.push(s);
      }
    return out;
  }
}

/**
 * Units the question is about: their section's title matches it, or they hold a rare term of it — one
 * found in at most √n of the n units (`guard` in a few sentences of a pattern-matching spec, not
 * `version` all through a versioning spec, which singles nothing out).
 */
function askedAbout(tfs: readonly QueryFrequencies[] | undefined, headingHits: readonly number[], n: number): boolean[] {
  const found = tfs ?? new Array<QueryFrequencies>(n).fill(undefined);
  const df = new Map<string, number>();
  for (const tf of found) for (const t of tf?.keys() ?? []) df.set(t, (df.get(t) ?? 0) + 1);
  const rare = Math.sqrt(n);
  return found.map((tf, i) => headingHits[i]! > 0 || [...(tf?.keys() ?? [])].some((t) => df.get(t)! <= rare));
}

/** Scores of the units: relevance, salience and position, plus the question's exact tokens found verbatim. */
function unitScores(units: readonly Unit[], words: readonly Words[], lexicon: Lexicon, headingHits: readonly number[], tfs: readonly QueryFrequencies[] | undefined, facts: Int32Array, opts: ProseCall): number[] {
  const scores = scoreUnits(units, opts.query, words, lexicon, headingHits, tfs, facts);
  // Exact tokens of the question or tool arguments (`maxRedirects`, `0o755`, `PEP 8`) weigh on top of BM25.
  const terms = queryTerms(opts.query, opts.toolArgs);
  if (terms.exact.length) {
    const rel = relevance({ exact: terms.exact, words: [] }, units.map((u) => u.text), { exactWeight: 1 });
    if (rel.active) for (let i = 0; i < units.length; i++) scores[i]! += rel.score(i) * EXACT_WEIGHT;
  }
  return scores;
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
