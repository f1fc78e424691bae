import { ccrKey, MARKER_PATTERN, type CompressorV2, type StoredOriginal } from "@headroom/core";

/** A `cat -n` / Read-tool line prefix: right-aligned number, then a tab or `→`. */
const PREFIX = /^ *\d+(?:\t|→)/;

/**
 * Line-numbered reads of logs (`cat -n app.log`, an agent's Read tool on a log file): the log compressor
 * gets the lines without their numbers (so its templates, levels and relevance see the log itself), and
 * its output gets them back — each kept line its own number, lines it wrote a blank prefix of the same
 * width — and every stored original is re-cut from the numbered input, so a retrieval returns the exact
 * bytes the tool printed. Declines anything that is not a numbered read (the router's `stripLineNumbers`
 * judged the kind on the content). Code has its own numbered handling in `@headroom/code`.
 */
export function createNumberedLogCompressor(): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "numbered",
    kinds: ["log"],
    // Before the log compressor: it hands the un-numbered text on, through the pipeline's delegate.
    priority: 100,
    async compress(unit, ctx) {
      if (!ctx.delegate) return { decline: "no delegate in this pipeline" };
      const split = splitNumberedLines(unit.text);
      if (!split) return { decline: "not a line-numbered read" };
      const r = await ctx.delegate(split.plain.join("\n"), ctx.detection);
      if (!r) return { decline: "no compressor took the un-numbered content" };
      const recut = recutOriginals(r.text, r.originals ?? [], split, unit.text);
      if (!recut) return { decline: "an original is not a piece of the input" };
      const text = renumberLines(recut.text, split);
      return { text, lossless: r.lossless, originals: recut.originals, transforms: ["numbered", ...(r.transforms ?? [])] };
    },
  };
}

interface NumberedLines {
  plain: string[];
  prefixes: string[];
}

/** Every line's prefix and content, or null unless every non-blank line is numbered (at least 3). */
export function splitNumberedLines(text: string): NumberedLines | null {
  const plain: string[] = [];
  const prefixes: string[] = [];
  let count = 0;
  for (const l of text.split("\n")) {
    const m = PREFIX.exec(l);
    if (!m && l.trim()) return null;
    if (m) count++;
    prefixes.push(m ? m[0] : "");
    plain.push(m ? l.slice(m[0].length) : l);
  }
  return count >= 3 ? { plain, prefixes } : null;
}

/** Gives each output line that is a kept input line (in order) that line's prefix; others a blank one. */
export function renumberLines(out: string, n: NumberedLines): string {
  const at = new Map<string, number[]>();
  for (const [i, l] of n.plain.entries()) {
    if (!n.prefixes[i]) continue;
    const list = at.get(l);
    if (list) list.push(i);
    else at.set(l, [i]);
  }
  const width = n.prefixes.reduce((w, p) => Math.max(w, p.length), 0);
  const blank = " ".repeat(Math.max(0, width - 1)) + (n.prefixes.find((p) => p.endsWith("→")) ? "→" : "\t");
  let cursor = 0;
  return out
    .split("\n")
    .map((line) => {
      const i = firstFrom(at.get(line), cursor);
      if (i === undefined) return line === "" ? line : blank + line;
      cursor = i + 1;
      return n.prefixes[i] + line;
    })
    .join("\n");
}

/**
 * Each original as the numbered bytes it came from (the whole input for the whole plain text), under a
 * new key, with the markers in `out` re-keyed. Null when an original is not a run of whole input lines.
 */
export function recutOriginals(out: string, originals: readonly StoredOriginal[], n: NumberedLines, numbered: string): { text: string; originals: StoredOriginal[] } | null {
  const plain = n.plain.join("\n");
  const lines = numbered.split("\n");
  const rekey = new Map<string, string>();
  const next: StoredOriginal[] = [];
  for (const o of originals) {
    let content: string | undefined;
    if (o.content === plain) content = numbered;
    else {
      const start = plain.indexOf(o.content);
      // Only runs of whole lines can be cut from the numbered text exactly.
      const end = start + o.content.length;
      if (start < 0 || (start > 0 && plain[start - 1] !== "\n") || (end < plain.length && !o.content.endsWith("\n") && plain[end] !== "\n")) return null;
      const first = plain.slice(0, start).split("\n").length - 1;
      const count = o.content.split("\n").length;
      content = lines.slice(first, first + count).join("\n");
      if (o.content.endsWith("\n")) content = `${lines.slice(first, first + count - 1).join("\n")}\n`;
    }
    const key = ccrKey(content);
    rekey.set(o.key, key);
    if (!next.some((x) => x.key === key)) next.push({ ...o, key, content });
  }
  const text = out.replace(MARKER_PATTERN, (whole, key: string) => (rekey.has(key) ? whole.replace(key, rekey.get(key)!) : whole));
  return { text, originals: next };
}

/** The first index in the ascending `list` that is at least `from` (binary search: logs repeat lines). */
function firstFrom(list: number[] | undefined, from: number): number | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}
