/**
 * The lossless form of a log: runs of identical consecutive lines become the line once plus a repeat
 * note `[previous line repeated N more times]`. It is only used when no input line looks like such a note,
 * so every note in the output is ours and `expandRepeats` restores the input byte for byte — the text is
 * recoverable from the output alone, which is what "lossless" means here. The encoder checks the round
 * trip itself and declines when it would not hold.
 */

const NOTE = /^\[previous line repeated (\d+) more times?\]$/;
/** Shortest run worth collapsing (a note costs about as much as one short line). */
const MIN_RUN = 3;

function note(n: number): string {
  return `[previous line repeated ${n} more time${n === 1 ? "" : "s"}]`;
}

/**
 * Collapses runs of identical consecutive lines. Returns `null` when nothing collapses or when the input
 * already contains a line that reads like a repeat note (the output would be ambiguous).
 */
export function collapseRepeats(text: string): string | null {
  const lines = text.split("\n");
  for (const l of lines) if (NOTE.test(l)) return null;
  const out: string[] = [];
  let changed = false;
  for (let i = 0; i < lines.length; ) {
    const l = lines[i]!;
    let j = i + 1;
    while (j < lines.length && lines[j] === l) j++;
    const run = j - i;
    // A run that ends the text would, after collapsing, lose the distinction between "" lines at the end;
    // the decoder handles it because repeats are explicit, so any run of MIN_RUN+ collapses.
    if (run >= MIN_RUN) {
      out.push(l, note(run - 1));
      changed = true;
    } else for (let k = i; k < j; k++) out.push(l);
    i = j;
  }
  if (!changed) return null;
  const encoded = out.join("\n");
  // Belt and braces: never claim losslessness that the decoder cannot deliver.
  return encoded.length < text.length && expandRepeats(encoded) === text ? encoded : null;
}

/** Inverse of `collapseRepeats`: expands every repeat note back into the repeated lines. */
export function expandRepeats(encoded: string): string {
  const lines = encoded.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = NOTE.exec(lines[i]!);
    if (m && i > 0) {
      const prev = out[out.length - 1]!;
      for (let k = Number(m[1]); k > 0; k--) out.push(prev);
    } else out.push(lines[i]!);
  }
  return out.join("\n");
}
