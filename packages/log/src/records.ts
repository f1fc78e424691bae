/**
 * Splits a log into records (a head line plus its continuation lines such as stack frames), classifies
 * them and mines their templates. The compressor decides what to keep from this analysis.
 */
import { Drain, tokenize, WILDCARD, type Template } from "./drain.js";
import { detectLogFormat, isContinuation, isSummaryLine, severityOf, type LogFormat, type Severity } from "./formats.js";

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

/** At most this many lines are grouped under one head (a runaway "continuation" must not swallow a log). */
const MAX_RECORD_LINES = 500;
const ACCESS = /^(\S+) \S+ \S+ \[[^\]]+\] "(\S+) ?(\S*)[^"]*" (\d{3}) \S+(?: "([^"]*)" "([^"]*)")?/;
const MONTH_OR_DAY = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/;

/** Analyses a log text: format, records, templates. Pure and deterministic. */
export function analyzeLog(text: string): Analysis {
  const lines = text.split("\n");
  const format = detectLogFormat(lines.length > 400 ? lines.slice(0, 400) : lines);
  const drain = new Drain();
  const records: LogRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    i++;
    while (i < lines.length && i - start < MAX_RECORD_LINES && isContinuation(lines[i]!, format)) i++;
    const head = stripCr(lines[start]!);
    const severity = recordSeverity(lines, start, i, format);
    const index = records.length;
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
      const tokens = tokenize(head).map((t) => (MONTH_OR_DAY.test(t) ? "0" + t : t));
      template = drain.add(tokens, index, severity);
      values = [];
      const raw = tokenize(head);
      template.tokens.forEach((_, k) => values.push([String(k), raw[k] ?? ""]));
    }
    records.push({ index, start, end: i, severity, summary: isSummaryLine(head), template, values });
  }
  // Slots are positions; keep only those that ended up variable in the final template.
  for (const r of records) {
    if (format === "access" && ACCESS.test(stripCr(lines[r.start]!))) continue;
    r.values = r.values.filter(([k]) => r.template.tokens[Number(k)] === WILDCARD);
  }
  return { format, lines, records, templates: drain.templates() };
}

function recordSeverity(lines: string[], start: number, end: number, format: LogFormat): Severity {
  const head = severityOf(stripCr(lines[start]!), format);
  if (head !== "info") return head;
  // An info head followed by an exception trace is an error record.
  for (let k = start + 1; k < end && k < start + 4; k++) if (/(?:Exception|Error)\b|^Traceback /.test(lines[k]!)) return "error";
  return head;
}

export function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
