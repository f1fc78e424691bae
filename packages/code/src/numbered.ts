/**
 * Line-numbered file reads: the `cat -n` style agents' Read tools return (`     1\tcode`, `1\tcode`,
 * `     1→code`). The numbers are stripped before parsing, and every output line that comes from an input
 * line gets that line's own prefix back, so the model still quotes true line numbers; lines the compressor
 * wrote (markers) get a blank prefix of the same width. The originals behind the markers are cut from the
 * numbered input, so retrieving one returns the exact bytes the tool printed, numbers included.
 */
import { ccrKey, MARKER_PATTERN, type StoredOriginal } from "@headroom/core";
import type { Edit } from "./plan.js";

/** A numbered read split into its code and the prefix of each code line. */
export interface NumberedText {
  /** The code without prefixes, lines joined with `\n`. */
  code: string;
  /** Prefix of each code line, verbatim (`"    12\t"`). */
  prefixes: string[];
  /** Non-numbered lines after the numbered ones (a tool's closing note), kept verbatim. */
  trailer: string;
}

const NUMBERED = /^( *)(\d+)(\t|→)/;

/**
 * Splits a line-numbered read, or returns `null` when `text` is not one: at least 3 numbered lines with
 * consecutive numbers and one separator, nothing unnumbered before or between them.
 */
export function splitNumbered(text: string): NumberedText | null {
  // A read is numbered from its first line: an unnumbered file is not split into lines for nothing.
  const nl = text.indexOf("\n");
  if (!NUMBERED.test(nl < 0 ? text : text.slice(0, nl))) return null;
  const lines = text.split("\n");
  const prefixes: string[] = [];
  const code: string[] = [];
  let sep: string | undefined;
  let next: number | undefined;
  let i = 0;
  for (; i < lines.length; i++) {
    const m = NUMBERED.exec(lines[i]!);
    if (!m) break;
    const n = Number(m[2]);
    if ((next !== undefined && n !== next) || (sep !== undefined && m[3] !== sep)) return null;
    sep = m[3];
    next = n + 1;
    prefixes.push(m[0]);
    code.push(lines[i]!.slice(m[0].length));
  }
  if (prefixes.length < 3) return null;
  const trailer = lines.slice(i);
  // Unnumbered lines may only close the read (blank lines and a note), not interrupt it.
  if (trailer.some((l, k) => k > 0 && NUMBERED.test(l))) return null;
  return { code: code.join("\n"), prefixes, trailer: trailer.length ? `\n${trailer.join("\n")}` : "" };
}

/**
 * Puts the prefixes back: `sources[i]` is the code line output line `i` starts with (its prefix is
 * reused), or `undefined` for a line the compressor wrote (blank prefix of the same width).
 */
export function renumber(out: string, sources: readonly (number | undefined)[], n: NumberedText): string {
  const blank = (p: string) => p.replace(/\d/g, " ");
  const fallback = blank(n.prefixes[n.prefixes.length - 1]!);
  const lines = out.split("\n").map((l, i) => {
    const s = sources[i];
    return (s !== undefined ? n.prefixes[s]! : fallback) + l;
  });
  return lines.join("\n") + n.trailer;
}

/** Where a marker's original lies in the un-numbered code. */
export interface CodeSpan {
  key: string;
  start: number;
  end: number;
}

/**
 * Re-cuts the originals of a compression of `n.code` from the numbered input `numbered` (what the model
 * was shown), so a retrieved body carries its line numbers: a span starting at a line's start takes that
 * line's prefix, every line inside it keeps its own, and the whole-code span is the whole input (closing
 * note included). Markers in `out` (the un-numbered output, one per span, in order) get the new keys.
 * Returns `null` when the markers in `out` do not line up with `spans` (then nothing is stored wrongly).
 */
export function renumberOriginals(
  out: string,
  originals: readonly StoredOriginal[],
  spans: readonly CodeSpan[],
  n: NumberedText,
  numbered: string,
): { text: string; originals: StoredOriginal[] } | null {
  const codeStarts = lineStarts(n.code);
  const numStarts = lineStarts(numbered);
  // An offset in the code, as an offset in the numbered input. At a line's start it points before the
  // prefix when the span begins there (`from`), after the previous line's break in both cases otherwise.
  const map = (o: number, from: boolean) => {
    const line = lineAt(codeStarts, o);
    const col = o - codeStarts[line]!;
    if (col === 0 && (from || line > 0)) return numStarts[line]!;
    return numStarts[line]! + n.prefixes[line]!.length + col;
  };
  const meta = new Map(originals.map((o) => [o.key, o.meta]));
  const byKey = new Map<string, StoredOriginal>();
  const keys: string[] = [];
  for (const s of spans) {
    const whole = s.start === 0 && s.end === n.code.length;
    const content = whole ? numbered : numbered.slice(map(s.start, true), map(s.end, false));
    const key = ccrKey(content);
    const m = meta.get(s.key);
    if (!byKey.has(key)) byKey.set(key, m ? { key, content, meta: m } : { key, content });
    keys.push(key);
  }
  let i = 0;
  let ok = true;
  const text = out.replace(MARKER_PATTERN, (whole, key: string) => {
    const span = spans[i];
    if (!span || span.key !== key) ok = false;
    return ok ? whole.replace(key, keys[i++]!) : whole;
  });
  return ok && i === spans.length ? { text, originals: [...byKey.values()] } : null;
}

/**
 * For each line of `applyEdits(text, edits) + suffix`, the input line its first character comes from, or
 * `undefined` when that character was written by an edit or the suffix (marker lines, a footer).
 */
export function editedLineSources(text: string, edits: readonly Pick<Edit, "start" | "end" | "replacement">[], suffix = ""): (number | undefined)[] {
  const lineOf = lineIndex(text);
  // Until a line has a first character, it holds the source it gets if it stays empty.
  const out: (number | undefined)[] = [0];
  let started = false;
  // The output is a sequence of copied input spans and written text, walked line break by line break.
  const copy = (from: number, to: number) => {
    if (from >= to) return;
    let line = lineOf(from);
    if (!started) out[out.length - 1] = line;
    started = true;
    for (let p = text.indexOf("\n", from); p !== -1 && p < to; p = text.indexOf("\n", p + 1)) {
      out.push(++line);
      started = p + 1 < to;
    }
  };
  const write = (s: string) => {
    if (!s) return;
    if (!started) out[out.length - 1] = undefined;
    started = true;
    for (let k = s.indexOf("\n"); k !== -1; k = s.indexOf("\n", k + 1)) {
      out.push(undefined);
      started = k + 1 < s.length;
    }
  };
  let at = 0;
  for (const e of edits) {
    copy(at, e.start);
    write(e.replacement);
    at = e.end;
  }
  copy(at, text.length);
  write(suffix);
  return out;
}

/**
 * For each line of `out`, which only drops or trims lines of `text` (the lossless clean-up), the input
 * line it was taken from.
 */
export function alignedLineSources(text: string, out: string): (number | undefined)[] {
  const input = text.split("\n").map((l) => l.replace(/[ \t]+$/, ""));
  const sources: (number | undefined)[] = [];
  let j = 0;
  for (const line of out.split("\n")) {
    const trimmed = line.replace(/[ \t]+$/, "");
    let k = j;
    while (k < input.length && input[k] !== trimmed) k++;
    if (k < input.length) {
      sources.push(k);
      j = k + 1;
    } else sources.push(undefined);
  }
  return sources;
}

/** Offsets where each line of `text` starts (the first is 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let p = text.indexOf("\n"); p !== -1; p = text.indexOf("\n", p + 1)) starts.push(p + 1);
  return starts;
}

/** The line (0-based) holding `offset`, given the text's `lineStarts`: the last line starting at or before it. */
export function lineAt(starts: readonly number[], offset: number): number {
  return Math.max(0, countBelow(starts, offset + 1) - 1);
}

/** How many of the ascending offsets `sorted` are below `x` (binary search). */
export function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = lineStarts(text);
  return (offset) => lineAt(starts, offset);
}
