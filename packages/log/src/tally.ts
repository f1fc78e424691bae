/**
 * Counts of distinct string values, for the outlier passes that count every slot and column of a log.
 * Most of those hold a handful of values (a level, a status, a host): while the values are few they are
 * kept in a short list and compared in place (no substring cut, no hashing); past that, a map.
 */
const SHORT = 8;

export class Tally {
  private readonly keys: string[] = [];
  private readonly counts: number[] = [];
  private map: Map<string, number> | undefined;

  /** Distinct values counted. */
  get size(): number {
    return this.map ? this.map.size : this.keys.length;
  }

  /** Counts `line.slice(from, to)`, `times` times. */
  addAt(line: string, from: number, to: number, times = 1): void {
    if (!this.map) {
      const k = this.find(line, from, to);
      if (k >= 0) {
        this.counts[k]! += times;
        return;
      }
      if (this.keys.length < SHORT) {
        this.keys.push(line.slice(from, to));
        this.counts.push(times);
        return;
      }
      this.map = new Map(this.keys.map((key, i) => [key, this.counts[i]!]));
    }
    const v = line.slice(from, to);
    this.map.set(v, (this.map.get(v) ?? 0) + times);
  }

  add(v: string): void {
    this.addAt(v, 0, v.length);
  }

  /** How often `line.slice(from, to)` was counted (0 if never). */
  getAt(line: string, from: number, to: number): number {
    if (this.map) return this.map.get(line.slice(from, to)) ?? 0;
    const k = this.find(line, from, to);
    return k >= 0 ? this.counts[k]! : 0;
  }

  get(v: string): number {
    return this.getAt(v, 0, v.length);
  }

  /** True when some value was counted at most `n` times. */
  anyAtMost(n: number): boolean {
    if (this.map) {
      for (const c of this.map.values()) if (c <= n) return true;
      return false;
    }
    return this.counts.some((c) => c <= n);
  }

  private find(line: string, from: number, to: number): number {
    const len = to - from;
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k]!;
      if (key.length === len && sameAt(line, from, key)) return k;
    }
    return -1;
  }
}

/** `line.startsWith(key, from)`, by code units: inlined, faster than the builtin on short keys. */
function sameAt(line: string, from: number, key: string): boolean {
  if (key.length > 32) return line.startsWith(key, from);
  for (let i = key.length - 1; i >= 0; i--) if (line.charCodeAt(from + i) !== key.charCodeAt(i)) return false;
  return true;
}
