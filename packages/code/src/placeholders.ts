/**
 * The exact text that replaces an elided span, and its inverse (`restoreCode`). Both live here so the
 * format and the parser of the format cannot drift apart.
 *
 * Formats (K = 24-hex CCR key, N = number of non-blank lines elided):
 * - brace body:   `{` + `\n<indent><// or #> [N lines elided. Retrieve more: hash=K]\n<close-indent>` + `}`
 * - python body:  `:` + `\n<indent>...  # [<doc first line> ][N lines elided. Retrieve more: hash=K]`
 * - comment tail: `<first comment line>` + ` [N more comment lines. Retrieve more: hash=K]` (+ ` ` before `*​/`)
 * - macro value: `#define NAME(args) ` + a block comment holding `[N lines elided. Retrieve more: hash=K]`
 * - comment run:  `<first comment line>` + `\n<indent><prefix> [N more comment lines. Retrieve more: hash=K]`
 */
import { marker, type StoredOriginal } from "@headroom/core";

export const fileSummary = (lines: number) => `${lines}-line original file, comments untrimmed`;
export const bodySummary = (lines: number) => `${lines} lines elided`;
export const commentSummary = (lines: number) => `${lines} more comment lines`;

/** Replacement for the inside of a `{ … }` body. */
export function braceBody(indent: string, closeIndent: string, lines: number, key: string, prefix = "//"): string {
  return `\n${indent}${prefix} ${marker(bodySummary(lines), key)}\n${closeIndent}`;
}

/**
 * Footer carrying the whole original file, added when short comments were cut to their first line
 * (`… ` marks each cut): those cuts are too small for a marker of their own.
 */
export function fileFooter(text: string, lineComment: string, key: string): string {
  let lines = text.endsWith("\n") ? 0 : 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return `${text.endsWith("\n") ? "" : "\n"}${lineComment} ${marker(fileSummary(lines), key)}\n`;
}

/** Replacement for the multi-line value of a C/C++ macro definition. */
export function macroValue(lines: number, key: string): string {
  return `/* ${marker(bodySummary(lines), key)} */`;
}

/** Replacement for a Python block (from after the `:` to the end of the block). */
export function pythonBody(indent: string, lines: number, key: string, doc?: string): string {
  const d = doc ? `${doc} ` : "";
  return `\n${indent}...  # ${d}${marker(bodySummary(lines), key)}`;
}

/** Replacement for the rest of a block comment or docstring after its first line. */
export function commentTail(lines: number, key: string, beforeClose: boolean): string {
  return ` ${marker(commentSummary(lines), key)}${beforeClose ? " " : ""}`;
}

/** Replacement for the lines after the first of a run of line comments. */
export function commentRun(indent: string, prefix: string, lines: number, key: string): string {
  return `\n${indent}${prefix} ${marker(commentSummary(lines), key)}`;
}

const KEY = "([a-f0-9]{24})";
const BODY = `\\d+ lines elided\\. Retrieve more: hash=${KEY}\\]`;
const COMMENT = `\\d+ more comment lines\\. Retrieve more: hash=${KEY}\\]`;
const FILE_FOOTER = new RegExp(`\\n(?://|#) \\[\\d+-line original file, comments untrimmed\\. Retrieve more: hash=${KEY}\\]\\n$`);
/** Every placeholder form, one capture group (the key) each; same-position alternatives never overlap. */
const PLACEHOLDER = new RegExp(
  [
    `\\n[ \\t]*(?://[/!]?|#) \\[${BODY}\\n[ \\t]*`,
    `\\n[ \\t]*\\.\\.\\.  # (?:[^\\n]*? )?\\[${BODY}`,
    `/\\* \\[${BODY} \\*/`,
    `\\n[ \\t]*(?://[/!]?|#) \\[${COMMENT}`,
    ` \\[${COMMENT} ?`,
  ]
    .map((p) => `(?:${p})`)
    .join("|"),
  "g",
);

/**
 * Puts every elided span back: the inverse of the code compressor for the originals it returned.
 * `restoreCode(result.text, result.originals)` gives back the input byte for byte in reversible mode.
 * One pass: text restored from an original is not scanned again. Unknown keys are left as they are.
 */
export function restoreCode(text: string, originals: readonly StoredOriginal[]): string {
  const byKey = new Map(originals.map((o) => [o.key, o.content]));
  const file = text.match(FILE_FOOTER);
  const whole = file ? byKey.get(file[1]!) : undefined;
  if (whole !== undefined) return whole;
  return text.replace(PLACEHOLDER, (m: string, ...groups: unknown[]) => {
    const key = groups.slice(0, 5).find((g): g is string => typeof g === "string");
    const content = key === undefined ? undefined : byKey.get(key);
    return content ?? m;
  });
}
