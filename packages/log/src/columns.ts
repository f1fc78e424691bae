/**
 * Outliers of delimited logs: a rare value in a column of few values (the one POST among GETs), for
 * logs whose record heads split into the same fields (TSV, W3C/IIS space-separated).
 */
import { WILDCARD } from "./drain.js";
import type { LogRecord } from "./records.js";
import { Tally } from "./tally.js";

/**
 * Where record heads are in the text they were cut from: `heads[i]` is `text.slice(at[i], at[i] +
 * heads[i].length)`. `tokenized` (from analyzeLogWithHeads) marks the records whose values are their head's
 * white-space tokens at their template's wildcards.
 */
export interface HeadSource {
  text: string;
  at: ArrayLike<number>;
  tokenized?: Uint8Array;
}

/**
 * Outliers of delimited logs (TSV such as Zeek, W3C/IIS space-separated fields): when nearly every record
 * head splits into the same number (≥ 5) of fields, a field is a column across all templates, and a
 * record whose value is rare (≤ 2) in a column of few distinct values stands out — the one POST among
 * GETs, the one 404 among 200s. With `source`, values are read from the text the heads are cut from
 * (faster: a flat string, not a slice of one), and a head that is its tokens joined by single spaces is
 * not scanned: its fields are its tokens, and those at constant positions of its template are counted
 * once per template.
 */
export function columnOutliers(records: readonly LogRecord[], heads: readonly string[], source?: HeadSource): Set<number> {
  const out = new Set<number>();
  const shape = shapes();
  const spaced = source?.tokenized ? spacedHeads(records, heads, source.text, source.at, source.tokenized, shape) : undefined;
  for (const sep of ["\t", " "]) {
    // Field counts without splitting (most logs have no tab at all), then the fields of the rows of the
    // winning width as boundaries (others: -1): values are compared in place (see Tally), not split off.
    const widths = new Int32Array(records.length);
    const width = new Map<number, number>();
    for (let i = 0; i < records.length; i++) {
      // A spaced head has no tab, and one field per token.
      const f = spaced && spaced[i]! >= 0 ? (sep === " " ? spaced[i]! : 1) : fieldCount(heads[records[i]!.index]!, sep);
      widths[i] = f;
      width.set(f, (width.get(f) ?? 0) + 1);
    }
    let w = 0;
    let n = 0;
    for (const [k, c] of width) if (c > n || (c === n && k < w)) [w, n] = [k, c];
    if (w < 5 || n < 20 || n < records.length * 0.9) continue;
    const bounds = new Int32Array(records.length * (w + 1)).fill(-1);
    for (let i = 0; i < records.length; i++) {
      if (widths[i] !== w) continue;
      const line = heads[records[i]!.index]!;
      const o = i * (w + 1);
      bounds[o] = 0;
      if (spaced && spaced[i]! >= 0) {
        const r = records[i]!;
        const { wild } = shape(r.template);
        for (let c = 1, v = 0, p = 0; c < w; c++) {
          p += (wild[c - 1] ? r.values[v++]![1].length : r.template.tokens[c - 1]!.length) + 1;
          bounds[o + c] = p;
        }
      } else for (let c = 1, p = line.indexOf(sep); c < w; c++, p = line.indexOf(sep, p + 1)) bounds[o + c] = p + 1;
      bounds[o + w] = line.length + 1;
    }
    const { perTemplate, constant } = constantFields(records, widths, w, spaced, shape);
    const few = Math.max(3, n * 0.05);
    for (let c = 0; c < w; c++) {
      const counts = new Tally();
      // (The counts do not depend on the order values are added in; a column with too many values is
      // skipped, and the values counted before it stops are some of its values.)
      let rest = n; // rows of the winning width whose value at c is not a template's constant
      for (const { template: t, n: k } of perTemplate.values()) {
        if (!constant[t.id * w + c]) continue;
        counts.addAt(t.tokens[c]!, 0, t.tokens[c]!.length, k);
        rest -= k;
      }
      // A column of many values is skipped: counting stops as soon as it has too many.
      for (let i = 0; rest > 0 && i < records.length && counts.size <= few; i++) {
        const o = i * (w + 1) + c;
        if (bounds[o - c] !== 0) continue;
        const r = records[i]!;
        if (spaced && spaced[i]! >= 0 && constant[r.template.id * w + c]) continue;
        const at = source ? source.at[r.index]! : 0;
        counts.addAt(source ? source.text : heads[r.index]!, at + bounds[o]!, at + bounds[o + 1]! - 1);
      }
      if (counts.size < 2 || counts.size > few || !counts.anyAtMost(2)) continue;
      for (let i = 0; i < records.length; i++) {
        const o = i * (w + 1) + c;
        if (bounds[o - c] !== 0) continue;
        const at = source ? source.at[records[i]!.index]! : 0;
        if (counts.getAt(source ? source.text : heads[records[i]!.index]!, at + bounds[o]!, at + bounds[o + 1]! - 1) <= 2) out.add(records[i]!.index);
      }
    }
    return out;
  }
  return out;
}

/**
 * Spaced heads of width `w`, by template id (with their count), and `constant[id * w + c]`: 1 where the
 * template has a constant at c — the field every such head holds there, counted once per template.
 */
function constantFields(records: readonly LogRecord[], widths: Int32Array, w: number, spaced: Int32Array | undefined, shape: (t: LogRecord["template"]) => Shape) {
  const perTemplate = new Map<number, { template: LogRecord["template"]; n: number }>();
  let ids = 0;
  if (spaced) {
    for (let i = 0; i < records.length; i++) {
      if (spaced[i]! < 0 || widths[i] !== w) continue;
      const t = records[i]!.template;
      const e = perTemplate.get(t.id);
      if (e) e.n++;
      else perTemplate.set(t.id, { template: t, n: 1 });
      ids = Math.max(ids, t.id + 1);
    }
  }
  const constant = new Uint8Array(ids * w);
  for (const { template: t } of perTemplate.values()) for (let c = 0; c < w; c++) if (!shape(t).wild[c]) constant[t.id * w + c] = 1;
  return { perTemplate, constant };
}

/** A template's wildcard positions (1) and the length of its constants, found once per template. */
interface Shape {
  wild: Uint8Array;
  constants: number;
}

function shapes(): (t: LogRecord["template"]) => Shape {
  const byId: Shape[] = [];
  return (t) => {
    let s = byId[t.id];
    if (!s) {
      s = { wild: new Uint8Array(t.tokens.length), constants: 0 };
      for (let k = 0; k < t.tokens.length; k++) {
        if (t.tokens[k] === WILDCARD) s.wild[k] = 1;
        else s.constants += t.tokens[k]!.length;
      }
      byId[t.id] = s;
    }
    return s;
  };
}

/**
 * For each record, its token count when its head is exactly its tokens joined by single spaces, else -1.
 * A tokenized record's tokens are its template's constants and, at the wildcards, its values; the head
 * is them joined by single spaces when their lengths plus one per gap make the head's length (then
 * there is no white space at the ends nor more than one between tokens, and no token was cut off) and
 * every gap is a space.
 */
function spacedHeads(records: readonly LogRecord[], heads: readonly string[], text: string, at: ArrayLike<number>, tokenized: Uint8Array, shape: (t: LogRecord["template"]) => Shape): Int32Array {
  const out = new Int32Array(records.length).fill(-1);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const t = r.template.tokens;
    if (!tokenized[r.index] || !t.length) continue;
    const { wild, constants } = shape(r.template);
    let len = constants + t.length - 1;
    for (const [, v] of r.values) len += v.length;
    if (len !== heads[r.index]!.length) continue;
    let ok = true;
    for (let k = 0, v = 0, p = at[r.index]!; k < t.length - 1 && ok; k++) {
      p += wild[k] ? r.values[v++]![1].length : t[k]!.length;
      ok = text.charCodeAt(p++) === 32;
    }
    if (ok) out[i] = t.length;
  }
  return out;
}

/** `line.split(sep).length`, without the split. */
function fieldCount(line: string, sep: string): number {
  let n = 1;
  for (let i = line.indexOf(sep); i !== -1; i = line.indexOf(sep, i + 1)) n++;
  return n;
}
