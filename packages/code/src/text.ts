/** Plain string helpers about lines and indentation. */

/** Index of the first character of the line that holds `i`. */
export function lineStart(text: string, i: number): number {
  return text.lastIndexOf("\n", i - 1) + 1;
}

/** Leading whitespace of the line that holds `i`. */
export function indentAt(text: string, i: number): string {
  const s = lineStart(text, i);
  return text.slice(s).match(/^[ \t]*/)![0];
}

/** True when only spaces/tabs precede `i` on its line. */
export function startsLine(text: string, i: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, i), i));
}

/** Number of lines of `s` holding something other than whitespace. */
export function nonBlankLines(s: string): number {
  let n = 0;
  for (const line of s.split("\n")) if (line.trim()) n++;
  return n;
}

/** Indentation of the first non-blank line of `s` after its first line break, if any. */
export function firstInnerIndent(s: string): string | undefined {
  const lines = s.split("\n").slice(1);
  for (const l of lines) if (l.trim()) return l.match(/^[ \t]*/)![0];
  return undefined;
}

/** Collapses runs of whitespace to one space (signature comparison across line wrapping). */
export function collapseSpace(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
