/**
 * A small binary heap and a top-k selection, ordered by a caller's `before(x, y)` (negative when `x`
 * comes first). With a total order (break score ties by input position) the results are deterministic.
 */

/** Binary min-heap by `before`: `pop()` returns the item that comes first. */
export class Heap<T> {
  private readonly a: T[];

  /** A heap of `items` (copied; any order) ordered by `before`. */
  constructor(
    private readonly before: (x: T, y: T) => number,
    items: Iterable<T> = [],
  ) {
    this.a = [...items];
    for (let i = (this.a.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Number of items. */
  get size(): number {
    return this.a.length;
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.a[0];
  }

  /** Adds an item. */
  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.before(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  /** Removes and returns the first item (undefined when empty). */
  pop(): T | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(start: number): void {
    const a = this.a;
    for (let i = start; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.before(a[l]!, a[m]!) < 0) m = l;
      if (r < a.length && this.before(a[r]!, a[m]!) < 0) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

/**
 * The `k` first items of `items` by `before`, in that order, in O(n log k). Equal items keep input
 * order only if `before` says so (compare positions to break ties).
 */
export function topK<T>(items: Iterable<T>, k: number, before: (x: T, y: T) => number): T[] {
  if (!(k >= 1)) return [];
  // Keep the k best in a heap whose top is the worst of them, so each newcomer is one comparison.
  const worstFirst = new Heap<T>((x, y) => before(y, x));
  for (const x of items) {
    if (worstFirst.size < k) worstFirst.push(x);
    else if (before(x, worstFirst.peek()!) < 0) {
      worstFirst.pop();
      worstFirst.push(x);
    }
  }
  const out: T[] = [];
  for (let x = worstFirst.pop(); x !== undefined; x = worstFirst.pop()) out.push(x);
  return out.reverse();
}
