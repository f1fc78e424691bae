/**
 * Splits a log into records (a head line plus its continuation lines such as stack frames), classifies
 * them and mines their templates. The compressor decides what to keep from this analysis.
 */
import { isSpaceCode } from "@headroom/text";
import { Drain, tokensIn, WILDCARD, type Template } from "./drain.js";
import { detectLogFormat, isContinuation, isSummaryLine, severityOf, type LogFormat, type Severity } from "./formats.js";
import type { HeadSource } from "./columns.js";

/** One log record: line `start` is the head, lines `start+1 .. end-1` continue it. */
export interface LogRecord {
  index: number;
  start: number;
  end: number;
  severity: Severity;
  summary: boolean;
  template: Template;
  /** Values of the record's variable parts, by slot name (for example values in summaries). */
  values: Array<[string, string]>;
}

export interface Analysis {
  format: LogFormat;
  /** The input split on `\n`; a `\r` before it stays part of the line, so joining with `\n` restores the input. */
  lines: string[];
  records: LogRecord[];
  templates: readonly Template[];
}

/** Slot names (positions as strings), made once: every variable value of every record carries one. */
const SLOT_NAMES = Array.from({ length: 128 }, (_, k) => String(k));

/** A month or day name (`Mon`, `Jan`): mined as `0Mon`, which Drain masks as a variable (it has a digit). */
function isMonthOrDay(t: string): boolean {
  // Every name starts with an upper-case ASCII letter: most three-letter tokens are ruled out without the regex.
  const c = t.charCodeAt(0);
  return t.length === 3 && c >= 65 && c <= 90 && MONTH_OR_DAY.test(t);
}

/** At most this many lines are grouped under one head (a runaway "continuation" must not swallow a log). */
const MAX_RECORD_LINES = 500;
const ACCESS = /^(\S+) \S+ \S+ \[[^\]]+\] "(\S+) ?(\S*)[^"]*" (\d{3}) \S+(?: "([^"]*)" "([^"]*)")?/;
const MONTH_OR_DAY = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/;

// Shapes a record's first line starts with. When the log's first line has one of them and a good share of
// lines do, a non-blank line without it continues the record above (PHP `#0 …` frames, JSON exception
// tails, multi-line messages): the layout is learned from the log, not from a list of formats.
const HEAD_SHAPES: RegExp[] = [
  /^\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?/,
  /^\[?(?:\w{3} ){1,2}[ \d]?\d \d{2}:\d{2}:\d{2}/,
  /^\[?(?:\S+\s+){0,2}\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/,
  /^\d{10}(?:\d{3})?(?:\.\d+)?\b/,
];

/** The head shape of a log's records, when its layout has one. */
export function learnHeadShape(lines: readonly string[], format: LogFormat): RegExp | undefined {
  if (format === "jsonl" || format === "access") return undefined;
  const first = lines.find((l) => l.trim() !== "");
  if (first === undefined) return undefined;
  const shape = HEAD_SHAPES.find((re) => re.test(first));
  if (!shape) return undefined;
  const sample = lines.length > 2000 ? lines.slice(0, 2000) : lines;
  let heads = 0;
  let body = 0;
  for (const l of sample) {
    if (l.trim() === "") continue;
    body++;
    if (shape.test(l)) heads++;
  }
  // Most lines are heads in a plain log; in a trace-heavy one they are fewer but still a steady share.
  return heads >= 3 && heads >= body * 0.04 && heads < body ? shape : undefined;
}

/** The layout of a tab-separated log (Zeek, TSV exports): its field count and which columns vary. */
export interface Columns {
  width: number;
  /** `variable[c]`: column c holds many distinct values (hosts, URIs), so it never splits templates. */
  variable: boolean[];
}

/**
 * Learns a tab-separated layout: most lines (≥ 80% of a sample, `#` comment lines aside) have the same
 * number (≥ 4) of tab-separated fields. A column is variable when it holds more distinct values than the
 * square root of the rows (scale-free: 14 of 200 rows, 100 of 10,000): a host or URI column, not a method
 * or status column, whose few values still separate templates.
 */
export function learnColumns(lines: readonly string[]): Columns | undefined {
  // Field counts first, without splitting (most logs have no tab at all): rows split only for a layout.
  const sample: string[] = [];
  for (const l of lines.length > 2000 ? lines.slice(0, 2000) : lines) if (!l.startsWith("#") && !isBlank(l)) sample.push(l);
  if (sample.length < 8) return undefined;
  const counts = sample.map(tabFields);
  const widths = new Map<number, number>();
  for (const w of counts) widths.set(w, (widths.get(w) ?? 0) + 1);
  const [width, n] = [...widths.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
  if (width < 4 || n < sample.length * 0.8) return undefined;
  const rows: string[][] = [];
  for (let i = 0; i < sample.length; i++) if (counts[i] === width) rows.push(stripCr(sample[i]!).split("\t"));
  const limit = Math.sqrt(n);
  const variable: boolean[] = [];
  for (let c = 0; c < width; c++) {
    const seen = new Set<string>();
    for (const r of rows) if (seen.size <= limit) seen.add(r[c]!);
    variable.push(seen.size > limit);
  }
  return { width, variable };
}

/** `stripCr(line).split("\t").length`, without the split. */
function tabFields(line: string): number {
  let n = 1;
  for (let i = line.indexOf("\t"); i !== -1; i = line.indexOf("\t", i + 1)) n++;
  return n;
}

/** `line.trim() === ""`, without the copy. */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isSpaceCode(line.charCodeAt(i))) return false;
  return true;
}

/** Analyses a log text: format, records, templates. Pure and deterministic. */
export function analyzeLog(text: string): Analysis {
  return analyzeLogWithHeads(text).analysis;
}

/**
 * `analyzeLog`, plus where each record's head is in `text` and which records were split into white-space
 * tokens (see `HeadSource`): what columnOutliers reads the heads' fields by.
 */
export function analyzeLogWithHeads(text: string): { analysis: Analysis; heads: HeadSource } {
  const lines = text.split("\n");
  const format = detectLogFormat(lines.length > 400 ? lines.slice(0, 400) : lines);
  const shape = learnHeadShape(lines, format);
  const columns = format === "jsonl" || format === "access" ? undefined : learnColumns(lines);
  const continues = (l: string) => isContinuation(l, format) || (shape !== undefined && l.trim() !== "" && !shape.test(l));
  const drain = new Drain();
  const records: LogRecord[] = [];
  // Raw tokens of the records mined by Drain (not access lines), by record index.
  const rawTokens: (string[] | undefined)[] = [];
  // Per record: where its head starts in the text, and 1 when its raw tokens are the head's white-space
  // tokens (not fields of a TSV or JSON line).
  const headAts: number[] = [];
  const tokenized: number[] = [];
  let i = 0;
  // Offset of line i in the text (tokens are cut from the text, see tokensIn).
  let at = 0;
  while (i < lines.length) {
    const start = i;
    const headAt = at;
    at += lines[i]!.length + 1;
    i++;
    while (i < lines.length && i - start < MAX_RECORD_LINES && continues(lines[i]!)) at += lines[i++]!.length + 1;
    const head = stripCr(lines[start]!);
    const severity = recordSeverity(lines, start, i, format);
    const index = records.length;
    headAts.push(headAt);
    tokenized.push(0);
    const access = format === "access" ? ACCESS.exec(head) : null;
    let template: Template;
    let values: Array<[string, string]>;
    if (access) {
      // Access logs: one template per method and status (per path too for 4xx/5xx, so each failing URL
      // surfaces once); the client, path and agent are the values worth summarising.
      const [, client, method, path, status, , agent] = access;
      const key = Number(status) >= 400 ? [method!, path!, status!] : [method!, status!];
      template = drain.add(key, index, `access:${key.join(" ")}`, true);
      values = [
        ["client", client!],
        ["path", path!],
      ];
      if (agent) values.push(["agent", agent]);
    } else {
      const fields = columns ? head.split("\t") : undefined;
      const tsv = fields && fields.length === columns!.width;
      // (A trailing `\r` is white space: the head's tokens are those of the whole line.)
      const json = !tsv && format === "jsonl" ? jsonTokens(head) : null;
      const raw = tsv ? fields : (json ?? tokensIn(text, headAt, headAt + lines[start]!.length));
      if (!tsv && !json) tokenized[index] = 1;
      // A tab-separated record is mined by its fields; its many-valued columns are wildcards up front.
      const tokens = tsv || raw.some(isMonthOrDay) ? raw.map((t, k) => (tsv && columns!.variable[k] ? WILDCARD : isMonthOrDay(t) ? "0" + t : t)) : raw;
      template = drain.add(tokens, index, severity);
      values = [];
      rawTokens[index] = raw;
    }
    records.push({ index, start, end: i, severity, summary: isSummaryLine(head), template, values });
  }
  // Slots are positions; only those that ended up variable in the final template carry values (built
  // once, at the end: most positions are constant, and a pair per token was most of the allocation).
  // The wildcard positions of each template, found once (templates are final here), by template id.
  const slotsOf: number[][] = [];
  for (const r of records) {
    const raw = rawTokens[r.index];
    if (!raw) continue;
    let slots = slotsOf[r.template.id];
    if (!slots) {
      slots = [];
      const t = r.template.tokens;
      for (let k = 0; k < t.length; k++) if (t[k] === WILDCARD) slots.push(k);
      slotsOf[r.template.id] = slots;
    }
    for (const k of slots) r.values.push([SLOT_NAMES[k] ?? String(k), raw[k] ?? ""]);
  }
  const analysis = { format, lines, records, templates: drain.templates() };
  return { analysis, heads: { text, at: headAts, tokenized: Uint8Array.from(tokenized) } };
}

/**
 * Tokens of a JSON-lines record for template mining: one `key=value` token per top-level field, so that
 * records group by their keys and by the values of enum-like fields (`"Action":"fail"`) rather than by
 * the few spaces a compact JSON line has. `null` when the line is not a JSON object.
 */
function jsonTokens(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith("{")) return null;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return null;
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  // Values stay JSON-escaped (one line, as in the input); strings lose only their quotes.
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${typeof x === "string" ? JSON.stringify(x).slice(1, -1) : JSON.stringify(x)}`);
}

function recordSeverity(lines: string[], start: number, end: number, format: LogFormat): Severity {
  const head = severityOf(stripCr(lines[start]!), format);
  if (head !== "info") return head;
  // An info head followed by an exception trace is an error record.
  for (let k = start + 1; k < end && k < start + 4; k++) if (/(?:Exception|Error)\b|^Traceback /.test(lines[k]!)) return "error";
  return head;
}

export function stripCr(line: string): string {
  // (`endsWith("\r")`, without the call: it runs for every line, several times.)
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
