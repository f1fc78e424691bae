/**
 * The pipeline's aggressiveness (`bias`): 1 is the default, above 1 keeps less, below 1 keeps more.
 * One rule for every compressor: anything that is not a finite positive number means the default.
 */

/** `bias` when it is a finite number above 0, else 1. */
export function normalizeBias(bias: number | undefined | null): number {
  return typeof bias === "number" && Number.isFinite(bias) && bias > 0 ? bias : 1;
}

/**
 * Product of several aggressiveness settings (a compressor's own option and the pipeline's), each
 * normalised first: an invalid one counts as 1 instead of spoiling the others.
 */
export function combineBias(...biases: readonly (number | undefined | null)[]): number {
  let b = 1;
  for (const x of biases) b *= normalizeBias(x);
  return normalizeBias(b);
}

/**
 * A count that shrinks as the bias grows (`base / bias`, rounded), never below `min`: context lines,
 * lines per error template, minimum body lines.
 */
export function scaleByBias(base: number, bias: number | undefined, min = 0): number {
  return Math.max(min, Math.round(base / normalizeBias(bias)));
}
