/**
 * Set likeness for near-duplicate tests: word n-gram shingles of a token list and the Jaccard index of
 * two sets. Callers choose the tokens (plain words, stemmed words, a line's identifiers); these functions
 * only compare.
 */

/**
 * Word n-grams (`n` consecutive tokens joined by a space) of `tokens`, default 3-grams. A list shorter
 * than `n` but not empty is one shingle of all its tokens, so short texts still compare equal to
 * themselves.
 */
export function shingles(tokens: readonly string[], n = 3): Set<string> {
  const out = new Set<string>();
  const k = Math.max(1, Math.floor(n));
  if (tokens.length < k) {
    if (tokens.length) out.add(tokens.join(" "));
    return out;
  }
  for (let i = 0; i + k <= tokens.length; i++) out.add(tokens.slice(i, i + k).join(" "));
  return out;
}

/** Jaccard index |a ∩ b| / |a ∪ b| of two sets; 0 when either is empty. */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (!a.size || !b.size) return 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (big.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Share of `a`'s members that are also in `b` (1 when `a` is empty: nothing of it is missing). */
export function containment<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (!a.size) return 1;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / a.size;
}
