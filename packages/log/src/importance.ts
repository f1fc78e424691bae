/**
 * Importance signals beyond severity, each a pure function of the analysed log: state changes and
 * successes, outliers among a template's values (a rare value in a low-cardinality slot, the extremes of
 * a numeric slot), and gaps in time. They pick records that a question is likely to be about even when
 * they are ordinary INFO lines.
 */
import { isSpaceCode } from "@headroom/text";
import { stripCr, type LogRecord } from "./records.js";
import { Tally } from "./tally.js";

// Words that say a component changed state or an operation concluded (either way).
const STATE =
  /\b(?:start(?:ed|ing)?|stop(?:ped|ping)?|shut(?:ting)? ?down|shutdown|restart(?:ed|ing)?|boot(?:ed|ing)?|init(?:ialized|ializing)|ready|listening|connected|disconnected|reconnect(?:ed|ing)?|established|terminated|exit(?:ed|ing)?|killed|elected|leader|follower|promot(?:ed|ing)|demot(?:ed|ing)|fail(?:ed)? ?over|reset|rollback|rolled back|commit(?:ted)?|accepted|rejected|granted|revoked|succeeded|success(?:ful(?:ly)?)?|completed?|finished|done|passed|skip(?:ped|ping)?|created|deleted|removed|opened|closed|mounted|unmounted|enabled|disabled|registered|deregistered|loaded|unloaded|changed|transition(?:ed)?|state)\b/i;

/** True for a line that reports a state change or a concluded operation (kept as first/last of its kind). */
export function isStateLine(line: string): boolean {
  return STATE.test(line.length > 400 ? line.slice(0, 400) : line);
}

/**
 * Records whose value in some slot is an outlier of their template: a value seen at most twice in a slot
 * that takes few distinct values (a 404 among 200s, a win32 status 64 among 0s), or the largest/smallest
 * number of a numeric slot (the slowest request, the biggest response). Only templates with enough
 * records for "outlier" to mean something are looked at.
 */
export function outlierRecords(records: readonly LogRecord[], minCount = 8): Set<number> {
  const out = new Set<number>();
  const byTemplate = new Map<number, LogRecord[]>();
  for (const r of records) {
    if (r.template.count < minCount) continue;
    let list = byTemplate.get(r.template.id);
    if (!list) {
      list = [];
      byTemplate.set(r.template.id, list);
    }
    list.push(r);
  }
  for (const list of byTemplate.values()) {
    const slots = list[0]!.values.length;
    const few = Math.max(3, list.length * 0.05);
    const many = list.length * 0.2;
    const enough = Math.max(few, many);
    for (let s = 0; s < slots; s++) {
      const counts = new Tally();
      let missing = false;
      // Past both thresholds the exact count of distinct values no longer matters (not few, and numeric
      // extremes are looked for): counting stops there, which spares unique slots (ids, times) most of it.
      for (let i = 0; i < list.length && counts.size <= enough; i++) {
        const v = list[i]!.values[s]?.[1];
        if (v !== undefined) counts.add(v);
        else missing = true;
      }
      const distinct = counts.size;
      if (distinct > 1 && distinct <= few && (missing || counts.anyAtMost(2))) {
        for (const r of list) if (counts.get(r.values[s]?.[1] ?? "") <= 2) out.add(r.index);
      }
      if (distinct > many) numericExtremes(list, s, out);
    }
  }
  return out;
}

/** A plain decimal number (what a numeric slot holds); tested by `isNumber`. */
export const NUMBER = /^-?\d+(?:\.\d+)?$/;

function numericExtremes(list: readonly LogRecord[], slot: number, out: Set<number>): void {
  let max: LogRecord | undefined;
  let maxV = -Infinity;
  let numeric = 0;
  let other = 0;
  // `Number(value)` of each NUMBER-shaped value, NaN for the others (no NUMBER-shaped value gives NaN):
  // the median below reuses them.
  const xs = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    const v = r.values[slot]?.[1] ?? "";
    if (!isNumber(v)) {
      xs[i] = Number.NaN;
      // Too few numbers left to reach the share below: the slot is not numeric (timestamps, names).
      if (list.length - ++other < list.length * 0.9) return;
      continue;
    }
    numeric++;
    const x = Number(v);
    xs[i] = x;
    if (x > maxV) {
      maxV = x;
      max = r;
    }
  }
  // Ids and timestamps are numeric too, but they climb steadily; an extreme means something only when
  // it stands out from the bulk of the values.
  if (max && numeric >= list.length * 0.9 && standsOut(list, slot, maxV, xs)) out.add(max.index);
}

/** `NUMBER.test(v)`, by hand (it runs for every value of a numeric slot). */
export function isNumber(v: string): boolean {
  const n = v.length;
  let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
  const intFrom = i;
  while (i < n && isDigit(v.charCodeAt(i))) i++;
  if (i === intFrom) return false;
  if (i === n) return true;
  if (v.charCodeAt(i) !== 46) return false;
  const fracFrom = ++i;
  while (i < n && isDigit(v.charCodeAt(i))) i++;
  return i > fracFrom && i === n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `parsed[i]`: `Number` of record i's value when NUMBER-shaped, else NaN (then parsed here). Reorders `parsed`. */
function standsOut(list: readonly LogRecord[], slot: number, maxV: number, parsed: Float64Array): boolean {
  if (!(maxV > 0)) return false;
  // The median of every finite `Number(value)` (not only the NUMBER-shaped ones: "" counts as 0),
  // gathered in place at the front of `parsed`, in list order.
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    let x = parsed[i]!;
    if (Number.isNaN(x)) x = Number(list[i]!.values[slot]?.[1]);
    if (Number.isFinite(x)) parsed[n++] = x;
  }
  if (!n) return false;
  // The element a sort would put at n/2, found without sorting them all (-0 and 0 may swap: same sums).
  const median = select(parsed, n, Math.floor(n / 2));
  return maxV >= 3 * Math.max(1e-9, Math.abs(median)) && maxV - median > 1;
}

/** The k-th smallest of `xs[0..n)` (k < n), by quickselect (reorders `xs`; no NaN in it). */
function select(xs: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i++] = xs[j]!;
        xs[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}

/**
 * Seconds since midnight of the first time of day in a line's head, if any: the first `hh:mm:ss` within
 * its 80 first characters that starts the line or follows white space, `T` or `[` (what
 * `/(?:^|[\sT[])(\d{2}):(\d{2}):(\d{2})/` finds; scanned by hand, it runs for every record).
 */
export function timeOfDay(line: string): number | undefined {
  const end = Math.min(line.length, 80) - 8;
  for (let q = line.indexOf(":", 2) - 2; q >= 0 && q <= end; q = line.indexOf(":", q + 3) - 2) {
    if (q > 0) {
      const b = line.charCodeAt(q - 1);
      if (b !== 84 && b !== 91 && !isSpaceCode(b)) continue;
    }
    const h = two(line, q);
    const m = h >= 0 && line.charCodeAt(q + 5) === 58 ? two(line, q + 3) : -1;
    const s = m >= 0 ? two(line, q + 6) : -1;
    if (s >= 0) return h * 3600 + m * 60 + s;
  }
  return undefined;
}

/** The two ASCII digits at `i` as a number, or -1. */
function two(line: string, i: number): number {
  const a = line.charCodeAt(i) - 48;
  const b = line.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Records on either side of the longest gaps in time (at most `limit`, each ≥ 10 minutes and ≥ 10× the
 * median step): a stall, an outage, a restart. Days wrapping at midnight are not gaps.
 */
export function gapRecords(lines: readonly string[], records: readonly LogRecord[], limit = 3): Set<number> {
  const times: Array<[number, number]> = [];
  for (const r of records) {
    const t = timeOfDay(stripCr(lines[r.start]!));
    if (t !== undefined) times.push([r.index, t]);
  }
  const out = new Set<number>();
  if (times.length < 10) return out;
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) steps.push(times[i]![1] - times[i - 1]![1]);
  // (A typed array sorts numerically, without a comparator call per step.)
  const sorted = Float64Array.from(steps.filter((s) => s >= 0)).sort();
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const step = steps[i - 1]!;
    if (step >= 600 && step >= 10 * Math.max(1, median)) gaps.push(i);
  }
  gaps.sort((a, b) => steps[b - 1]! - steps[a - 1]! || a - b);
  for (const i of gaps.slice(0, limit)) {
    out.add(times[i - 1]![0]);
    out.add(times[i]![0]);
  }
  return out;
}

/**
 * Templates whose records after the first cost at most `ratio` × what their `[×N more like …]` summary
 * would (≈ the template text plus its frame): folding them saves almost nothing and hides the value that
 * differs (the second "broker startup callback", for broker 2), so all their records are shown instead.
 */
export function cheapFolds(records: readonly LogRecord[], costs: readonly number[], ratio = 2): Set<number> {
  const rest = new Map<number, number>();
  for (const r of records) if (r.template.first !== r.index) rest.set(r.template.id, (rest.get(r.template.id) ?? 0) + costs[r.index]!);
  const out = new Set<number>();
  for (const r of records) {
    const t = r.template;
    if (t.first !== r.index || t.count < 2) continue;
    if ((rest.get(t.id) ?? 0) <= ratio * summaryEstimate(t.tokens)) out.add(t.id);
  }
  return out;
}

/** Characters a summary of a template costs at least: its text (capped as rendered) and the frame. */
function summaryEstimate(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) n += t.length + 1;
  return 30 + Math.min(160, n);
}

/**
 * State-change records (see `isStateLine`) that are the first or last of their template for some value
 * they carry — per entity, not per template: "Starting election for [orders,10]" is a different event
 * from the same line for `[orders,19]`, and a question about one partition or broker needs its own line.
 * `entity` says which values name an entity (not a time or counter). In record order.
 */
export function entityStateRecords(records: readonly LogRecord[], heads: readonly string[], entity: (v: string) => boolean): LogRecord[] {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const r of records) {
    if (r.template.count < 2 || !isStateLine(heads[r.index]!)) continue;
    for (const [k, v] of r.values) {
      if (!entity(v)) continue;
      const key = `${r.template.id}\u0000${k}\u0000${v}`;
      if (!first.has(key)) first.set(key, r.index);
      last.set(key, r.index);
    }
  }
  const picked = new Set<number>([...first.values(), ...last.values()]);
  return records.filter((r) => picked.has(r.index));
}
