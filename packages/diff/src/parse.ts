/**
 * A tolerant parser for unified diffs, git diffs (`diff --git`, combined `diff --cc`), `git show` and
 * `git log -p` output. It never throws: anything it does not recognise becomes a `raw` line that the
 * compressor keeps verbatim, so commit headers, messages and diffstats survive untouched.
 */

/** One hunk: its header, its body lines (with their diff prefixes) and positions per side. */
export interface Hunk {
  /** Index of the `@@` line in the input's line array. */
  headerIndex: number;
  /** The `@@ ... @@ section` line as it appeared. */
  header: string;
  /** Number of parents: 1 for unified diffs, 2+ for combined (`@@@`) hunks. */
  parents: number;
  /** Start line per parent (old side), as written in the header. */
  oldStarts: number[];
  oldCounts: number[];
  newStart: number;
  newCount: number;
  /** Text after the closing `@@` (git's function context), including its leading space if any. */
  section: string;
  /** Body lines, verbatim (prefix included). `\ No newline at end of file` lines are included. */
  lines: string[];
  /** True when the body's line counts agree with the header: only then may the hunk be re-cut. */
  verified: boolean;
}

/** One file's part of a diff: header lines, hunks, and lines that are neither (binary patches). */
export interface FileSection {
  /** Header lines (`diff --git`, mode/rename lines, `index`, `---`, `+++`), verbatim, in order. */
  header: string[];
  /** Best guess of the file's path (new side, or old side for deletions). */
  path: string;
  hunks: Hunk[];
  /** Lines after the header that are not hunks (e.g. `GIT binary patch` data), verbatim. */
  extra: string[];
  /** Index of the first header line in the input. */
  start: number;
  /** Index one past the last line of this section in the input. */
  end: number;
  deletedFile: boolean;
  newFile: boolean;
  binary: boolean;
}

/** A parsed diff document: a sequence of raw lines and file sections, in input order. */
export type Segment = { type: "raw"; line: string } | { type: "file"; file: FileSection };

const HUNK_HEADER = /^(@{2,}) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? \1(.*)$/;
const EXT_HEADER =
  /^(?:old mode |new mode |deleted file mode |new file mode |copy from |copy to |rename from |rename to |similarity index |dissimilarity index |index |Binary files |--- |\+\+\+ |GIT binary patch|mode )/;

/** Parses a hunk header line; undefined when the line is not one. */
export function parseHunkHeader(line: string): Omit<Hunk, "headerIndex" | "lines" | "verified"> | undefined {
  const m = HUNK_HEADER.exec(line.endsWith("\r") ? line.slice(0, -1) : line);
  if (!m) return undefined;
  const parents = m[1]!.length - 1;
  const olds = m[2]!.trim().split(" ");
  if (olds.length !== parents) return undefined;
  const oldStarts: number[] = [];
  const oldCounts: number[] = [];
  for (const o of olds) {
    const [s, c] = o.slice(1).split(",");
    oldStarts.push(Number(s));
    oldCounts.push(c === undefined ? 1 : Number(c));
  }
  const section = m[5]! + (line.endsWith("\r") ? "\r" : "");
  return { header: line, parents, oldStarts, oldCounts, newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]), section };
}

/** How a body line counts: per parent whether it is in that parent's file, and whether it is in the result. */
export interface LineCounts {
  readonly old: readonly boolean[];
  readonly inNew: boolean;
}
const CONTEXT: LineCounts = Object.freeze({ old: Object.freeze([true]), inNew: true });
const REMOVED: LineCounts = Object.freeze({ old: Object.freeze([true]), inNew: false });
const ADDED: LineCounts = Object.freeze({ old: Object.freeze([false]), inNew: true });

/**
 * How a hunk body line counts: per parent whether it occupies a line of that parent's file, and whether
 * it occupies a line of the result. Undefined when the line is not a body line for `parents` columns.
 * Rule (git's combined format): `-` in column i = in parent i only; `+` in column i = not in parent i;
 * a space in column i = in parent i when the line is in the result (no `-` anywhere).
 */
export function lineCounts(line: string, parents: number): LineCounts | undefined {
  if (line.length < parents && !(line === "" && parents === 1)) return undefined;
  if (line === "" && parents === 1) return CONTEXT; // context line whose space was stripped
  if (parents === 1) {
    // The common single-parent case answers with shared (frozen) objects: no allocation per line.
    const ch = line.charCodeAt(0);
    return ch === 32 ? CONTEXT : ch === 45 ? REMOVED : ch === 43 ? ADDED : undefined;
  }
  let anyMinus = false;
  for (let i = 0; i < parents; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 45) anyMinus = true;
    else if (ch !== 43 && ch !== 32) return undefined;
  }
  const old: boolean[] = [];
  for (let i = 0; i < parents; i++) {
    const ch = line[i];
    old.push(ch === "-" || (ch === " " && !anyMinus));
  }
  return { old, inNew: !anyMinus };
}

/** True for the `\ No newline at end of file` pseudo-line. */
export const isNoNewline = (line: string): boolean => line.startsWith("\\ ");

/** True when a line opens a new file section. */
function isFileStart(lines: string[], i: number): boolean {
  const l = lines[i]!;
  if (l.startsWith("diff --git ") || l.startsWith("diff --cc ") || l.startsWith("diff --combined ")) return true;
  // `diff -u a b`, `diff -ru a b`: the command line GNU diff -r prints before each file.
  if (/^diff -\S*[uU]/.test(l) || /^diff -r /.test(l)) return true;
  // Plain unified diff: `--- x` then `+++ y` then `@@`.
  return l.startsWith("--- ") && (lines[i + 1]?.startsWith("+++ ") ?? false) && /^@@/.test(lines[i + 2] ?? "");
}

function pathFrom(header: string[]): { path: string; deleted: boolean; created: boolean; binary: boolean } {
  let path = "";
  let oldPath = "";
  let deleted = false;
  let created = false;
  let binary = false;
  const strip = (p: string) => p.replace(/\r$/, "").replace(/\t.*$/, "").replace(/^"(.*)"$/, "$1").replace(/^[ab]\//, "");
  for (const h of header) {
    if (h.startsWith("+++ ")) {
      const p = strip(h.slice(4));
      if (p !== "/dev/null") path = p;
    } else if (h.startsWith("--- ")) {
      const p = strip(h.slice(4));
      if (p !== "/dev/null") oldPath = p;
    } else if (h.startsWith("rename to ") || h.startsWith("copy to ")) path = strip(h.replace(/^(rename|copy) to /, ""));
    else if (h.startsWith("deleted file mode")) deleted = true;
    else if (h.startsWith("new file mode")) created = true;
    else if (h.startsWith("Binary files ") || h.startsWith("GIT binary patch")) binary = true;
  }
  if (!path && !oldPath) {
    const first = header[0] ?? "";
    const m = /^diff --(?:git|cc|combined) (?:"?a\/)?(.*?)(?:"? "?b\/(.*?)"?)?\r?$/.exec(first);
    if (m) path = m[2] ?? m[1] ?? "";
    else {
      const parts = first.replace(/\r$/, "").split(" ");
      path = strip(parts[parts.length - 1] ?? "");
    }
  }
  return { path: path || oldPath, deleted, created, binary };
}

/** Reads one hunk starting at `lines[i]` (a header); returns it and the index after it. */
function readHunk(lines: string[], i: number): { hunk: Hunk; next: number } | undefined {
  const h = parseHunkHeader(lines[i]!);
  if (!h) return undefined;
  const oldLeft = [...h.oldCounts];
  let newLeft = h.newCount;
  const body: string[] = [];
  let j = i + 1;
  let ok = true;
  while (j < lines.length) {
    const l = lines[j]!;
    const done = newLeft <= 0 && oldLeft.every((n) => n <= 0);
    if (isNoNewline(l)) {
      body.push(l);
      j++;
      continue;
    }
    if (done) break;
    // An empty line only counts as a stripped context line when it cannot start something else.
    if (l === "" && !(h.parents === 1 && newLeft > 0 && oldLeft[0]! > 0)) {
      ok = false;
      break;
    }
    const c = lineCounts(l, h.parents);
    if (!c || l.startsWith("@@") || (l.startsWith("diff ") && isFileStart(lines, j))) {
      ok = false;
      break;
    }
    body.push(l);
    c.old.forEach((o, p) => {
      if (o) oldLeft[p]!--;
    });
    if (c.inNew) newLeft--;
    j++;
  }
  const verified = ok && newLeft === 0 && oldLeft.every((n) => n === 0);
  return { hunk: { ...h, headerIndex: i, lines: body, verified }, next: j };
}

/** Parses a diff document. Never throws; `lines` is the input split on `\n` (CR kept on each line). */
export function parseDiff(lines: string[]): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!isFileStart(lines, i)) {
      out.push({ type: "raw", line: lines[i]! });
      i++;
      continue;
    }
    const start = i;
    const header: string[] = [lines[i]!];
    const plain = lines[i]!.startsWith("--- ");
    i++;
    if (plain) {
      header.push(lines[i]!);
      i++;
    } else {
      while (i < lines.length && EXT_HEADER.test(lines[i]!) && !lines[i]!.startsWith("GIT binary patch")) {
        header.push(lines[i]!);
        i++;
      }
    }
    const hunks: Hunk[] = [];
    const extra: string[] = [];
    if (lines[i]?.startsWith("GIT binary patch")) {
      // Base85 literal/delta blocks run until a blank line follows the last block.
      while (i < lines.length && !isFileStart(lines, i) && !/^commit [0-9a-f]{7,}/.test(lines[i]!)) {
        const l = lines[i]!;
        if (l === "" && !/^(literal|delta) \d+/.test(lines[i + 1] ?? "")) {
          extra.push(l);
          i++;
          break;
        }
        extra.push(l);
        i++;
      }
    }
    while (i < lines.length && /^@@/.test(lines[i]!)) {
      const r = readHunk(lines, i);
      if (!r) break;
      hunks.push(r.hunk);
      i = r.next;
    }
    const p = pathFrom([...header, ...extra]);
    out.push({
      type: "file",
      file: { header, path: p.path, hunks, extra, start, end: i, deletedFile: p.deleted, newFile: p.created, binary: p.binary },
    });
  }
  return out;
}
