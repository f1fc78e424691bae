/**
 * Splits a text into what the model scores and what it never touches. Headings, code fences, indented
 * literal blocks, tables and directives (as `@headroom/prose` finds them) stay verbatim; every other
 * line keeps its markup prefix (indent, list marker, quote, task box) and its words become candidates.
 * A word is whitespace-delimited (LLMLingua-2 scores and drops whole words), and carries a `protect`
 * flag for what is never dropped: numbers, identifiers, paths, URLs, code spans, quoted strings and the
 * query's terms.
 */
import { splitBlocks, terms } from "@headroom/prose";

/** One whitespace-delimited word of a compressible line. */
export interface Word {
  text: string;
  /** Index of the line that holds it. */
  line: number;
  /** Never dropped (number, identifier, path, URL, code span, quoted string, query term). */
  protect: boolean;
  /** Ends a sentence (or its line): a chunk boundary the model may be cut at. */
  boundary: boolean;
}

/** A line: verbatim, or a markup prefix plus the range `[from, to)` of its words. */
export interface Line {
  verbatim: boolean;
  text: string;
  prefix: string;
  from: number;
  to: number;
}

/** The segmentation of a text. */
export interface Segmented {
  lines: Line[];
  words: Word[];
  trailingNewline: boolean;
}

const PREFIX = /^\s*(?:(?:>\s?)+|(?:[-*+•]|\d{1,3}[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s+)?)*/;
// A span that is kept whole: `code`, "double" or “curly” quotes, and 'single' quotes around a phrase.
const SPANS = /`[^`\n]+`|"[^"\n]{1,200}"|“[^”\n]{1,200}”|(?<![\w])'[^'\n]{1,200}'(?![\w])/g;

/** True for a word that carries a fact a model cannot guess back (see the module comment). */
export function isProtectedWord(w: string): boolean {
  if (/\d/.test(w)) return true; // numbers, versions, dates, sizes, ids
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w) || /^(?:www\.|mailto:)/i.test(w)) return true; // URLs
  if (/[/\\]/.test(w) && /[\w.~]/.test(w.replace(/[/\\]/g, ""))) return true; // paths (and and/or — cheap to keep)
  if (/^[~.]{1,2}\//.test(w)) return true;
  const core = w.replace(/^[("'[{<*_]+|[)"'\]}>*_,;:!?.]+$/g, "");
  if (/[a-z][A-Z]/.test(core) || /\w_\w/.test(core) || /::|->|=>/.test(core)) return true; // camelCase, snake_case, Foo::bar
  if (/\w\.\w/.test(core) && !/^(?:[a-z]\.){1,3}$/i.test(core + ".")) return true; // dotted names, file.ext (not e.g./i.e.)
  if (/\w\(|\(\)/.test(core)) return true; // calls
  if (/^[A-Z][A-Z0-9]{1,}$/.test(core)) return true; // ACRONYMS, CONSTANTS
  if (/[=<>{}[\]#@$%|^&]/.test(core)) return true; // flags, operators, markup with meaning
  if (/^--?[a-z]/i.test(core)) return true; // command-line options
  return false;
}

/** Stemmed query terms to keep wherever they occur. */
export function queryTerms(query: string | undefined): Set<string> {
  return new Set(query ? terms(query) : []);
}

/** Segments `text`; deterministic, never throws. */
export function segment(text: string, query?: string): Segmented {
  const trailingNewline = text.endsWith("\n");
  const raw = (trailingNewline ? text.slice(0, -1) : text).split("\n");
  const verbatim = new Array<boolean>(raw.length).fill(false);
  for (const b of splitBlocks(raw)) if (b.kind !== "para" && b.kind !== "item" && b.kind !== "blank") for (let l = b.start; l < b.end; l++) verbatim[l] = true;
  const q = queryTerms(query);
  // Prose repeats its words: decide each distinct word once.
  const memo = new Map<string, boolean>();
  const protectedWord = (w: string): boolean => {
    let p = memo.get(w);
    if (p === undefined) {
      p = isProtectedWord(w) || (q.size > 0 && terms(w).some((t) => q.has(t)));
      memo.set(w, p);
    }
    return p;
  };
  const lines: Line[] = [];
  const words: Word[] = [];
  raw.forEach((text, li) => {
    const body = text.replace(/\r$/, "");
    if (verbatim[li] || body.trim() === "") {
      lines.push({ verbatim: true, text, prefix: "", from: words.length, to: words.length });
      return;
    }
    const prefix = PREFIX.exec(body)![0];
    const rest = body.slice(prefix.length);
    const spans: [number, number][] = [];
    for (const m of rest.matchAll(SPANS)) spans.push([m.index!, m.index! + m[0].length]);
    const from = words.length;
    for (const m of rest.matchAll(/\S+/g)) {
      const s = m.index!;
      const e = s + m[0].length;
      const inSpan = spans.length > 0 && spans.some(([a, b]) => s < b && e > a);
      const w = m[0];
      const protect = inSpan || protectedWord(w);
      words.push({ text: w, line: li, protect, boundary: /[.!?]["')\]]*$/.test(w) });
    }
    if (words.length > from) words[words.length - 1]!.boundary = true;
    lines.push({ verbatim: false, text, prefix, from, to: words.length });
  });
  return { lines, words, trailingNewline };
}

/**
 * Chooses the words to keep: every protected word, then the others by descending probability (ties by
 * position) until their characters reach `ratio` of the candidates' characters. This is LLMLingua-2's
 * threshold rule with the threshold read off the budget: the probability of the last word taken.
 */
export function chooseKept(words: readonly Word[], probs: ArrayLike<number>, ratio: number): boolean[] {
  const kept = words.map((w) => w.protect);
  let total = 0;
  let used = 0;
  const free: number[] = [];
  words.forEach((w, i) => {
    const c = w.text.length + 1;
    total += c;
    if (w.protect) used += c;
    else free.push(i);
  });
  const target = total * Math.min(1, Math.max(0, ratio));
  free.sort((a, b) => probs[b]! - probs[a]! || a - b);
  for (const i of free) {
    if (used >= target) break;
    kept[i] = true;
    used += words[i]!.text.length + 1;
  }
  return kept;
}

/**
 * Renders the kept words line by line: verbatim lines as they were, other lines as their prefix plus
 * the kept words. A dropped sentence-final word leaves its full stop on the previous kept word, so
 * sentence boundaries survive; a line with nothing kept disappears, and blank lines never double.
 */
export function render(seg: Segmented, kept: readonly boolean[]): string {
  const out: string[] = [];
  for (const l of seg.lines) {
    if (l.verbatim) {
      if (l.text.trim() === "" && out.length && out[out.length - 1]!.trim() === "") continue;
      out.push(l.text);
      continue;
    }
    const parts: string[] = [];
    for (let i = l.from; i < l.to; i++) {
      const w = seg.words[i]!;
      if (kept[i]) parts.push(w.text);
      else if (parts.length) {
        const stop = /[.!?]$/.exec(w.text.replace(/["')\]]+$/, ""));
        const last = parts[parts.length - 1]!;
        if (stop && !/[.!?:;,]$/.test(last)) parts[parts.length - 1] = last + stop[0];
      }
    }
    if (!parts.length) continue;
    out.push(l.prefix + parts.join(" ") + (l.text.endsWith("\r") ? "\r" : ""));
  }
  return out.join("\n") + (seg.trailingNewline ? "\n" : "");
}
