/**
 * compressCode, and files too large to parse in one go within a second: those are compressed as parts
 * cut at top-level lines, each parsed, planned and verified on its own (on worker threads when there
 * are cores to use), and the parts' edits are joined into one output with one footer. The cuts depend
 * on the text alone, so the output's bytes do not depend on how many threads ran the parts.
 */
import { createOriginals, type StoredOriginal } from "@headroom/core";
import { compressOutcome, written, type CodeCompression, type CodeCompressOptions, type Outcome, type OutcomeEdit } from "./compress.js";
import type { LanguageId } from "./languages.js";
import { countBelow } from "./numbered.js";
import { defaultThreads, runInWorkers, type PartJob } from "./part-pool.js";

/** Inputs of at least this many characters (about 250k tokens) are compressed in parts. */
export const SPLIT_FROM = 1 << 20;
/** Characters per part, about: a part's parse takes a tenth to a quarter of a second here. */
export const PART_CHARS = 1 << 19;
/** How far past its even share a cut looks for a top-level line before that part grows into the next. */
const SEARCH_CHARS = PART_CHARS / 2;

/**
 * Compresses one source file. Returns null when the language's grammar cannot read the file, when
 * nothing would be gained, or when the output would not parse as cleanly as the input. A file of a
 * megabyte or more (with a named language) is compressed in parts (see `CodeCompressOptions.threads`).
 */
export async function compressCode(text: string, language: LanguageId, options: CodeCompressOptions = {}): Promise<CodeCompression | null> {
  if (!text.trim()) return null;
  const starts = options.guessedLanguage ? [0] : partStarts(text);
  if (starts.length > 1) return compressParts(text, language, options, starts);
  const o = await compressOutcome(text, language, options);
  return o && written(text, o);
}

/**
 * Where the parts of `text` start: `[0]` below `SPLIT_FROM`, else about one part per `PART_CHARS`, each
 * cut at the first top-level line (see `topLevelLine`) after its even share of the text.
 */
export function partStarts(text: string): number[] {
  const starts = [0];
  if (text.length < SPLIT_FROM) return starts;
  const n = Math.ceil(text.length / PART_CHARS);
  const quoted = [occurrences(text, '"""'), occurrences(text, "'''")];
  const open = (p: number) => quoted.some((q) => countBelow(q, p) % 2 === 1) || text.lastIndexOf("/*", p) > text.lastIndexOf("*/", p);
  for (let k = 1; k < n; k++) {
    const at = topLevelLine(text, Math.floor((text.length * k) / n), open);
    if (at !== undefined && at > starts.at(-1)! && at < text.length) starts.push(at);
  }
  return starts;
}

/**
 * The first line starting at or after `from` (within `SEARCH_CHARS`) that opens a top-level construct:
 * it starts in column 0 with a word, a comment or a decorator, not a continuation keyword, the line
 * before it is blank or a lone closer in column 0 (`}`, `};`, `end`), and it is not inside a block
 * comment or a triple-quoted string (`open`). That is where a construct ends in brace and indentation
 * languages alike; a cut there leaves both parts as well-formed as the whole. A preprocessor line is
 * never a cut: `#if` sits in column 0 inside C function bodies too.
 */
function topLevelLine(text: string, from: number, open: (p: number) => boolean): number | undefined {
  const limit = Math.min(text.length, from + SEARCH_CHARS);
  for (let nl = text.indexOf("\n", Math.max(0, from - 1)); nl !== -1 && nl < limit; nl = text.indexOf("\n", nl + 1)) {
    const prev = text.slice(text.lastIndexOf("\n", nl - 1) + 1, nl);
    if (PREVIOUS.test(prev) && OPENS.test(text.slice(nl + 1, nl + 1 + 16)) && !open(nl + 1)) return nl + 1;
  }
  return undefined;
}

const PREVIOUS = /^(?:[})\]];?|end)?[ \t\r]*$/;
const OPENS = /^(?!(?:else|elif|except|finally|catch|rescue|ensure)\b)(?:[A-Za-z_$@]|\/[/*])/;

/** Offsets of every occurrence of `s` in `text`, in order (none overlapping). */
function occurrences(text: string, s: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(s); i !== -1; i = text.indexOf(s, i + s.length)) at.push(i);
  return at;
}

/**
 * The parts compressed and joined. The first part picks the grammar as a whole file would (fallbacks
 * included); the others are read with the named grammar, and again with the first part's when that
 * differs, so every part is verified with the grammar the result names.
 */
async function compressParts(text: string, language: LanguageId, options: CodeCompressOptions, starts: number[]): Promise<CodeCompression | null> {
  const { signal, threads = defaultThreads(), ...rest } = options;
  const bounds = starts.map((s, i) => ({ start: s, end: starts[i + 1] ?? text.length }));
  const jobs = (lang: LanguageId, from: number): PartJob[] =>
    bounds.slice(from).map((b, i) => ({ text: text.slice(b.start, b.end), language: lang, options: rest, fallbacks: from + i === 0 }));
  const outcomes = await runParts(jobs(language, 0), threads, signal);
  const first = outcomes[0];
  if (first && first.language !== language) outcomes.splice(1, Infinity, ...(await runParts(jobs(first.language, 1), threads, signal)));
  return joined(
    text,
    bounds.map((b, i) => ({ start: b.start, outcome: outcomes[i] ?? null })),
  );
}

/** Each job's outcome: on worker threads, and in this thread for any job a worker could not run. */
async function runParts(jobs: PartJob[], threads: number, signal: CodeCompressOptions["signal"]): Promise<(Outcome | null)[]> {
  const replies = threads > 0 && jobs.length > 1 ? await runInWorkers(jobs, Math.min(threads, jobs.length), signal) : [];
  const outcomes: (Outcome | null)[] = [];
  for (const [i, job] of jobs.entries()) {
    const r = replies[i];
    if (r && "outcome" in r) outcomes.push(r.outcome);
    else outcomes.push(await compressOutcome(job.text, job.language, { ...job.options, ...(signal ? { signal } : {}) }, job.fallbacks));
  }
  return outcomes;
}

/**
 * One result from the parts' outcomes: their edits moved to the whole text's offsets, one footer (and
 * the whole file stored) when any part cut short comments. A part without an outcome stays verbatim,
 * and so does a lossless one beside elided parts.
 */
function joined(text: string, parts: { start: number; outcome: Outcome | null }[]): CodeCompression | null {
  let done = parts.filter((p): p is { start: number; outcome: Outcome } => p.outcome !== null);
  // Beside elided parts, a part that was only cleaned up stays verbatim: its dropped white space would
  // come back from no marker, and the markers must give back the input byte for byte.
  if (done.some((p) => !p.outcome.lossless)) done = done.filter((p) => !p.outcome.lossless);
  if (!done.length) return null;
  const language = done[0]!.outcome.language;
  const edits: OutcomeEdit[] = done.flatMap(({ start, outcome }) => outcome.edits.map((e) => ({ ...e, start: e.start + start, end: e.end + start })));
  const seen = new Set<string>();
  const originals: StoredOriginal[] = [];
  for (const o of done.flatMap((p) => p.outcome.originals)) {
    if (seen.has(o.key)) continue;
    seen.add(o.key);
    originals.push(o);
  }
  const sum = (f: (o: Outcome) => number) => done.reduce((s, p) => s + f(p.outcome), 0);
  const lossless = done.every((p) => p.outcome.lossless);
  let file: StoredOriginal | undefined;
  if (done.some((p) => p.outcome.trimmed)) {
    const store = createOriginals();
    store.stash(text, { kind: "code-file", language });
    file = store.list()[0];
  }
  const r = written(text, {
    language,
    parseErrors: sum((o) => o.parseErrors),
    lossless,
    edits,
    originals,
    bodies: sum((o) => o.bodies),
    comments: sum((o) => o.comments),
    trimmed: file !== undefined,
    ...(file ? { file } : {}),
  });
  return r.text.length < text.length ? r : null;
}
