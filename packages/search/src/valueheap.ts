/**
 * A binary heap of greedy candidates, highest value first, then input order: the toolkit's `Heap` with
 * this one order written in, step for step the same sifts (so the same candidate surfaces first, copies
 * of one line included), without a call through a comparator on every comparison of every pop.
 */
export interface Valued {
  value: number;
  /** Input position: ties go to the earlier line. */
  index: number;
}

/** Order: higher value first, then input order (deterministic ties). */
export function before(a: Valued, b: Valued): number {
  return b.value - a.value || a.index - b.index;
}

/** `before(x, y) < 0`, written in. */
function first(x: Valued, y: Valued): boolean {
  return (y.value - x.value || x.index - y.index) < 0;
}

export class ValueHeap<T extends Valued> {
  private readonly a: T[];

  /** A heap of `items` (copied; any order). */
  constructor(items: readonly T[]) {
    this.a = items.slice();
    for (let i = (this.a.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.a.length;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!first(a[i]!, a[p]!)) break;
      const t = a[i]!;
      a[i] = a[p]!;
      a[p] = t;
      i = p;
    }
  }

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
    const n = a.length;
    for (let i = start; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && first(a[l]!, a[m]!)) m = l;
      if (r < n && first(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      const t = a[i]!;
      a[i] = a[m]!;
      a[m] = t;
      i = m;
    }
  }
}
