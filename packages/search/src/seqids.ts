/**
 * Ids for integer sequences by content: equal sequences get equal ids, numbered in order of first
 * appearance (as a `Map` from their string form to its `size` would number them). A sequence is given in
 * a scratch buffer and copied only the first time it is seen, so that the features of a line (its
 * shape, its word-and-number key) get their ids without building a string per line and hashing it.
 */
export class SeqIds {
  // Small to start with (one is made per input, most inputs have a few hundred lines); both grow.
  /** Open addressing: id + 1 per slot, 0 for an empty slot; at most half full. */
  private slots = new Int32Array(1 << 6);
  /** Every distinct sequence, one after the other; `starts[id]`, `ends[id]` bound the one with that id. */
  private store = new Int32Array(1 << 9);
  private used = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private hashes: number[] = [];
  /** True when the last `idOf` saw its sequence for the first time. */
  fresh = false;

  /** Number of distinct sequences seen. */
  get size(): number {
    return this.starts.length;
  }

  /** The id of `seq[0 .. len)`; sets `fresh`. */
  idOf(seq: Int32Array, len: number): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i < len; i++) hash = Math.imul(hash ^ seq[i]!, 0x01000193);
    hash ^= len;
    const mask = this.slots.length - 1;
    let s = (hash ^ (hash >>> 15)) & mask;
    for (let e = this.slots[s]!; e !== 0; e = this.slots[s]!) {
      if (this.hashes[e - 1] === hash && this.equals(e - 1, seq, len)) {
        this.fresh = false;
        return e - 1;
      }
      s = (s + 1) & mask;
    }
    const id = this.starts.length;
    if (this.used + len > this.store.length) {
      const bigger = new Int32Array(Math.max(this.store.length * 2, this.used + len));
      bigger.set(this.store.subarray(0, this.used));
      this.store = bigger;
    }
    this.store.set(seq.subarray(0, len), this.used);
    this.starts.push(this.used);
    this.used += len;
    this.ends.push(this.used);
    this.hashes.push(hash);
    this.slots[s] = id + 1;
    if (this.starts.length * 2 >= this.slots.length) this.grow();
    this.fresh = true;
    return id;
  }

  private equals(id: number, seq: Int32Array, len: number): boolean {
    const start = this.starts[id]!;
    if (this.ends[id]! - start !== len) return false;
    const store = this.store;
    for (let i = 0; i < len; i++) if (store[start + i] !== seq[i]) return false;
    return true;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      const hash = this.hashes[id]!;
      let s = (hash ^ (hash >>> 15)) & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = id + 1;
    }
  }
}
