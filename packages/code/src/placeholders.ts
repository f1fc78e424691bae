/**
 * The exact text that replaces an elided span, and its inverse (`restoreCode`). Both live here so the
 * format and the parser of the format cannot drift apart.
 *
 * Formats (K = 24-hex CCR key, N = number of non-blank lines elided):
 * - brace body:   `{` + `\n<indent>// [N lines elided. Retrieve more: hash=K]\n<close-indent>` + `}`
 * - python body:  `:` + `\n<indent>...  # [<doc first line> ][N lines elided. Retrieve more: hash=K]`
 * - comment tail: `<first comment line>` + ` [N more comment lines. Retrieve more: hash=K]` (+ ` ` before `*​/`)
 * - macro value: `#define NAME(args) ` + a block comment holding `[N lines elided. Retrieve more: hash=K]`
 * - comment run:  `<first comment line>` + `\n<indent><prefix> [N more comment lines. Retrieve more: hash=K]`
 */
import { marker, type StoredOriginal } from "@headroom/core";

export const bodySummary = (lines: number) => `${lines} lines elided`;
export const commentSummary = (lines: number) => `${lines} more comment lines`;

/** Replacement for the inside of a `{ … }` body. */
export function braceBody(indent: string, closeIndent: string, lines: number, key: string, prefix = "//"): string {
  return `\n${indent}${prefix} ${marker(bodySummary(lines), key)}\n${closeIndent}`;
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

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Patterns matching each placeholder form for a key, most specific first. */
function patterns(key: string): RegExp[] {
  const body = esc(`${bodySummary(0)}. Retrieve more: hash=${key}]`).replace("0", "\\d+");
  const comment = esc(`${commentSummary(0)}. Retrieve more: hash=${key}]`).replace("0", "\\d+");
  return [
    new RegExp(`\\n[ \\t]*//[/!]? \\[${body}\\n[ \\t]*`, "g"),
    new RegExp(`\\n[ \\t]*\\.\\.\\.  # (?:[^\\n]*? )?\\[${body}`, "g"),
    new RegExp(`/\\* \\[${body} \\*/`, "g"),
    new RegExp(`\\n[ \\t]*(?://[/!]?|#) \\[${comment}`, "g"),
    new RegExp(` \\[${comment} ?`, "g"),
  ];
}

/**
 * Puts every elided span back: the inverse of the code compressor for the originals it returned.
 * `restoreCode(result.text, result.originals)` gives back the input byte for byte in reversible mode.
 */
export function restoreCode(text: string, originals: readonly StoredOriginal[]): string {
  let out = text;
  // Originals may nest (never in this compressor's output, but be safe): repeat until stable.
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const o of originals) {
      for (const re of patterns(o.key)) {
        const next = out.replace(re, () => o.content);
        if (next !== out) {
          out = next;
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  return out;
}
