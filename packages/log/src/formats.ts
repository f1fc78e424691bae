/**
 * Log format recognition and per-line classification (severity, summary lines, continuation lines).
 * Everything here is a pure function of the line text, so output bytes never depend on anything else.
 */

/** Severity buckets the compressor cares about. `info` covers everything that is neither error nor warning. */
export type Severity = "error" | "warn" | "info";

/** A recognised log format. `generic` when nothing matched well enough. */
export type LogFormat =
  | "pytest"
  | "jest"
  | "npm"
  | "cargo"
  | "go-test"
  | "make"
  | "syslog"
  | "access"
  | "apache-error"
  | "log4j"
  | "hadoop"
  | "logcat"
  | "jsonl"
  | "k8s-events"
  | "compiler"
  | "generic";

interface FormatRule {
  format: LogFormat;
  /** A line typical of the format. */
  line: RegExp;
}

// Order matters only for ties: more specific formats first. (Exported for tests, not by the package.)
export const RULES: readonly FormatRule[] = [
  { format: "access", line: /^\S+ \S+ \S+ \[\d{1,2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/ },
  { format: "apache-error", line: /^\[(?:\w{3} ){2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4}\] \[[\w:]+\]/ },
  { format: "logcat", line: /^\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+ [VDIWEFA] / },
  { format: "hadoop", line: /^\d{6} \d{6} \d+ (?:INFO|WARN|ERROR|FATAL|DEBUG) / },
  { format: "log4j", line: /^(?:\[)?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}[,.]\d{3}\]?\s*(?:-\s*)?(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b/ },
  { format: "syslog", line: /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ / },
  { format: "jsonl", line: /^\s*\{".*\}\s*$/ },
  { format: "k8s-events", line: /^(?:LAST SEEN\s+TYPE\s+REASON|\S+\s+(?:Normal|Warning)\s+\w+\s+\S+\/\S+)/ },
  { format: "pytest", line: /^(?:={3,} .* ={3,}|\S+\.py(?:::\S+)? (?:PASSED|FAILED|ERROR|\.+|[.FEsx]+)|(?:PASSED|FAILED|ERROR) \S+\.py)/ },
  { format: "jest", line: /^\s*(?:PASS|FAIL) \S+\.(?:[jt]sx?|mjs|cjs)\b|^\s*(?:✓|✕|×|√) |^\s*Tests?:\s+\d+|^\s*Test (?:Suites|Files):/ },
  { format: "cargo", line: /^\s*(?:Compiling|Finished|Running|Checking|Downloaded|Downloading|Updating) \S+|^test \S+ \.\.\. (?:ok|FAILED|ignored)|^(?:error|warning)(?:\[E\d+\])?: / },
  { format: "go-test", line: /^(?:=== RUN|--- (?:PASS|FAIL|SKIP):|(?:ok|FAIL)\s+\S+\s+[\d.]+s|PASS$|FAIL$)/ },
  { format: "npm", line: /^(?:npm (?:ERR!|WARN|notice)|yarn (?:install|run)|\s*ERR_PNPM_|Progress: resolved|added \d+ packages|\[\d\/\d\] )/ },
  // Compiler and linter diagnostics beyond gcc-in-make: tsc/MSBuild `file(l,c): error TS…:`, tsc --pretty,
  // javac/kotlinc/clang `file:l[:c]: error:`, Gradle's Kotlin `e: file:…`, eslint (stylish and unix), and
  // the rustc/clippy location and note lines that make up most of a Rust diagnostic.
  {
    format: "compiler",
    line: /^(?:[^\s()]+\(\d+,\d+\): (?:error|warning) [A-Z]+\d+: |[^\s:]+:\d+:\d+ - (?:error|warning) TS\d+: |(?:[A-Za-z]:)?[^\s:()]+(?::\d+){1,2}: (?:fatal error|error|warning|note)(?:\[[\w:-]+\])?: |[ew]: (?:file:\/\/)?\S+:\d+:\d+ |\s+\d+:\d+\s+(?:error|warning)\s{2,}\S|\s*--> \S+:\d+(?::\d+)?$|\s*= (?:note|help): )/,
  },
  { format: "make", line: /^(?:make(?:\[\d+\])?: |\S+\.(?:c|cc|cpp|h|hpp):\d+:\d+: (?:error|warning|note):|(?:gcc|g\+\+|cc|clang)\s)/ },
];

/**
 * Recognises the format of a log from a sample of its lines (the most frequent matching rule wins;
 * `generic` when no rule matches at least a fifth of the sample).
 */
export function detectLogFormat(lines: readonly string[]): LogFormat {
  const sample: string[] = [];
  for (const l of lines) {
    if (sample.length >= 200) break;
    if (l.trim() !== "") sample.push(l);
  }
  if (!sample.length) return "generic";
  const threshold = Math.max(1, sample.length / 5);
  let best: LogFormat = "generic";
  let bestCount = 0;
  for (const r of RULES) {
    // A rule matching fewer lines than the threshold never decides (the first rule with the most
    // matches does, when it has enough): so a rule is counted only while it can still beat the best so
    // far and reach the threshold; past a clear winner, the others stop at their first miss.
    const need = Math.max(bestCount + 1, threshold);
    let n = 0;
    for (let j = 0; j < sample.length && n + sample.length - j >= need; j++) if (r.line.test(sample[j]!)) n++;
    if (n >= need) {
      bestCount = n;
      best = r.format;
    }
  }
  return bestCount >= threshold ? best : "generic";
}

// Explicit level words; checked before keyword heuristics so that an `INFO ... error corrected` line stays info.
const LEVEL_WORD = /(?:^|[\s[|<(:"=-])(TRACE|DEBUG|FINE|FINER|FINEST|INFO|NOTICE|NOTE|WARN|WARNING|ERROR|ERR|FATAL|SEVERE|CRITICAL|CRIT|ALERT|EMERG|PANIC|info|notice|warn|warning|error|fatal|crit|alert|emerg|debug)(?=$|[\s\]|>):,"])/;
const LOGCAT_LEVEL = /^\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+ ([VDIWEFA]) /;
const JSON_LEVEL = /"(?:level|severity|lvl|loglevel|log\.level)"\s*:\s*"?(\w+)/i;
const ACCESS_STATUS = /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" (\d{3}) /;
// Heuristic error keywords for lines without an explicit level (syslog, test runners, compilers).
const ERROR_HINT =
  /\b(?:Traceback \(most recent call last\)|\w*(?:Exception|Error)\b(?::|\s|$)|panic:|fatal:|FAILED|FAIL\b|failed\b|failures?\b|error(?:\[E\d+\])?:|segfault|Segmentation fault|core dumped|denied|refused|unreachable|timed out|npm ERR!|ERR_PNPM|Killed|OOM|out of memory)/i;
const WARN_HINT = /\b(?:warning(?:\[[\w:]+\])?:|deprecated|DEPRECATION|WARN\b)/i;
// Diagnostic heads whose level is a bare word or letter (eslint's `  3:7  warning  …`, Gradle's `w: …`/`e: …`).
const LINT_LEVEL = /^(?:\s+\d+:\d+\s+(error|warning)\s|([ew]): (?:file:\/\/)?\S+:\d+:\d+ )/;

const ERROR_WORDS = new Set(["ERROR", "ERR", "FATAL", "SEVERE", "CRITICAL", "CRIT", "ALERT", "EMERG", "PANIC"]);
const WARN_WORDS = new Set(["WARN", "WARNING"]);

// The words LEVEL_WORD captures, resolved once (it runs for every record).
const LEVEL_OF = new Map<string, Severity | undefined>(
  "TRACE DEBUG FINE FINER FINEST INFO NOTICE NOTE WARN WARNING ERROR ERR FATAL SEVERE CRITICAL CRIT ALERT EMERG PANIC info notice warn warning error fatal crit alert emerg debug"
    .split(" ")
    .map((w) => [w, wordLevel(w)]),
);

function levelFromWord(w: string): Severity | undefined {
  // (Every word of LEVEL_OF has a level: no entry holds undefined.)
  return LEVEL_OF.get(w) ?? wordLevel(w);
}

function wordLevel(w: string): Severity | undefined {
  const u = w.toUpperCase();
  if (ERROR_WORDS.has(u)) return "error";
  if (WARN_WORDS.has(u)) return "warn";
  if (/^(?:TRACE|DEBUG|FINE|FINER|FINEST|INFO|NOTICE|NOTE)$/.test(u)) return "info";
  return undefined;
}

/** Severity of one line: explicit level (format field or level word) first, then keyword heuristics. */
export function severityOf(line: string, format: LogFormat): Severity {
  if (format === "logcat") {
    const m = LOGCAT_LEVEL.exec(line);
    if (m) return m[1] === "E" || m[1] === "F" || m[1] === "A" ? "error" : m[1] === "W" ? "warn" : "info";
  }
  if (format === "access") {
    const m = ACCESS_STATUS.exec(line);
    if (m) {
      const s = Number(m[1]);
      // 5xx and 403 are what an operator looks for; other 4xx are client noise but still worth seeing once.
      return s >= 500 || s === 403 || s === 401 ? "error" : s >= 400 ? "warn" : "info";
    }
  }
  if (format === "jsonl") {
    const m = JSON_LEVEL.exec(line);
    if (m) {
      const l = levelFromWord(m[1]!) ?? (/^[45]\d$/.test(m[1]!) ? (m[1]! >= "50" ? "error" : "warn") : undefined);
      if (l) return l;
    }
  }
  if (format === "compiler") {
    const m = LINT_LEVEL.exec(line);
    if (m) return m[1] === "error" || m[2] === "e" ? "error" : "warn";
  }
  // Only the head of the line carries the level; a message that merely mentions "error" is judged below.
  const head = line.length > 160 ? line.slice(0, 160) : line;
  const m = LEVEL_WORD.exec(head);
  if (m) {
    const l = levelFromWord(m[1]!);
    // Lower-case words are levels only inside brackets (Apache `[error]`, `level=error`); otherwise prose.
    // (LEVEL_WORD's words are all upper or all lower case: the first letter says which.)
    if (l && (m[1]!.charCodeAt(0) < 97 || /[[=<]/.test(head[m.index] ?? ""))) return l;
  }
  if (ERROR_HINT.test(line)) return "error";
  if (WARN_HINT.test(line)) return "warn";
  return "info";
}

const SUMMARY =
  /^\s*(?:={2,}.*\b(?:passed|failed|errors?|skipped|xfailed|warnings?|no tests ran)\b.*={2,}|-{2,}.*\b(?:passed|failed)\b.*-{2,}|Tests?:\s+\d+|Test (?:Suites|Files):\s+\d+|Snapshots:\s+\d+|Time:\s+[\d.]+\s*m?s|\d+ (?:passing|failing|pending)\b|test result: |BUILD (?:SUCCESS|SUCCESSFUL|FAILURE|FAILED)|(?:ok|FAIL)\s+\S+\s+[\d.]+s|PASS$|FAIL$|Finished .* target|error: could not compile|error: aborting due to|(?:warning|error): .* generated \d+ warnings?|make(?:\[\d+\])?: \*\*\*|\d+ (?:errors?|warnings?)(?: generated\b|\s*$)|Found \d+ errors?\b|✖ \d+ problems?\b|found \d+ vulnerabilit|added \d+ packages|Done in [\d.]+s|ERR_PNPM_\w+|npm ERR! code|Ran \d+ tests? in|OK(?: \(.*\))?$|FAILED \(.*\)$|collected \d+ items)/;

/** True for test/build summary lines (`5 passed, 1 failed`, `BUILD FAILURE`, `test result: ok`…), always kept. */
export function isSummaryLine(line: string): boolean {
  return line.length < 400 && SUMMARY.test(line);
}

const CONTINUATION = /^(?:\s+at |\s+\.\.\. \d+ (?:more|common frames omitted)|Caused by: |\s+File "|\s+~~~|\s+\^|Traceback |\t|\s{4,}\S)/;
const CAUSED_BY = /^(?:Caused by: |\s*\w+(?:\.\w+)+(?:Exception|Error)\b|\w+Error: )/;

// What follows a compiler diagnostic's head and belongs to it: rustc's `-->` location, `|` gutter and
// `N |` source lines, `= note:`/`= help:` and column-0 `note:`/`help:` sub-diagnostics; gcc's `note:`
// lines about the same problem; caret and `~~~` underlines; javac's `symbol:`/`location:` details.
const DIAGNOSTIC_DETAIL =
  /^(?:\s*--> \S+:\d+(?::\d+)?$|\s*\d*\s*\|(?:\s|$)|\s*= (?:note|help|warning): |(?:note|help): |(?:[A-Za-z]:)?[^\s:()]+(?::\d+){1,2}: note: |\s*[\^~][\^~ -]*(?:\s.*)?$|\s+(?:symbol|location|required|found|reason):\s)/;
// eslint's stylish problem lines are indented but each is a problem of its own, not a detail.
const LINT_PROBLEM = /^\s+\d+:\d+\s+(?:error|warning)\s/;
const DIAGNOSTIC_FORMATS: ReadonlySet<LogFormat> = new Set(["compiler", "cargo", "make"]);

/**
 * True when a line continues the previous record (stack frame, `Caused by:`, indented detail, a compiler
 * diagnostic's snippet and notes) rather than starting a new one. Continuations are grouped with their
 * head line and never mined as templates.
 */
export function isContinuation(line: string, format: LogFormat): boolean {
  if (format === "jsonl" || format === "access") return false;
  if (DIAGNOSTIC_FORMATS.has(format)) {
    // A blank line closes a diagnostic (rustc also writes one before its column-0 `note:` / `help:`
    // sub-diagnostics): it belongs to the record above, not to a template of blank lines of its own.
    if (line.trim() === "" || DIAGNOSTIC_DETAIL.test(line)) return true;
    if (LINT_PROBLEM.test(line)) return false;
  }
  return CONTINUATION.test(line) || /^\s*\w+(?:\.\w+){2,}(?:Exception|Error)(?::|$)/.test(line);
}

// In a long compiler diagnostic, the lines that say where and why (rustc `-->` locations and notes, javac's
// symbol and location) are its causes: kept when the snippet between them is cut.
const DIAGNOSTIC_CAUSE = /^(?:--> \S+:\d+(?::\d+)?$|= (?:note|help): |(?:note|help): |(?:symbol|location):\s)/;

/**
 * True for lines inside a trace that name an exception (`Caused by: …`, `java.io.IOException: …`) or, in a
 * compiler diagnostic, a location or note: kept in bounded traces.
 */
export function isCauseLine(line: string): boolean {
  const t = line.trimStart();
  return CAUSED_BY.test(t) || DIAGNOSTIC_CAUSE.test(t);
}
