/** Kept line numbers of one file and the blocks they form: the greedy asks for them on every pop. */

/**
 * The kept line numbers of one file, sorted, and the blocks they form (runs whose neighbours are at most
 * `gap` lines apart). Merging two blocks (a line kept between them) lowers the count: values of far lines
 * rise then, and such an entry is only undervalued until it is popped and valued afresh.
 */
export class KeptBlocks {
  private readonly lines: number[] = [];
  private gaps = 0;
  constructor(private readonly gap: number) {}

  /** Number of blocks. */
  get count(): number {
    return this.lines.length ? this.gaps + 1 : 0;
  }

  /** True when a kept line is at most `gap` lines from `n`. */
  near(n: number): boolean {
    const i = this.at(n);
    const a = this.below(i);
    const b = this.lines[i];
    return (a !== undefined && n - a <= this.gap) || (b !== undefined && b - n <= this.gap);
  }

  add(n: number): void {
    const i = this.at(n);
    const a = this.below(i);
    const b = this.lines[i];
    if (a !== undefined && b !== undefined && b - a > this.gap) this.gaps--;
    if (a !== undefined && n - a > this.gap) this.gaps++;
    if (b !== undefined && b - n > this.gap) this.gaps++;
    this.lines.splice(i, 0, n);
  }

  /**
   * The kept line before index `i`, if any. Reading `lines[-1]` would give `undefined` too, but a
   * negative index is a named-property lookup in V8, far slower than an element read.
   */
  private below(i: number): number | undefined {
    return i > 0 ? this.lines[i - 1] : undefined;
  }

  /** Index of the first kept line ≥ `n` (binary search). */
  private at(n: number): number {
    let lo = 0;
    let hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
