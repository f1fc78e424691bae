/**
 * What a kept record costs in the output, and the ditto mark that makes a long value repeated down a
 * column of one kind of line cheap to show again.
 */
import { isSpaceCode } from "@headroom/text";
import { WILDCARD } from "./drain.js";
import type { LogRecord } from "./records.js";

/** A long token equal to the one at the same position of the line above is shown as this ditto mark. */
export const DITTO = "〃";
const DITTO_MIN = 16;

/** Characters each record costs in the output (long tokens repeated from the record above count as a ditto). */
export function recordCosts(lines: string[], records: readonly LogRecord[], heads: string[], maxTrace: number): number[] {
  const traces = new Set<string>();
  // Priced against the record above when of the same template: inside a run of one kind, the shown record
  // above is most likely of the same kind too (a column repeats down the run, across omission notes).
  return records.map((r, i) => {
    let n = ditto(heads[i]!, i > 0 && records[i - 1]!.template === r.template ? heads[i - 1] : undefined, r.template.tokens).length + 1;
    if (r.end - r.start > 3) {
      // A trace seen before renders as a one-line note (see renderRecord).
      const trace = lines.slice(r.start + 1, r.end).join("\n");
      if (traces.has(trace)) return n + 60;
      traces.add(trace);
    }
    const end = Math.min(r.end, r.start + maxTrace + 2);
    for (let k = r.start + 1; k < end; k++) n += lines[k]!.length + 1;
    return n;
  });
}

/**
 * `line` with every variable token (a `<*>` position of `template`) of ≥ 16 characters that equals the
 * token at the same position of `above` replaced by a ditto mark — a user agent or URL repeated down a
 * column. The template's constant words stay, so the line still reads as what it is. Whitespace is kept.
 */
export function ditto(line: string, above: string | undefined, template: readonly string[]): string {
  if (above === undefined || line.length < DITTO_MIN || !hasLongSharedToken(line, above)) return line;
  // The tokens (`/\S+/g`) of both lines walked in step, k-th with k-th; only a long variable token is
  // compared (in place) and only a changed line is rebuilt.
  let out = "";
  let copied = 0;
  let k = 0;
  let p = 0; // scan position in `above`
  for (let i = 0; i < line.length; ) {
    if (isSpace(line.charCodeAt(i))) {
      i++;
      continue;
    }
    const from = i;
    while (i < line.length && !isSpace(line.charCodeAt(i))) i++;
    while (p < above.length && isSpace(above.charCodeAt(p))) p++;
    const prevFrom = p;
    while (p < above.length && !isSpace(above.charCodeAt(p))) p++;
    const len = i - from;
    const same = len >= DITTO_MIN && template[k] === WILDCARD && p - prevFrom === len && above.startsWith(line.slice(from, i), prevFrom);
    k++;
    if (same) {
      out += line.slice(copied, from) + DITTO;
      copied = i;
    }
  }
  return copied > 0 ? out + line.slice(copied) : line;
}

function isSpace(c: number): boolean {
  return c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && isSpaceCode(c);
}

/**
 * Cheap pre-check of `ditto` (it runs for every record): some token of ≥ 16 characters of `line` (a maximal
 * run of code units above 32) is in `above`. Most tokens are short, so the scan looks at the last code unit
 * of a 16-wide window first and jumps past the last space in it: most code units are never read.
 */
export function hasLongSharedToken(line: string, above: string): boolean {
  const n = line.length;
  // `s` is always 0 or just after a space: the start of a run. It never passes the start of a long run
  // (the space before such a run is the last one in any window reaching into it).
  let s = 0;
  while (s + DITTO_MIN <= n) {
    let p = s + DITTO_MIN - 1;
    while (p >= s && line.charCodeAt(p) > 32) p--;
    if (p >= s) {
      s = p + 1;
      continue;
    }
    let e = s + DITTO_MIN;
    while (e < n && line.charCodeAt(e) > 32) e++;
    if (above.includes(line.slice(s, e))) return true;
    s = e + 1;
  }
  return false;
}
