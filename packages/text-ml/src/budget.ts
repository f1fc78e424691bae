/**
 * The size-aware budget: what share of a unit's compressible words to keep. Small texts keep nearly
 * everything (dropping words from a 150-token answer saves little and costs meaning); large ones go
 * down towards LLMLingua-2's usual rate of about a third. No fixed target ratio.
 *
 *   keep(t) = clamp((T0 / t) ^ ALPHA, FLOOR, 1) / bias      with T0 = 250, ALPHA = 0.35, FLOOR = 0.33
 *
 * t = 250 → 100 %, 1,000 → 62 %, 4,000 → 38 %, ≥ 6,000 → 33 %. `bias > 1` keeps less, `< 1` more.
 * This is `@headroom/text`'s shared curve (`keepShare`) with floor T0, exponent ALPHA and `minShare`
 * FLOOR; text-ml only adds its last clamp (never under 15 % above T0, whatever the bias).
 */
import { keepShare, normalizeBias } from "@headroom/text";

export const BUDGET = { t0: 250, alpha: 0.35, floor: 0.33, min: 0.15 } as const;

/** Share (0..1] of compressible words to keep for a unit of `tokens` tokens. */
export function keepRatio(tokens: number, bias = 1): number {
  if (!(tokens > BUDGET.t0)) return Math.min(1, 1 / normalizeBias(bias));
  return Math.max(BUDGET.min, keepShare(tokens, { floor: BUDGET.t0, exponent: BUDGET.alpha, minShare: BUDGET.floor, bias }));
}
