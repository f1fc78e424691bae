import type { ContentKind, Detection, UnitHints } from "@headroom/core";
import { isSpaceCode, kindFromFileName, languageFromFileName } from "@headroom/text";
import { codeLikeness, detectLanguage } from "./language-rules.js";
import { isTerminalOutput, TERMINAL_KIND } from "./terminal.js";

/** A run of lines of one kind inside a mixed text. */
export interface Section {
  kind: ContentKind;
  text: string;
  language?: string;
}

// The extension tables (languages for code hints, kinds for data/markup files) are @headroom/text's.

// --- line classifiers -------------------------------------------------------------------------

const LOG_LINE = [
  /^\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/, // ISO (kafka, java, zookeeper, jsonl-ish)
  /^[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} /, // syslog
  /^\S+ \S+ \S+ \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/, // access log
  /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{2}:\d{2}:\d{2}/, // apache error
  /^\d{6} \d{6} \d+ [A-Z]+ /, // HDFS
  /^(?:-|[A-Z_]+) \d{10} \d{4}\.\d{2}\.\d{2} /, // BGL
  /^\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} +\d+ +\d+ [VDIWEF] /, // logcat
  /^\d{2}:\d{2}:\d{2}(?:[.,]\d+)? /,
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/, // go log, nginx error
  /^\d{1,2}\/\d{1,2}\/\d{2,4},? \d{1,2}:\d{2}/,
  /^(?:I|W|E|F)\d{4} \d{2}:\d{2}:\d{2}/, // glog / k8s
  /^\s*(?:DEBUG|INFO|WARN|WARNING|ERROR|FATAL|TRACE|CRITICAL)[\s:\]]/,
  /^(?:npm (?:ERR!|WARN|error|warn)|error\[E\d+\]|warning: |\s+Compiling |\s+Finished |test result: |PASS |FAIL |ok +\S+\s+[\d.]+s|--- (?:PASS|FAIL)|=== RUN|=+ .* =+$|FAILED |PASSED |\s*[✓✗×] )/,
  /^\{"(?:time|ts|timestamp|level|@timestamp|msg)"/,
  /^(?:LAST SEEN|\d+[smhd]\s+(?:Normal|Warning)\s)/, // kubectl get events
  /^(?:\S+\s+){1,2}\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s/, // a time of day after a pid or date field (strace -tt, custom layouts)
  /^\d{10}(?:\d{3})?(?:\.\d+)?[\t ,|;]/, // epoch seconds or milliseconds first (Zeek, many TSV/CSV event logs)
  /^#(?:separator|set_separator|empty_field|unset_field|path|open|close|fields|types|Software|Version|Date|Fields|Remark)\b/, // Zeek / W3C headers
];
// Every LOG_LINE shape in one anchored alternation: one regex call per line instead of one per shape.
const LOG_HEAD = new RegExp(`^(?:${LOG_LINE.map((r) => `(?:${r.source.slice(1)})`).join("|")})`);
// Lines that continue a log record: stack frames (Java, PHP, Python), trace headers, an exception's JSON tail.
const LOG_CONTINUATION = /^(?:\s+at |\s*#\d+ |\s+File "|Traceback |Caused by: |Stack trace:|\[stacktrace\]|\[previous exception\]|\s+\.\.\. \d+ (?:more|common)|"\}\s*$|\s+thrown\b|\t)/;
// Keys that time-stamp a JSON record: JSON lines whose every record has one are an event log, not data.
const TIME_KEY = /^@?(?:time|timestamp|ts|date|datetime|eventtime|logtime)$|timestamp$|[a-z_]Time$|_time$/i;
// A path has no spaces and holds a letter or a slash, so timestamps such as 2015-07-29 are not paths.
const SEARCH_LINE = /^(?:[A-Za-z]:[\\/])?(?=[^\s:]*[A-Za-z_/\\])[^\s:]+?[:-]\d+[:-]/;
const SEARCH_STRICT = /^(?:[A-Za-z]:[\\/])?(?=[^\s:]*[A-Za-z_/\\])[^\s:]+?:\d+:/;
// `rg pattern` into a pipe (and `grep -r` without -n) prints `path:text`: a path with a directory
// separator and a file extension, then the matched line.
const SEARCH_BARE = /^(?:[A-Za-z]:[\\/])?[\w.@+-]*[\\/][\w./\\@+-]*\.\w+:/;
// Compiler and linter diagnostics: a head per problem (gcc/clang/javac/kotlinc `file:line[:col]: error:`,
// tsc and MSBuild `file(line,col): error TS…:`, tsc --pretty `file:line:col - error`, rustc/clippy
// `error[E…]:` / `warning:`, Gradle's Kotlin `e: file:…`, eslint's stylish `  line:col  error  …` and unix
// `file:line:col: msg [Error/rule]`), and the lines that show where (rustc's `-->`, `|` gutters and
// `= note:`, gcc's numbered snippet and caret lines, javac's `symbol:` / `location:`, totals).
const DIAG_HEAD =
  /^(?:(?:[A-Za-z]:)?[^\s:()]+(?::\d+){1,2}: (?:fatal error|error|warning|note|remark)(?:\[[\w:-]+\])?: |[^\s()]+\(\d+,\d+\): (?:error|warning) [A-Z]+\d+: |[^\s:]+:\d+:\d+ - (?:error|warning) TS\d+: |(?:error|warning)(?:\[[\w:]+\])?: |[ew]: (?:file:\/\/)?\S+:\d+:\d+ |\s+\d+:\d+\s+(?:error|warning)\s{2,}\S|(?:[A-Za-z]:)?[^\s:]+:\d+:\d+: .+ \[(?:Error|Warning)\/[\w@/-]+\]$)/;
const DIAG_DETAIL =
  /^(?:\s*--> \S+:\d+(?::\d+)?$|\s*\d*\s*\|(?:\s|$)|\s*= (?:note|help|warning): |(?:note|help): |\s*[\^~][\^~ -]*(?:\s.*)?$|\s+(?:symbol|location|required|found|reason):\s|\s{4,}\S|In file included from |\S+: In (?:function|member function|constructor|instantiation) |\d+ (?:errors?|warnings?)(?: generated)?\.?$|Found \d+ errors?\b|✖ \d+ problems?|(?:error|warning): .*(?:generated \d+ warnings?|could not compile|aborting due to))/;
// " * " with leading space is a doc-comment line (Javadoc, JSDoc), not a markdown bullet.
const MARKDOWN_LINE = /^(?:#{1,6} |[-*+] |\s+[-+] |\s*\d+\. |={3,}\s*$|-{3,}\s*$|> |\s*\|.*\|\s*$|```)/;
const DIFF_LINE = /^(?:diff --(?:git|cc|combined) |--- (?:a\/|\/dev\/null)|\+\+\+ (?:b\/|\/dev\/null)|@@@? -\d+(?:,\d+)? |index [0-9a-f]{6,}\.\.|new file mode|deleted file mode|similarity index|rename (?:from|to) |Binary files )/;
const HTML_TAG = /<(?:!doctype html|html|head|body|div|span|p|a|table|tr|td|ul|li|script|style|meta|link|section|article|nav|h[1-6])\b[^>]*>/gi;

/** The line of `text` from `start` to the newline at `nl` (-1: none): a `\r` before the `\n` is not part of it. */
function lineAt(text: string, start: number, nl: number): string {
  if (nl === -1) return text.slice(start);
  return text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
}

/** At most this many lines (a third each from the start, middle and end) are looked at. */
const SAMPLE = 400;

/**
 * `sample(text.split(/\r?\n/))` without splitting all of a long text: a third of `SAMPLE` lines from its
 * start, middle and end (every line when there are at most `SAMPLE`).
 */
export function sampledLines(text: string): string[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const n = starts.length;
  const line = (k: number): string => lineAt(text, starts[k]!, k + 1 < n ? starts[k + 1]! - 1 : -1);
  const pick = (from: number, to: number, out: string[]) => {
    for (let k = Math.max(0, from); k < Math.min(n, to); k++) out.push(line(k));
  };
  const out: string[] = [];
  if (n <= SAMPLE) pick(0, n, out);
  else {
    const third = Math.floor(SAMPLE / 3);
    const mid = Math.floor(n / 2) - Math.floor(third / 2);
    pick(0, third, out);
    pick(mid, mid + third, out);
    pick(n - third, n, out);
  }
  return out;
}

function fraction(lines: string[], test: (l: string) => boolean): number {
  if (!lines.length) return 0;
  let n = 0;
  for (const l of lines) if (test(l)) n++;
  return n / lines.length;
}

function isJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function isJsonLines(lines: string[]): boolean {
  return jsonLineRecords(lines) !== null;
}

/** The parsed records when every line is a JSON object, else null. */
function jsonLineRecords(lines: string[]): unknown[] | null {
  if (lines.length < 2) return null;
  const out: unknown[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (!t.startsWith("{")) return null;
    try {
      out.push(JSON.parse(t));
    } catch {
      return null;
    }
  }
  return out;
}

/** True when every JSON-lines record carries a time-stamp key (an event stream: `go test -json`, CDN logs). */
export function isJsonEventStream(records: unknown[]): boolean {
  return records.length >= 3 && records.every((r) => !!r && typeof r === "object" && !Array.isArray(r) && Object.keys(r).some((k) => TIME_KEY.test(k)));
}

function tabular(lines: string[]): number {
  if (lines.length < 3) return 0;
  if (lines.length >= 3 && /^\s*\|.*\|\s*$/.test(lines[0]!) && /^\s*\|?\s*:?-{3,}/.test(lines[1]!)) {
    return fraction(lines, (l) => /^\s*\|.*\|\s*$/.test(l));
  }
  for (const sep of ["\t", ",", ";", "|"]) {
    const counts = lines.slice(0, 50).map((l) => l.split(sep).length - 1);
    const first = counts[0]!;
    if (first < 1) continue;
    const same = counts.filter((c) => c === first).length / counts.length;
    if (same >= 0.9) return same;
  }
  return 0;
}

/** At least four blank-separated words (what `l.trim().split(/\s+/).length >= 4` says, without the arrays). */
function fourWords(l: string): boolean {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < l.length; i++) {
    const space = isSpaceCode(l.charCodeAt(i));
    if (!space && !inWord && ++words >= 4) return true;
    inWord = !space;
  }
  return false;
}

function asciiLetters(l: string): number {
  let n = 0;
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) n++;
  }
  return n;
}

function proseScore(lines: string[]): number {
  const body = lines.filter((l) => l.trim());
  if (!body.length) return 0;
  const wordy = fraction(body, (l) => fourWords(l) && asciiLetters(l) / l.length > 0.6);
  const sentences = fraction(body, (l) => /[.!?:)]["')]?\s*$/.test(l) || /[.!?] [A-Z]/.test(l));
  return Math.min(1, wordy * 0.8 + sentences * 0.3);
}

/**
 * Share of lines that belong to log records: record heads (a known log line shape) plus the lines that
 * continue them (stack frames and trace headers), counted only when heads are a real part of the text —
 * a PHP or Java log is mostly frames, but a text with two time-stamped lines is not a log.
 */
function logScore(lines: string[]): number {
  let heads = 0;
  let cont = 0;
  for (const l of lines) {
    if (LOG_HEAD.test(l)) heads++;
    else if (LOG_CONTINUATION.test(l)) cont++;
  }
  if (!lines.length) return 0;
  return heads >= 3 && heads >= lines.length * 0.04 ? (heads + cont) / lines.length : heads / lines.length;
}

/**
 * Share of lines that have the most common shape (digits masked): progress output (`Downloading x-12 …
 * done` ×400, `yes | head`) is one line shape repeated — redundancy of the kind the log compressor
 * removes, whatever the words. 0 for fewer than 20 lines.
 */
function repetitiveShare(lines: string[]): number {
  if (lines.length < 20) return 0;
  const counts = new Map<string, number>();
  let top = 0;
  for (const l of lines) {
    const shape = l.trim().replace(/\d+/g, "0").replace(/\b[\w.-]*0[\w.-]*\b/g, "#");
    const n = (counts.get(shape) ?? 0) + 1;
    counts.set(shape, n);
    if (n > top) top = n;
  }
  return top / lines.length;
}

const HEADING_MATCH = /^\d+[:-]/;
const HEADING_PATH = /^\S+$|^(?=.*[\\/\\\\]).+\.[A-Za-z0-9]{1,8}$/;

/**
 * Share of lines that fit `rg --heading` output: a path line on its own, then `N:` / `N-` match and
 * context lines (blank lines and `--` between groups are not counted). 0 unless every group starts with a
 * path and most lines are numbered.
 */
function headingSearchScore(lines: string[]): number {
  let numbered = 0;
  let paths = 0;
  let prevNumbered = false;
  for (const l of lines) {
    if (l === "--") continue;
    if (HEADING_MATCH.test(l)) {
      if (!prevNumbered && paths === 0) return 0;
      numbered++;
      prevNumbered = true;
    } else if (HEADING_PATH.test(l)) {
      paths++;
      prevNumbered = false;
    } else return 0;
  }
  if (!paths || numbered < paths || numbered < 2) return 0;
  return (numbered + paths) / lines.length;
}

/**
 * Share of lines that are compiler or linter diagnostics: heads plus the snippet and note lines under
 * them, counted only when there are at least two heads making a real part of the text (a README that
 * quotes one error message is not a build log). gcc's `file:line:col:` heads look like search hits, so
 * this is asked before search.
 */
function diagnosticScore(lines: string[]): number {
  // Every head names its level (or is Gradle's one-letter `e:` / `w:`, or eslint unix's `[Error/rule]`):
  // other lines skip the costly test.
  const names = (l: string) => l[1] === ":" || l.includes("error") || l.includes("warning") || l.includes("note") || l.includes("remark") || l.includes("Error/") || l.includes("Warning/");
  const isHead = lines.map((l) => names(l) && DIAG_HEAD.test(l));
  let heads = 0;
  for (const h of isHead) if (h) heads++;
  if (heads < 2 || heads < lines.length * 0.05) return 0;
  let detail = 0;
  for (let i = 0; i < lines.length; i++) if (!isHead[i] && DIAG_DETAIL.test(lines[i]!)) detail++;
  return (heads + detail) / lines.length;
}

/** A `cat -n` / Read-tool line prefix: right-aligned number, then a tab or `→`. */
const NUMBER_PREFIX = /^ *(\d+)(\t|→)/;

/**
 * The text without its line-number prefixes when it is a line-numbered read (`cat -n`, an agent's Read
 * tool): at least 3 lines, every non-blank line numbered, numbers consecutive, one separator. Else null.
 * What is read is judged by its content, not by the numbers (a numbered log is a log, not a table).
 */
export function stripLineNumbers(text: string): string | null {
  if (!firstFilledLineNumbered(text)) return null;
  const lines = text.split(/\r?\n/);
  let next: number | undefined;
  let sep: string | undefined;
  let count = 0;
  const out: string[] = [];
  for (const l of lines) {
    const m = NUMBER_PREFIX.exec(l);
    if (!m) {
      if (l.trim()) return null;
      out.push(l);
      continue;
    }
    if ((next !== undefined && Number(m[1]) !== next) || (sep !== undefined && m[2] !== sep)) return null;
    next = Number(m[1]) + 1;
    sep = m[2];
    count++;
    out.push(l.slice(m[0].length));
  }
  return count >= 3 ? out.join("\n") : null;
}

/** True when the first non-blank line has a line-number prefix: most texts fail here, before being split. */
function firstFilledLineNumbered(text: string): boolean {
  for (let start = 0; ; ) {
    const nl = text.indexOf("\n", start);
    const l = lineAt(text, start, nl);
    if (l.trim()) return NUMBER_PREFIX.test(l);
    if (nl === -1) return false;
    start = nl + 1;
  }
}

/**
 * Detects what a text is, with a confidence. Hints from the tool call (a file name it read) win over
 * content heuristics for code. A line-numbered read is detected by what it holds, numbers aside.
 */
export function detect(text: string, hints?: UnitHints): Detection {
  // Colours and cursor moves first: the terminal compressor strips them and has the rest detected again.
  if (isTerminalOutput(text)) return { kind: TERMINAL_KIND, confidence: 1 };
  const plain = stripLineNumbers(text);
  if (plain !== null) return detect(plain, hints);
  const lines = sampledLines(text).filter((l) => l.trim().length > 0);
  if (!lines.length) return { kind: "text", confidence: 1 };
  const hintLang = languageFromFileName(hints?.fileName);
  const hintKind = kindFromFileName(hints?.fileName) as ContentKind | undefined;

  if (isJson(text)) return { kind: "json", confidence: 1 };
  const jsonl = jsonLineRecords(lines);
  if (jsonl) return isJsonEventStream(jsonl) ? { kind: "log", confidence: 0.9 } : { kind: "json", confidence: 0.9 };

  const diff = fraction(lines, (l) => DIFF_LINE.test(l));
  if (diff > 0.02 && /^(?:diff --|--- |commit [0-9a-f]{7,}|From [0-9a-f]{40})/m.test(text) && /^@@@? -\d/m.test(text))
    return { kind: "diff", confidence: Math.min(1, 0.7 + diff * 3) };

  // Build and lint output is line-oriented: the log compressor folds repeated warnings into templates.
  const diagnostics = hintLang ? 0 : diagnosticScore(lines);
  if (diagnostics >= 0.6) return { kind: "log", confidence: diagnostics };

  // A file name that names a language settles it: search and log shapes are not weighed against it.
  if (hintLang) return { kind: "code", language: hintLang, confidence: Math.max(0.8, Math.min(1, codeLikeness(lines))) };

  const search = fraction(lines, (l) => SEARCH_LINE.test(l) || l === "--");
  const strict = fraction(lines, (l) => SEARCH_STRICT.test(l));
  const log = logScore(lines);
  const heading = headingSearchScore(lines);
  if (heading >= 0.8) return { kind: "search", confidence: heading };
  // `rg -C N` prints up to 2N context lines per match (1 in 7 lines a match at -C 3, 1 in 21 at -C 10):
  // when nearly every line has the search shape, a few matches are enough.
  if (search >= 0.7 && (strict >= 0.15 || (search >= 0.95 && strict >= 0.04)) && search > log) return { kind: "search", confidence: search };
  const bare = fraction(lines, (l) => SEARCH_BARE.test(l) || l === "--");
  if (bare >= 0.9 && bare > log) return { kind: "search", confidence: bare };

  if (log >= 0.5) return { kind: "log", confidence: log };

  const markdown = fraction(lines, (l) => MARKDOWN_LINE.test(l));
  const htmlTags = (text.slice(0, 20000).match(HTML_TAG) ?? []).length;
  // A markdown document that opens with inline HTML (a README's badges or sponsor table) is still prose.
  if (htmlTags >= 5 && /^\s*</.test(text) && markdown < 0.15) {
    // An XML document (a declaration, no <html> root) using HTML-like tag names is data, not a page.
    if (/^\uFEFF?\s*<\?xml\b/.test(text) && !/<html[\s>]/i.test(text.slice(0, 4000))) return { kind: "xml", confidence: 0.9 };
    return { kind: "html", confidence: Math.min(1, htmlTags / 20) };
  }

  const tab = tabular(lines);
  if (tab >= 0.9 && proseScore(lines) < 0.5) return { kind: "tabular", confidence: tab };

  if (repetitiveShare(lines) >= 0.5) return { kind: "log", confidence: 0.6 };

  const prose = proseScore(lines);
  if (markdown >= 0.3 && prose >= 0.2) return { kind: "prose", confidence: Math.min(1, prose + markdown) };
  // A document the tool read (`.md`, `.rst`, `.txt`) stays a document however many code examples it holds.
  if (hintKind === "prose") return { kind: "prose", confidence: Math.max(0.7, Math.min(1, prose)) };
  const { lang, score } = detectLanguage(lines);
  if (lang && score >= 0.35 && score > prose * 0.8) return { kind: "code", language: lang, confidence: Math.min(1, score + 0.2) };

  if (hintKind) return { kind: hintKind, confidence: 0.7 };
  if (log >= 0.25) {
    const sections = splitSections(text);
    if (new Set(sections.map((s) => s.kind)).size > 1) return { kind: "mixed", confidence: 0.6 };
    return { kind: "log", confidence: log };
  }
  if (prose >= 0.3) return { kind: "prose", confidence: prose };
  const sections = splitSections(text);
  if (new Set(sections.map((s) => s.kind)).size > 1) return { kind: "mixed", confidence: 0.6 };
  return { kind: "text", confidence: 0.5 };
}

/**
 * Splits a text into sections of one kind each, at blank lines and fences. Concatenating the sections'
 * texts gives back the input exactly. Adjacent sections of the same kind are merged; tiny sections join
 * their neighbour so that a mixed text is not shredded.
 */
export function splitSections(text: string): Section[] {
  const blocks = text.split(/(?<=\n)(?=\n)|(?<=\n\n)/);
  const raw: Section[] = [];
  for (const b of blocks) {
    if (!b) continue;
    const d = b.trim() ? detectBlock(b) : { kind: (raw.at(-1)?.kind ?? "text") as ContentKind };
    const last = raw.at(-1);
    if (last && (last.kind === d.kind || !b.trim())) last.text += b;
    else raw.push({ kind: d.kind, text: b, ...(d.language ? { language: d.language } : {}) });
  }
  const merged: Section[] = [];
  for (const s of raw) {
    const last = merged.at(-1);
    if (last && (s.text.length < 200 || last.kind === s.kind)) last.text += s.text;
    else merged.push({ ...s });
  }
  return merged;
}

function detectBlock(block: string): { kind: ContentKind; language?: string } {
  const lines = block.split(/\r?\n/).filter((l) => l.trim());
  if (isJson(block) || isJsonLines(lines)) return { kind: "json" };
  if (fraction(lines, (l) => LOG_HEAD.test(l)) >= 0.5) return { kind: "log" };
  if (fraction(lines, (l) => SEARCH_STRICT.test(l)) >= 0.7) return { kind: "search" };
  if (fraction(lines, (l) => DIFF_LINE.test(l) || /^[+ -]/.test(l)) >= 0.8 && /^@@/m.test(block)) return { kind: "diff" };
  const { lang, score } = detectLanguage(lines);
  if (lang && score >= 0.5) return { kind: "code", language: lang };
  return { kind: proseScore(lines) >= 0.3 ? "prose" : "text" };
}
