/**
 * What the values of a log's variable slots say: whether a value names something (a word, path, host)
 * rather than a time or a counter, and the values of each template's slots that its summary lists.
 */
import { WILDCARD, type Template } from "./drain.js";
import type { LogRecord } from "./records.js";

/** Values made of digits and separators only (times, dates, numbers, versions). */
export const NUMERICISH = /^[\d.:,\-/T+[\]()]+$/;

/** A value that says what a line is about (a word, path, name), not when or which instance (numbers). */
export function informative(v: string): boolean {
  // It runs for every value of most records: ASCII values are judged in one scan, the rest by the regexes.
  let letter = false;
  let numericish = v.length > 0; // NUMERICISH
  let hex = true; // [0-9a-f] (any case) after an optional 0x
  let stamp = v.length > 0 && v.charCodeAt(0) >= 48 && v.charCodeAt(0) <= 57; // ^\d[\d:.,TZ+-]*$
  const from = v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) | 32) === 120 ? 2 : 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128) return informativeSlow(v);
    const f = CODE_CLASS[c]!;
    if (f & LETTER) letter = true;
    if (!(f & (DIGIT | NUMERICISH_SEP))) numericish = false;
    if (i >= from && !(f & (DIGIT | HEX_LETTER))) hex = false;
    if (!(f & (DIGIT | STAMP_SEP))) stamp = false;
    // Decided: `letter` only turns on and the others only off. (A non-ASCII code unit further on would
    // not change it: informativeSlow agrees once an ASCII letter and a code unit outside each shape are seen.)
    if (letter && !numericish && !hex && !stamp) return true;
  }
  return letter && !numericish && !(hex && v.length - from >= 6) && !stamp;
}

// What each ASCII code unit can be part of, as bits (one table read instead of range tests and set lookups).
const LETTER = 1;
const DIGIT = 2;
const NUMERICISH_SEP = 4; // .:,-/T+[]()
const HEX_LETTER = 8; // a-f, A-F
const STAMP_SEP = 16; // :.,TZ+-
const CODE_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const l = c | 32;
  const ch = String.fromCharCode(c);
  CODE_CLASS[c] =
    (l >= 97 && l <= 122 ? LETTER : 0) |
    (c >= 48 && c <= 57 ? DIGIT : 0) |
    (".:,-/T+[]()".includes(ch) ? NUMERICISH_SEP : 0) |
    (l >= 97 && l <= 102 ? HEX_LETTER : 0) |
    (":.,TZ+-".includes(ch) ? STAMP_SEP : 0);
}

/** `NUMERICISH.test(v)`, by table (summaries test every distinct value of a many-valued slot). */
export function isNumericish(v: string): boolean {
  if (!v.length) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || !(CODE_CLASS[c]! & (DIGIT | NUMERICISH_SEP))) return false;
  }
  return true;
}

function informativeSlow(v: string): boolean {
  return /\p{L}/u.test(v) && !NUMERICISH.test(v) && !/^(?:0x)?[0-9a-f]{6,}$/i.test(v) && !/^\d[\d:.,TZ+-]*$/.test(v);
}

export interface SlotValues {
  name: string;
  values: Map<string, number>;
}

/** Distinct values per variable slot of each template, most frequent first (ties: first seen). */
export function collectValues(records: LogRecord[], keep: Uint8Array, limit: number, kept?: ReadonlyMap<number, number>): Map<number, SlotValues[]> {
  const by = new Map<number, SlotValues[]>();
  // Per template, the slot of each value position, or null for a position never listed: without named
  // slots, header slots are not (see summaryLine), so their values (timestamps, mostly distinct) are not
  // counted. Records of a template carry the same slots in the same order.
  const at = new Map<number, (SlotValues | null | undefined)[]>();
  for (const r of records) {
    // (A template all of whose records are kept (`kept`: kept records by template id) has no summary.)
    if (r.template.count < 2 || kept?.get(r.template.id) === r.template.count) continue;
    let slots = by.get(r.template.id);
    let pos = at.get(r.template.id);
    if (!slots || !pos) {
      slots = [];
      by.set(r.template.id, slots);
      const named = r.values.some(([name]) => !/^\d+$/.test(name));
      pos = r.values.map(([name]) => (named || !isHeaderSlot(r.template, Number(name)) ? undefined : null));
      at.set(r.template.id, pos);
    }
    for (let j = 0; j < r.values.length; j++) {
      const [name, v] = r.values[j]!;
      let s = pos[j];
      if (s === null) continue;
      if (s?.name !== name) {
        s = slots.find((x) => x.name === name);
        if (!s) {
          s = { name, values: new Map() };
          slots.push(s);
        }
        pos[j] = s;
      }
      // Values of dropped lines are the ones worth listing; kept lines are visible anyway.
      const c = s.values.get(v);
      if (c !== undefined) s.values.set(v, c + 1);
      else if (!keep[r.index]) s.values.set(v, 1);
    }
  }
  void limit;
  return by;
}

/** Wildcards before the first word of the template are line headers (timestamps, pids, hosts). */
export function isHeaderSlot(t: Template, k: number): boolean {
  for (let i = 0; i <= k; i++) if (t.tokens[i] !== WILDCARD && /[\p{L}]/u.test(t.tokens[i]!)) return false;
  return true;
}
