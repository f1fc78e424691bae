/**
 * Detection the prose plugin brings: man-page sources (roff). General detection is the router's; a
 * roff source is mostly request lines (`.TP`, `.BI "--x" N`) and reads there as unstructured text, which
 * no compressor takes, so a 100k-token manual went out unchanged.
 */
import type { DetectorV2 } from "@headroom/core";

/** A roff request line: a dot and a one- or two-letter macro name. */
const REQUEST = /^\.[A-Za-z][A-Za-z0-9]?(?:\s|$)/;
/** The title or section macros every man page has. */
const STRUCTURE = /^\.(?:TH|SH|Dt|Sh)\b/;
/** Share of non-blank lines that must be request lines. */
const MIN_REQUEST_SHARE = 0.05;
/** Section or title macros needed. */
const MIN_STRUCTURE = 2;

/** True for the source of a man page: title/section macros and a fair share of request lines. */
export function isRoff(text: string): boolean {
  let nonBlank = 0;
  let requests = 0;
  let structure = 0;
  for (const l of text.split("\n")) {
    if (!l.trim()) continue;
    nonBlank++;
    if (!REQUEST.test(l)) continue;
    requests++;
    if (STRUCTURE.test(l)) structure++;
  }
  return structure >= MIN_STRUCTURE && requests >= nonBlank * MIN_REQUEST_SHARE;
}

/** Detector for man-page sources: `prose`, above the router's "plain text" guess (0.5). */
export const roffDetector: DetectorV2 = {
  name: "prose/roff",
  kinds: ["prose"],
  detect: (text) => (isRoff(text) ? { kind: "prose", confidence: 0.6 } : null),
};
