/**
 * Lossy log compression: keep the lines that carry facts (errors with context, warnings, summaries, the
 * first occurrence of every template so rare events survive), and replace the repetitive rest by one
 * summary per template with its count and example values. Kept lines are verbatim; summaries are in
 * square brackets and say what they stand for.
 */
import { WILDCARD, type Template } from "./drain.js";
import { isCauseLine } from "./formats.js";
import { aboveFloor, estimateTokens, keepChars, normalizeBias, queryTerms, relevance, topK } from "@headroom/text";
import { cheapFolds, entityStateRecords, gapRecords, isStateLine, outlierRecords } from "./importance.js";
import { columnOutliers } from "./columns.js";
import { analyzeLogWithHeads, stripCr, type Analysis, type LogRecord } from "./records.js";
import { ditto, recordCosts } from "./costs.js";
import { collectValues, informative, isHeaderSlot, isNumericish, type SlotValues } from "./values.js";

export { ditto, DITTO } from "./costs.js";

/** Tuning knobs of the lossy form. */
export interface LogCompressOptions {
  /** Lines of context kept before and after each kept error record. Default 2. */
  contextLines?: number;
  /** Error records of one template always kept (first ones; the last one is kept too). Default 1. */
  errorsPerTemplate?: number;
  /** Lines kept per stack trace (plus `Caused by` lines and the last line). Default 10. */
  maxTraceLines?: number;
  /** Example values shown per variable slot in a template summary. Default 3. */
  exampleValues?: number;
  /** Aggressiveness: > 1 keeps less, < 1 keeps more (the pipeline's `bias`; scales the budget curve). Default 1. */
  bias?: number;
  /** The user's question: records holding its rare terms are kept first. */
  query?: string;
  /** The tool call's arguments (JSON or text): their exact tokens count like the question's. */
  toolArgs?: string;
  /**
   * Share of the budget curve the prioritised records (question matches, state changes, errors, rarity)
   * get on top of the mandatory ones when those alone already exceed the curve. Default
   * {@link PRIORITY_SHARE}.
   */
  priorityShare?: number;
  /** Checked between phases (the pipeline's `ctx.signal`): a cut-off unit stops here. */
  signal?: { throwIfAborted(): void };
}

/**
 * Default `priorityShare`: the smallest share at which tuning half A of the dev corpus kept every
 * answer; half B and the d2 cases were flat from 1/16 to 1/2 (sweep in the README). Without it, a log
 * whose template heads alone exceed the curve (many distinct long lines) would keep nothing the
 * question asks for.
 */
export const PRIORITY_SHARE = 1 / 8;

/** The lossy rendering and its statistics. */
export interface LossyLog {
  text: string;
  format: string;
  totalLines: number;
  keptLines: number;
  templates: number;
  /** Kept lines that show a long repeated value as the ditto mark `〃`. */
  dittos: number;
  /** Error and warning records left out (they stay in the stored original). */
  omittedErrors: number;
  omittedWarnings: number;
}

/**
 * Builds the lossy form of a log (without the CCR marker, which the caller appends). Returns `null` when
 * nothing would be dropped. The budget is the shared size-aware curve of @headroom/text: a small log
 * keeps nearly everything, a large one is cut hard.
 */
export function compressLogLossy(input: string, o: LogCompressOptions = {}, analysis?: Analysis): LossyLog | null {
  // An analysis of our own also says where the heads are in `input` (a given one may be of another text).
  const own = analysis === undefined ? analyzeLogWithHeads(input) : undefined;
  const a = own ? own.analysis : analysis!;
  const bias = normalizeBias(o.bias);
  const ctxLines = Math.max(0, Math.round((o.contextLines ?? 2) / Math.sqrt(bias)));
  const errorsPer = Math.max(1, Math.round((o.errorsPerTemplate ?? 1) / bias));
  const maxTrace = Math.max(3, o.maxTraceLines ?? 10);
  const nValues = Math.max(1, o.exampleValues ?? 3);
  o.signal?.throwIfAborted();
  const { lines, records, templates } = a;
  // Below the curve's floor nothing is dropped: a small log is read whole.
  if (records.length < 2 || !aboveFloor(estimateTokens(input.length), { bias })) return null;

  const keep = new Uint8Array(records.length);
  const seenPerTemplate = new Map<number, number>();
  // Mandatory: the first record of every template (rare events survive), every summary line, the first
  // and last records, and the first few (plus the last) error records of each error template.
  for (const r of records) {
    const seen = seenPerTemplate.get(r.template.id) ?? 0;
    seenPerTemplate.set(r.template.id, seen + 1);
    if (seen === 0 || r.summary) keep[r.index] = 1;
    if (r.severity === "error" && (seen < errorsPer || r.template.last === r.index)) keep[r.index] = 1;
  }
  keep[0] = 1;
  keep[records.length - 1] = 1;
  // A column value that occurs once or twice where a column holds only a few values (the one POST, the
  // one 404) is the kind of line a question singles out; when such lines are few they are kept always.
  const heads = records.map((r) => stripCr(lines[r.start]!));
  const columnar = columnOutliers(records, heads, own?.heads);
  if (columnar.size <= Math.max(3, records.length * 0.1)) for (const i of columnar) keep[i] = 1;

  const costs = recordCosts(lines, records, heads, maxTrace);
  let used = 0;
  for (const r of records) if (keep[r.index]) used += costs[r.index]!;
  // Summaries cost about one line each plus their values.
  for (const t of templates) if (t.count > 1) used += SUMMARY_COST;
  // What must be kept (first records of many templates of long lines) can exceed the curve; the
  // prioritised phases still get a share of it on top, or the question and state changes would get nothing.
  const curve = keepChars(input.length, { bias });
  const share = o.priorityShare !== undefined && o.priorityShare >= 0 ? o.priorityShare : PRIORITY_SHARE;
  const budget = Math.max(2000, curve, used + curve * share);
  const tryKeep = (r: LogRecord | undefined) => {
    if (!r || keep[r.index]) return;
    const c = costs[r.index]!;
    if (used + c > budget) return;
    keep[r.index] = 1;
    used += c;
  };

  // Fill the budget by priority. What the question names first (rare exact tokens weigh most); both sides
  // of the longest gaps in time and outliers (a rare value in a column of few values, a numeric extreme);
  // rarity: every record of a template seen at most three times and the lines around one-off events; the
  // remaining errors (rarest templates first) with their context; the last record of every template and
  // state changes; warnings; then, while budget is left, records that show something new.
  const rel = relevance(queryTerms(o.query, o.toolArgs), heads);
  if (rel.active) {
    const hits = records.filter((r) => rel.score(r.index) > 0).sort((a, b) => rel.score(b.index) - rel.score(a.index) || a.index - b.index);
    // Exact tokens (an IP, a user, an id) may take the whole budget; records matching only words of the
    // question take at most a third of it, so that rarity and errors still get their share.
    for (const r of hits) if (rel.exactHits(r.index) > 0) tryKeep(r);
    const wordCap = used + (budget - used) / 3;
    for (const r of hits) if (rel.exactHits(r.index) === 0 && used + costs[r.index]! <= wordCap) tryKeep(r);
  }
  // A template of a few short records is shown whole (right after what the question names): its summary
  // would cost about as much as them and hide the value that differs.
  const whole = cheapFolds(records, costs);
  for (const r of records) if (whole.has(r.template.id)) tryKeep(r);
  const rarestFirst = (a: LogRecord, b: LogRecord) => a.template.count - b.template.count || a.index - b.index;
  // Errors that name something no kept record of their kind names yet (another failing test, path or
  // host) come before rarity: each is a different failure. They take at most a third of what is left.
  // Values seen, by template id and slot name (no key string per value and lookup).
  const seen: Map<string, Set<string>>[] = [];
  const note = (r: LogRecord) => {
    let bySlot = seen[r.template.id];
    if (!bySlot) {
      bySlot = new Map();
      seen[r.template.id] = bySlot;
    }
    for (const [k, v] of r.values) {
      let values = bySlot.get(k);
      if (!values) {
        values = new Set();
        bySlot.set(k, values);
      }
      values.add(v);
    }
  };
  const isNew = (r: LogRecord) => {
    const bySlot = seen[r.template.id];
    return r.values.some(([k, v]) => informative(v) && !bySlot?.get(k)?.has(v));
  };
  for (const r of records) if (keep[r.index]) note(r);
  const errors = records.filter((r) => r.severity === "error").sort(rarestFirst);
  const errorCap = used + (budget - used) / 3;
  for (const r of errors) {
    if (keep[r.index] || used + costs[r.index]! > errorCap || !isNew(r)) continue;
    tryKeep(r);
    if (keep[r.index]) note(r);
  }
  // State changes per entity (each partition's election, each broker's startup): first and last of
  // each, in log order, taking at most a third of what is left.
  const stateCap = used + (budget - used) / 3;
  for (const r of entityStateRecords(records, heads, informative)) if (used + costs[r.index]! <= stateCap) tryKeep(r);
  const gaps = gapRecords(lines, records);
  const outliers = outlierRecords(records);
  for (const i of columnar) outliers.add(i);
  for (const r of records) if (gaps.has(r.index) || outliers.has(r.index)) tryKeep(r);
  for (const r of records) if (r.template.count <= 3) tryKeep(r);
  for (const r of records) {
    if (r.template.count !== 1) continue;
    tryKeep(records[r.index - 1]);
    tryKeep(records[r.index + 1]);
  }
  for (const r of errors) tryKeep(r);
  for (const r of errors) {
    if (!keep[r.index]) continue;
    for (let d = 1; d <= ctxLines; d++) {
      tryKeep(records[r.index - d]);
      tryKeep(records[r.index + d]);
    }
  }
  // The last record of every template and the first and last state change or success of each kind.
  // (The cheap test first: few records are the first or last of their template.)
  for (const r of records) if (r.template.last === r.index || (firstOrLastState(records, r) && isStateLine(heads[r.index]!))) tryKeep(r);
  for (const r of records.filter((x) => x.severity === "warn").sort(rarestFirst)) tryKeep(r);
  // Leftover budget buys records that show something not shown yet (a new path, user, host); more of the
  // same (new timestamps, pids and counters only) is redundancy, and the budget is a cap, not a target.
  for (const r of records) if (keep[r.index]) note(r);
  for (const r of spreadOrder(records)) {
    // (What does not fit is not kept either way: isNew, the costly test, only for what would.)
    if (keep[r.index] || used + costs[r.index]! > budget || !isNew(r)) continue;
    tryKeep(r);
    if (keep[r.index]) note(r);
  }
  o.signal?.throwIfAborted();
  return render(a, keep, maxTrace, nValues);
}

/** Characters a template summary line costs, as budgeted (measured: 80–200 on the corpus logs). */
const SUMMARY_COST = 140;

/** Records of a state-change kind are worth keeping at both ends of their template's run. */
function firstOrLastState(records: readonly LogRecord[], r: LogRecord): boolean {
  return r.template.first === r.index || r.template.last === r.index || records[r.template.first]?.template !== r.template;
}

/**
 * The order in which leftover budget is spent: rounds over the templates (rarest first), each round
 * taking the next record evenly spaced through that template's run, so every kind of line gets more
 * examples before any kind gets all of its lines.
 */
function spreadOrder(records: readonly LogRecord[]): LogRecord[] {
  const byTemplate = new Map<number, LogRecord[]>();
  for (const r of records) {
    let list = byTemplate.get(r.template.id);
    if (!list) {
      list = [];
      byTemplate.set(r.template.id, list);
    }
    list.push(r);
  }
  const lists = [...byTemplate.values()].sort((a, b) => a.length - b.length || a[0]!.index - b[0]!.index);
  const orders = new Map<number, number[]>();
  const orderOf = (n: number) => {
    let order = orders.get(n);
    if (!order) {
      order = spreadPositions(n);
      orders.set(n, order);
    }
    return order;
  };
  const out: LogRecord[] = [];
  // Round k takes the k-th record of each template in spread order (halves, quarters, …), so every kind
  // of line gets more examples before any kind gets all of its lines.
  const longest = lists.reduce((m, l) => Math.max(m, l.length), 0);
  let from = 0;
  for (let k = 0; k < longest; k++) {
    while (lists[from]!.length <= k) from++;
    for (let j = from; j < lists.length; j++) out.push(lists[j]![orderOf(lists[j]!.length)[k]!]!);
  }
  return out;
}

function spreadPositions(n: number): number[] {
  const out: number[] = [];
  const seen = new Uint8Array(n);
  for (let step = 1; step <= n; step *= 2) {
    for (let k = 0; k < step; k++) {
      const p = Math.floor(((2 * k + 1) * n) / (2 * step));
      if (p < n && !seen[p]) {
        seen[p] = 1;
        out.push(p);
      }
    }
  }
  for (let p = 0; p < n; p++) if (!seen[p]) out.push(p);
  return out;
}

/** Renders kept records in original order; each template's summary follows its first kept record. */
function render(analysis: Analysis, keep: Uint8Array, maxTrace: number, nValues: number): LossyLog | null {
  const { lines, records, templates } = analysis;
  const keptPerTemplate = new Map<number, number>();
  for (const r of records) if (keep[r.index]) keptPerTemplate.set(r.template.id, (keptPerTemplate.get(r.template.id) ?? 0) + 1);
  const valuesByTemplate = collectValues(records, keep, nValues, keptPerTemplate);
  // Characters of each template's omitted records: a summary as long as them saves nothing
  // (a "×1 more like …" of a short line restates it); the gap note covers them.
  const omitted = new Map<number, number>();
  for (const r of records) {
    if (keep[r.index]) continue;
    let n = 0;
    for (let k = r.start; k < r.end; k++) n += lines[k]!.length + 1;
    omitted.set(r.template.id, (omitted.get(r.template.id) ?? 0) + n);
  }
  const out: string[] = [];
  const summarized = new Set<number>();
  const traces = new Map<string, number>();
  const dittos = { n: 0 };
  let keptLines = 0;
  let skipped = 0;
  let prev: LogRecord | undefined;
  for (const r of records) {
    if (!keep[r.index]) {
      skipped += r.end - r.start;
      continue;
    }
    if (skipped) out.push(`[… ${skipped} line${skipped === 1 ? "" : "s"} …]`);
    skipped = 0;
    keptLines += renderRecord(lines, r, maxTrace, out, prev, traces, dittos);
    prev = r;
    const t = r.template;
    const shown = keptPerTemplate.get(t.id) ?? 0;
    if (!summarized.has(t.id) && t.count > shown) {
      summarized.add(t.id);
      const line = summaryLine(t, shown, valuesByTemplate.get(t.id));
      if (line.length < (omitted.get(t.id) ?? 0)) out.push(line);
    }
  }
  if (skipped) out.push(`[… ${skipped} line${skipped === 1 ? "" : "s"} …]`);
  if (keptLines >= lines.length) return null;
  let omittedErrors = 0;
  let omittedWarnings = 0;
  for (const r of records) if (!keep[r.index]) r.severity === "error" ? omittedErrors++ : r.severity === "warn" && omittedWarnings++;
  return { text: out.join("\n"), format: analysis.format, totalLines: lines.length, keptLines, templates: templates.length, dittos: dittos.n, omittedErrors, omittedWarnings };
}

/**
 * Pushes a record's lines. Its head is dittoed against the record above when that one is of the same
 * template and was kept; a trace already shown verbatim for an earlier record becomes one note; long
 * traces keep their first lines, `Caused by` lines and the last line.
 */
function renderRecord(lines: string[], r: LogRecord, maxTrace: number, out: string[], prev: LogRecord | undefined, traces: Map<string, number>, dittos: { n: number }): number {
  const head = lines[r.start]!;
  // The shown record above (across an omission note): a column value repeated down a run of one kind.
  const above = prev && prev.template === r.template ? stripCr(lines[prev.start]!) : undefined;
  const shown = above === undefined ? head : ditto(head, above, r.template.tokens);
  if (shown !== head) dittos.n++;
  out.push(shown);
  const n = r.end - r.start;
  if (n === 1) return 1;
  const trace = lines.slice(r.start + 1, r.end).join("\n");
  const earlier = n > 3 ? traces.get(trace) : undefined;
  if (earlier !== undefined) {
    out.push(`[… same ${n - 1}-line trace as the record at line ${earlier + 1} …]`);
    return 1;
  }
  if (n > 3) traces.set(trace, r.start);
  if (n <= maxTrace + 2) {
    for (let k = r.start + 1; k < r.end; k++) out.push(lines[k]!);
    return n;
  }
  let kept = 1;
  let dropped = 0;
  for (let k = r.start + 1; k < r.end; k++) {
    const keepLine = k - r.start < maxTrace || k === r.end - 1 || isCauseLine(stripCr(lines[k]!));
    if (!keepLine) {
      dropped++;
      continue;
    }
    if (dropped) out.push(`[… ${dropped} trace line${dropped === 1 ? "" : "s"} …]`);
    dropped = 0;
    out.push(lines[k]!);
    kept++;
  }
  return kept;
}

const MAX_VALUE_CHARS = 48;
const MAX_TEMPLATE_CHARS = 160;
/** Variable slots listed per summary at most (the first ones after the line header). */
const MAX_SLOTS = 3;

function summaryLine(t: Template, shown: number, slots: SlotValues[] | undefined, limit = 3): string {
  const parts: string[] = [];
  const named = slots?.some((s) => !/^\d+$/.test(s.name));
  for (const s of slots ?? []) {
    if (parts.length >= MAX_SLOTS) break;
    // Leading wildcards are line headers (timestamps, pids): their values say little and cost much.
    if (!named && isHeaderSlot(t, Number(s.name))) continue;
    const distinct = s.values.size;
    if (!distinct) continue;
    // Mostly-unique numeric values are timestamps, epochs and counters: costly and uninformative here.
    // (Decided before ranking: such a slot holds most of a template's values, and none is shown.)
    if (distinct > 3 && distinct * 2 > t.count && allNumericish(s.values)) continue;
    const shownVals = mostFrequent(s.values, limit).map(([v, c]) => `${clip(v)}${c > 1 ? ` ×${c}` : ""}`);
    const more = distinct - shownVals.length;
    parts.push(`${named ? s.name + ": " : ""}${shownVals.join(", ")}${more > 0 ? ` (+${more} more)` : ""}`);
  }
  const tpl = ` ${templateBody(t)}`;
  return `[×${t.count - shown} more like${tpl}${parts.length ? ` — ${parts.join("; ")}` : ""}]`;
}

function allNumericish(values: Map<string, number>): boolean {
  for (const v of values.keys()) if (!isNumericish(v)) return false;
  return true;
}

/**
 * The `limit` most frequent entries, ties in insertion order: the head of the stable sort by count,
 * without sorting every value of a many-valued slot.
 */
function mostFrequent(values: Map<string, number>, limit: number): Array<[string, number]> {
  const indexed = function* () {
    let i = 0;
    for (const [v, c] of values) yield [v, c, i++] as const;
  };
  return topK(indexed(), limit, (a, b) => b[1] - a[1] || a[2] - b[2]).map(([v, c]) => [v, c]);
}

function templateBody(t: Template): string {
  let i = 0;
  while (i < t.tokens.length && t.tokens[i] === WILDCARD) i++;
  const body = t.tokens.slice(i).join(" ");
  return `"${body.length > MAX_TEMPLATE_CHARS ? body.slice(0, MAX_TEMPLATE_CHARS) + "…" : body}"`;
}

function clip(v: string): string {
  return v.length > MAX_VALUE_CHARS ? v.slice(0, MAX_VALUE_CHARS) + "…" : v;
}
