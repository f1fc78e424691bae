/**
 * The one size-aware budget curve every Headroom compressor uses instead of a fixed target ratio.
 *
 * Lossless transforms always run; lossy dropping only starts above `floor` tokens, and the share kept
 * shrinks smoothly as the input grows:
 *
 *     curve(n) = n                                  for n ≤ floor
 *     curve(n) = floor · (n / floor)^(1 − exponent)  above
 *     kept(n)  = min(n, curve(n) / bias)
 *
 * With the defaults (floor 1,000 tokens, exponent 0.6) a 2k-token output keeps 66%, 10k keeps 25%,
 * 50k 10%, 200k 4%: a few-thousand-token output keeps most of itself, a 100k-token log is cut hard.
 * `ceiling` caps the share for kinds that are lossy at any size (search results: 38%).
 * `bias` > 1 keeps less, < 1 keeps more. The curve is a budget, not a target: compressors keep what is
 * mandatory (errors, query matches) even above it, and keep less when there is less worth keeping.
 */
import { normalizeBias } from "./bias.js";

/** Parameters of the budget curve. */
export interface BudgetOptions {
  /** Aggressiveness (the pipeline's `bias`): the budget above the floor is divided by it. Default 1. */
  bias?: number;
  /** Inputs up to this many tokens are kept whole (no lossy dropping). Default 1000. */
  floor?: number;
  /** How fast the kept share falls with size: 0 keeps everything, 1 keeps `floor` tokens. Default 0.6. */
  exponent?: number;
  /**
   * Largest share kept at any size (before `bias`). Default 1. A kind whose every line is a candidate
   * answer and whose outputs are small (search results) caps the curve instead of keeping small outputs
   * whole.
   */
  ceiling?: number;
  /**
   * Smallest share kept above the floor (before `bias`). Default 0. A kind that drops words rather than
   * lines (text-ml) cannot usefully go below a third however large the input.
   */
  minShare?: number;
}

/** Default curve parameters (documented in the README and printed by the bench). */
export const BUDGET_DEFAULTS = { floor: 1000, exponent: 0.6 } as const;

/**
 * Former curve parameters of extractive prose (a 47% ceiling: a fixed ratio below 8k tokens).
 * @deprecated `@headroom/prose` uses its own `PROSE_CURVE` (floor 4000, exponent 0.3, no ceiling).
 */
export const PROSE_BUDGET = { floor: 8000, ceiling: 0.47 } as const;

/** Tokens a lossy compressor may keep of an input of `tokens` tokens. Never more than `tokens`. */
export function keepBudget(tokens: number, o: BudgetOptions = {}): number {
  const n = Number.isFinite(tokens) && tokens > 0 ? tokens : 0;
  const floor = o.floor ?? BUDGET_DEFAULTS.floor;
  const e = Math.min(1, Math.max(0, o.exponent ?? BUDGET_DEFAULTS.exponent));
  const bias = normalizeBias(o.bias);
  const ceiling = o.ceiling !== undefined && o.ceiling > 0 && o.ceiling < 1 ? o.ceiling : 1;
  const min = o.minShare !== undefined && o.minShare > 0 ? Math.min(1, o.minShare) : 0;
  const curve = Math.min(n * ceiling, n <= floor ? n : Math.max(n * min, floor * (n / floor) ** (1 - e)));
  return Math.min(n, curve / bias);
}

/** Share of an input of `tokens` tokens a lossy compressor may keep (1 at and below the floor). */
export function keepShare(tokens: number, o: BudgetOptions = {}): number {
  return tokens > 0 ? keepBudget(tokens, o) / tokens : 1;
}

/** True when an input of this size is worth lossy dropping at all (above the floor at this bias). */
export function aboveFloor(tokens: number, o: BudgetOptions = {}): boolean {
  return keepBudget(tokens, o) < tokens;
}

/** Token estimate from characters (≈4 characters per token) for compressors that have no tokenizer. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Character budget for a text of `chars` characters: the curve applied to its token estimate. */
export function keepChars(chars: number, o: BudgetOptions = {}): number {
  return Math.round(chars * keepShare(estimateTokens(chars), o));
}
