/**
 * Lossy log compression: keep the lines that carry facts (errors with context, warnings, summaries, the
 * first occurrence of every template so rare events survive), and replace the repetitive rest by one
 * summary per template with its count and example values. Kept lines are verbatim; summaries are in
 * square brackets and say what they stand for.
 */
import { WILDCARD, type Template } from "./drain.js";
import { isCauseLine } from "./formats.js";
import { analyzeLog, stripCr, type Analysis, type LogRecord } from "./records.js";

/** Tuning knobs of the lossy form. */
export interface LogCompressOptions {
  /** Target size of the output as a share of the input (characters); mandatory lines may exceed it. Default 0.07. */
  targetRatio?: number;
  /** Lines of context kept before and after each kept error record. Default 2. */
  contextLines?: number;
  /** Error records of one template always kept (first ones; the last one is kept too). Default 1. */
  errorsPerTemplate?: number;
  /** Lines kept per stack trace (plus `Caused by` lines and the last line). Default 10. */
  maxTraceLines?: number;
  /** Example values shown per variable slot in a template summary. Default 3. */
  exampleValues?: number;
  /** Aggressiveness: > 1 keeps less, < 1 keeps more (the pipeline's `bias`). Default 1. */
  bias?: number;
}

/** The lossy rendering and its statistics. */
export interface LossyLog {
  text: string;
  format: string;
  totalLines: number;
  keptLines: number;
  templates: number;
}

/**
 * Builds the lossy form of a log (without the CCR marker, which the caller appends). Returns `null` when
 * nothing would be dropped.
 */
export function compressLogLossy(input: string, o: LogCompressOptions = {}, analysis: Analysis = analyzeLog(input)): LossyLog | null {
  const bias = o.bias && o.bias > 0 && Number.isFinite(o.bias) ? o.bias : 1;
  const ratio = (o.targetRatio ?? 0.07) / bias;
  const ctxLines = Math.max(0, Math.round((o.contextLines ?? 2) / Math.sqrt(bias)));
  const errorsPer = Math.max(1, Math.round((o.errorsPerTemplate ?? 1) / bias));
  const maxTrace = Math.max(3, o.maxTraceLines ?? 10);
  const nValues = Math.max(1, o.exampleValues ?? 3);
  const { lines, records, templates } = analysis;
  if (records.length < 2) return null;

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

  const cost = (r: LogRecord) => recordChars(lines, r, maxTrace);
  let used = 0;
  for (const r of records) if (keep[r.index]) used += cost(r);
  // Summaries cost about one line each plus their values.
  for (const t of templates) if (t.count > 1) used += 200;
  const budget = Math.max(2000, input.length * ratio);
  const tryKeep = (r: LogRecord | undefined) => {
    if (!r || keep[r.index]) return;
    const c = cost(r);
    if (used + c > budget) return;
    keep[r.index] = 1;
    used += c;
  };

  // Fill the budget by priority. Rarity first: every record of a template seen at most three times and
  // the lines around one-off events; then the remaining errors (rarest templates first) with their
  // context, then warnings (rarest templates first).
  const rarestFirst = (a: LogRecord, b: LogRecord) => a.template.count - b.template.count || a.index - b.index;
  for (const r of records) if (r.template.count <= 3) tryKeep(r);
  for (const r of records) {
    if (r.template.count !== 1) continue;
    tryKeep(records[r.index - 1]);
    tryKeep(records[r.index + 1]);
  }
  const errors = records.filter((r) => r.severity === "error").sort(rarestFirst);
  for (const r of errors) tryKeep(r);
  for (const r of errors) {
    if (!keep[r.index]) continue;
    for (let d = 1; d <= ctxLines; d++) {
      tryKeep(records[r.index - d]);
      tryKeep(records[r.index + d]);
    }
  }
  for (const r of records.filter((x) => x.severity === "warn").sort(rarestFirst)) tryKeep(r);

  // Render in original order; each template's summary follows its first kept record.
  const keptPerTemplate = new Map<number, number>();
  for (const r of records) if (keep[r.index]) keptPerTemplate.set(r.template.id, (keptPerTemplate.get(r.template.id) ?? 0) + 1);
  const valuesByTemplate = collectValues(records, keep, nValues);
  const out: string[] = [];
  const summarized = new Set<number>();
  let keptLines = 0;
  let skipped = 0;
  for (const r of records) {
    if (!keep[r.index]) {
      skipped += r.end - r.start;
      continue;
    }
    if (skipped) out.push(`[… ${skipped} line${skipped === 1 ? "" : "s"} …]`);
    skipped = 0;
    keptLines += renderRecord(lines, r, maxTrace, out);
    const t = r.template;
    const shown = keptPerTemplate.get(t.id) ?? 0;
    if (!summarized.has(t.id) && t.count > shown) {
      summarized.add(t.id);
      out.push(summaryLine(t, shown, valuesByTemplate.get(t.id)));
    }
  }
  if (skipped) out.push(`[… ${skipped} line${skipped === 1 ? "" : "s"} …]`);
  if (keptLines >= lines.length) return null;
  return { text: out.join("\n"), format: analysis.format, totalLines: lines.length, keptLines, templates: templates.length };
}

function recordChars(lines: string[], r: LogRecord, maxTrace: number): number {
  let n = 0;
  const end = Math.min(r.end, r.start + maxTrace + 2);
  for (let k = r.start; k < end; k++) n += lines[k]!.length + 1;
  return n;
}

/** Pushes a record's lines; long traces keep their first lines, `Caused by` lines and the last line. */
function renderRecord(lines: string[], r: LogRecord, maxTrace: number, out: string[]): number {
  const n = r.end - r.start;
  if (n <= maxTrace + 2) {
    for (let k = r.start; k < r.end; k++) out.push(lines[k]!);
    return n;
  }
  let kept = 0;
  let dropped = 0;
  for (let k = r.start; k < r.end; k++) {
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

interface SlotValues {
  name: string;
  values: Map<string, number>;
}

/** Distinct values per variable slot of each template, most frequent first (ties: first seen). */
function collectValues(records: LogRecord[], keep: Uint8Array, limit: number): Map<number, SlotValues[]> {
  const by = new Map<number, SlotValues[]>();
  for (const r of records) {
    if (r.template.count < 2) continue;
    let slots = by.get(r.template.id);
    if (!slots) {
      slots = [];
      by.set(r.template.id, slots);
    }
    for (const [name, v] of r.values) {
      let s = slots.find((x) => x.name === name);
      if (!s) {
        s = { name, values: new Map() };
        slots.push(s);
      }
      // Values of dropped lines are the ones worth listing; kept lines are visible anyway.
      if (!keep[r.index] || s.values.has(v)) s.values.set(v, (s.values.get(v) ?? 0) + 1);
    }
  }
  void limit;
  return by;
}

const MAX_VALUE_CHARS = 48;
const MAX_TEMPLATE_CHARS = 160;
const NUMERICISH = /^[\d.:,\-\/T+\[\]()]+$/;
/** Variable slots listed per summary at most (the first ones after the line header). */
const MAX_SLOTS = 3;

function summaryLine(t: Template, shown: number, slots: SlotValues[] | undefined, limit = 3): string {
  const parts: string[] = [];
  const named = slots?.some((s) => !/^\d+$/.test(s.name));
  for (const s of slots ?? []) {
    if (parts.length >= MAX_SLOTS) break;
    // Leading wildcards are line headers (timestamps, pids): their values say little and cost much.
    if (!named && isHeaderSlot(t, Number(s.name))) continue;
    const entries = [...s.values.entries()].sort((a, b) => b[1] - a[1]);
    if (!entries.length) continue;
    // Mostly-unique numeric values are timestamps, epochs and counters: costly and uninformative here.
    if (entries.length > 3 && entries.length * 2 > t.count && entries.every(([v]) => NUMERICISH.test(v))) continue;
    const shownVals = entries.slice(0, limit).map(([v, c]) => `${clip(v)}${c > 1 ? ` ×${c}` : ""}`);
    const more = entries.length - shownVals.length;
    parts.push(`${named ? s.name + ": " : ""}${shownVals.join(", ")}${more > 0 ? ` (+${more} more)` : ""}`);
  }
  const tpl = ` ${templateBody(t)}`;
  return `[×${t.count - shown} more like${tpl}${parts.length ? ` — ${parts.join("; ")}` : ""}]`;
}

/** Wildcards before the first word of the template are line headers (timestamps, pids, hosts). */
function isHeaderSlot(t: Template, k: number): boolean {
  for (let i = 0; i <= k; i++) if (t.tokens[i] !== WILDCARD && /[\p{L}]/u.test(t.tokens[i]!)) return false;
  return true;
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
