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
    const l = c | 32;
    const isLetter = l >= 97 && l <= 122;
    const digit = c >= 48 && c <= 57;
    if (isLetter) letter = true;
    if (numericish && !digit && !NUMERICISH_CODES.has(c)) numericish = false;
    if (hex && i >= from && !digit && !(l >= 97 && l <= 102)) hex = false;
    if (stamp && !digit && !STAMP_CODES.has(c)) stamp = false;
  }
  return letter && !numericish && !(hex && v.length - from >= 6) && !stamp;
}

const NUMERICISH_CODES = new Set([...".:,-/T+[]()"].map((ch) => ch.charCodeAt(0)));
const STAMP_CODES = new Set([...":.,TZ+-"].map((ch) => ch.charCodeAt(0)));

function informativeSlow(v: string): boolean {
  return /\p{L}/u.test(v) && !NUMERICISH.test(v) && !/^(?:0x)?[0-9a-f]{6,}$/i.test(v) && !/^\d[\d:.,TZ+-]*$/.test(v);
}

export interface SlotValues {
  name: string;
  values: Map<string, number>;
}

/** Distinct values per variable slot of each template, most frequent first (ties: first seen). */
export function collectValues(records: LogRecord[], keep: Uint8Array, limit: number): Map<number, SlotValues[]> {
  const by = new Map<number, SlotValues[]>();
  // Per template, the slot of each value position, or null for a position never listed: without named
  // slots, header slots are not (see summaryLine), so their values (timestamps, mostly distinct) are not
  // counted. Records of a template carry the same slots in the same order.
  const at = new Map<number, (SlotValues | null | undefined)[]>();
  for (const r of records) {
    if (r.template.count < 2) continue;
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
