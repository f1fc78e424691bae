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
  // No destructured pair: this runs for every pair of lines a selection compares, and the array was garbage.
  const small = a.size < b.size ? a : b;
  const big = small === a ? b : a;
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

/**
 * Word 3-gram shingles of a sequence of term ids (the first `length` of `ids`), as sorted, unique 32-bit
 * hashes: the allocation-free form of {@link shingles} for many units (ids come from the caller's own
 * word table, so each distinct word is split once per input). Fewer than three ids give one shingle of
 * what there is; none gives an empty array.
 */
export function shingleIds(ids: ArrayLike<number>, length = ids.length): Uint32Array {
  const k = Math.min(length, ids.length);
  if (k < 3) return Uint32Array.from(k ? [hash3(ids[0]!, k > 1 ? ids[1]! : 0, 0)] : []);
  const out = new Uint32Array(k - 2);
  for (let i = 0; i + 2 < k; i++) out[i] = hash3(ids[i]!, ids[i + 1]!, ids[i + 2]!);
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i]!;
  return n === out.length ? out : out.slice(0, n);
}

/** Order-sensitive hash of three term ids (a collision only makes two shingles count as one). */
function hash3(a: number, b: number, c: number): number {
  return (Math.imul(Math.imul(a, 0x9e3779b1) + b, 0x85ebca77) + c) >>> 0;
}

/**
 * Near-duplicate search over kept units in linear time: an inverted index from shingle hash to the units
 * holding it, so a candidate is compared (Jaccard of {@link shingleIds} sets) only with kept units that
 * share a shingle, not with every kept unit. Shingles held by more than `postingLimit` kept units are
 * skipped as too common to tell units apart.
 */
export class NearDuplicateIndex {
  private readonly postings = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  private readonly common = new Map<number, number>();

  constructor(private readonly postingLimit = 64) {}

  /** Records unit `key` with its shingles. */
  add(key: number, shingles: Uint32Array): void {
    this.sizes.set(key, shingles.length);
    for (const h of shingles) {
      const list = this.postings.get(h);
      if (list) list.push(key);
      else this.postings.set(h, [key]);
    }
  }

  /** True when some recorded unit's shingles have a Jaccard index ≥ `threshold` with `shingles`. */
  has(shingles: Uint32Array, threshold: number): boolean {
    if (!shingles.length) return false;
    const common = this.common;
    common.clear();
    for (const h of shingles) {
      const list = this.postings.get(h);
      if (!list || list.length > this.postingLimit) continue;
      for (const k of list) common.set(k, (common.get(k) ?? 0) + 1);
    }
    for (const [k, c] of common) if (c / (shingles.length + this.sizes.get(k)! - c) >= threshold) return true;
    return false;
  }
}
