/**
 * The size-aware budget: what share of a unit's compressible words to keep. Small texts keep nearly
 * everything (dropping words from a 150-token answer saves little and costs meaning); large ones go
 * down towards LLMLingua-2's usual rate of about a third. No fixed target ratio.
 *
 *   keep(t) = clamp((T0 / t) ^ ALPHA, FLOOR, 1) / bias      with T0 = 250, ALPHA = 0.35, FLOOR = 0.33
 *
 * t = 250 → 100 %, 1,000 → 62 %, 4,000 → 38 %, ≥ 6,000 → 33 %. `bias > 1` keeps less, `< 1` more.
 * (When `@headroom/text` ships the shared curve, this function is the one place to switch.)
 */
export const BUDGET = { t0: 250, alpha: 0.35, floor: 0.33, min: 0.15 } as const;

/** Share (0..1] of compressible words to keep for a unit of `tokens` tokens. */
export function keepRatio(tokens: number, bias = 1): number {
  const b = Number.isFinite(bias) && bias > 0 ? bias : 1;
  if (!(tokens > BUDGET.t0)) return Math.min(1, 1 / b);
  const base = Math.max(BUDGET.floor, Math.min(1, Math.pow(BUDGET.t0 / tokens, BUDGET.alpha)));
  return Math.max(BUDGET.min, Math.min(1, base / b));
}
