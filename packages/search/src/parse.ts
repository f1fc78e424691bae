/**
 * Parses grep/ripgrep output: `path:line:text` matches (optionally `path:line:col:text`), `path-line-text`
 * context lines, `--` separators, `--heading` blocks (a path line followed by `line:text` lines), Windows
 * paths (`C:\src\a.c:12:…`), binary-file notices, and lines that fit none of these (kept as they are).
 */

export type SearchLineKind = "match" | "context" | "separator" | "heading" | "notice" | "blank" | "other";

export interface SearchLine {
  /** Index in the input (0-based). */
  index: number;
  kind: SearchLineKind;
  /** The raw line (a trailing `\r` included). */
  raw: string;
  path?: string;
  line?: number;
  /** The matched or context text after the prefix. */
  text?: string;
}

export interface ParsedSearch {
  lines: SearchLine[];
  /** True when the output uses `--heading` blocks. */
  heading: boolean;
}

// `path:line:` with an optional column; the path may start with a drive letter (`C:\…`).
const MATCH = /^((?:[A-Za-z]:[\\/])?[^:\r\n]+?):(\d+):(?:(\d+):)?(.*)$/s;
const CONTEXT = /^((?:[A-Za-z]:[\\/])?[^\r\n]+?)-(\d+)-(.*)$/s;
const HEADED = /^(\d+)([:-])(?:(\d+):)?(.*)$/s;
const NOTICE = /^(?:Binary file .* matches$|binary file matches \(|.*: binary file matches \(|rg: |grep: |\[Omitted long (?:line|context line))/;
/**
 * False when `NOTICE` cannot match: each of its forms starts with `Binary file `, `binary file matches (`,
 * `rg: `, `grep: ` or `[Omitted long `, or holds `: binary file matches (` (a substring search is far
 * cheaper than the pattern's leading `.*` on every line, and a longer needle is searched faster).
 * Beside the pattern on purpose: a form added to one must be added to the other.
 */
export function mayBeNotice(l: string): boolean {
  return (
    l.startsWith("Binary file ") ||
    l.startsWith("binary file matches (") ||
    l.startsWith("rg: ") ||
    l.startsWith("grep: ") ||
    l.startsWith("[Omitted long ") ||
    l.includes(": binary file matches (")
  );
}
const BARE_MATCH = /^((?:[A-Za-z]:[\\/])?[\w./\\@+-]+\.\w+):(.*)$/s;

/** Parses search output into typed lines. Pure; every input line yields exactly one `SearchLine`. */
export function parseSearch(text: string): ParsedSearch {
  const raw = text.split("\n");
  const out: SearchLine[] = [];
  // Paths of match lines, each mapped to its first spelling: every line of a file then holds the same
  // string, so later lookups by path (grouping, path facts) find its hash cached and compare pointers.
  const knownPaths = new Map<string, string>();
  let lastPath = "";
  // Heading mode: a non-numbered line followed by numbered lines.
  let headingVotes = 0;
  for (let i = 0; i + 1 < raw.length && i < 400; i++) {
    const l = raw[i]!;
    // The next line's test first: it fails at once unless that line starts with a digit, so the match
    // test (which the main loop runs on every line anyway) is left for the rare candidates.
    if (l && HEADED.test(raw[i + 1]!) && !HEADED.test(l) && !MATCH.test(l)) headingVotes++;
  }
  const heading = headingVotes >= 1 && raw.filter((l) => HEADED.test(l)).length > raw.filter((l) => MATCH.test(l)).length;
  let current: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const l = r.endsWith("\r") ? r.slice(0, -1) : r;
    if (l === "") {
      out.push(searchLine(i, "blank", r));
      if (heading) current = undefined;
      continue;
    }
    if (l === "--") {
      out.push(searchLine(i, "separator", r));
      continue;
    }
    if (mayBeNotice(l) && NOTICE.test(l)) {
      out.push(searchLine(i, "notice", r));
      continue;
    }
    if (heading) {
      const h = HEADED.exec(l);
      if (h && current !== undefined) {
        out.push(searchLine(i, h[2] === ":" ? "match" : "context", r, current, Number(h[1]), h[4]!));
        continue;
      }
      if (!h && i + 1 < raw.length && HEADED.test(raw[i + 1]!)) {
        current = l;
        out.push(searchLine(i, "heading", r, l));
        continue;
      }
    }
    const m = MATCH.exec(l);
    if (m) {
      let path = m[1]!;
      if (path === lastPath) path = lastPath;
      else {
        const known = knownPaths.get(path);
        if (known === undefined) knownPaths.set(path, path);
        else path = known;
        lastPath = path;
      }
      out.push(searchLine(i, "match", r, path, Number(m[2]), m[4]!));
      continue;
    }
    const c = contextOf(l, knownPaths);
    if (c) {
      out.push(searchLine(i, "context", r, c.path, c.line, c.text));
      continue;
    }
    const b = BARE_MATCH.exec(l);
    if (b && !/\s/.test(b[1]!)) {
      out.push(searchLine(i, "match", r, b[1]!, undefined, b[2]!));
      continue;
    }
    out.push(searchLine(i, "other", r));
  }
  // Context lines before the first match of a file were parsed before its path was known: retry them.
  for (const s of out) {
    if (s.kind !== "other") continue;
    const l = s.raw.endsWith("\r") ? s.raw.slice(0, -1) : s.raw;
    const c = contextOf(l, knownPaths);
    if (c) {
      s.kind = "context";
      s.path = c.path;
      s.line = c.line;
      s.text = c.text;
    }
  }
  return { lines: out, heading };
}

/**
 * A line with every field present (absent ones `undefined`): one object shape for all kinds, so that the
 * hot loops reading `path`, `line` and `text` see a single shape.
 */
function searchLine(index: number, kind: SearchLineKind, raw: string, path?: string, line?: number, text?: string): SearchLine {
  return { index, kind, raw, path, line, text };
}

/**
 * The last text parsed by `parsedOnce` and its lines, held weakly: detection parses a short output whole
 * and compression then parses the same text again; the second call reuses the first's lines (parsing is
 * pure, and nobody writes to parsed lines) unless the collector freed them meanwhile.
 */
let lastParsed: WeakRef<{ text: string; parsed: ParsedSearch }> | undefined;

/** `parseSearch(text)`, reusing the previous call's result when it was for the same text. */
export function parsedOnce(text: string): ParsedSearch {
  const hit = lastParsed?.deref();
  if (hit && hit.text === text) return hit.parsed;
  const parsed = parseSearch(text);
  lastParsed = new WeakRef({ text, parsed });
  return parsed;
}

function contextOf(l: string, known: ReadonlyMap<string, string>): { path: string; line: number; text: string } | undefined {
  // Prefer a path already seen in a match line: `a-1-b.c-12-text` is ambiguous otherwise.
  const dash = l.indexOf("-");
  for (let k = dash; k !== -1; k = l.indexOf("-", k + 1)) {
    const p = l.slice(0, k);
    const path = known.get(p);
    if (path === undefined) continue;
    const m = /^-(\d+)-(.*)$/s.exec(l.slice(k));
    if (m) return { path, line: Number(m[1]), text: m[2]! };
  }
  if (known.size) return undefined;
  const c = CONTEXT.exec(l);
  return c && !/\s/.test(c[1]!) ? { path: c[1]!, line: Number(c[2]), text: c[3]! } : undefined;
}
