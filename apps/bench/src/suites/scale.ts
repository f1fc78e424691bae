import { availableParallelism } from "node:os";
import { headroomPlugin as code, countParseErrors, normalizeLanguage } from "@headroom/code";
import { asCompressorV2, type AnyCompressor, type Tokenizer } from "@headroom/core";
import { createMockContext, createUnit } from "@headroom/core/testing";
import { headroomPlugin as diff } from "@headroom/diff";
import { headroomPlugin as log } from "@headroom/log";
import { headroomPlugin as prose } from "@headroom/prose";
import { headroomPlugin as search } from "@headroom/search";
import { createSmartCrusher } from "@headroom/smart-crusher";
import { EXTENSION_LANGUAGES, LANGUAGE_IDS } from "@headroom/text";
import type { CorpusCase } from "../corpus.js";
import { median } from "../metrics.js";
import { cpuPressure } from "../proxy-harness.js";
import type { BenchSuite, Table } from "../suite.js";

/** Input sizes in o200k tokens (approximate: built to the nearest line). */
export const SIZES = [125_000, 250_000, 500_000, 1_000_000];
const LIMIT_MS = 1000;
const MAX_EXPONENT = 1.05;

interface Spec {
  corpusKind: string;
  kind: string;
  make: () => AnyCompressor;
  toolName: string;
  fileName?: (language: string) => string;
}

const SPECS: Spec[] = [
  { corpusKind: "logs", kind: "log", make: () => log(), toolName: "bash" },
  { corpusKind: "json", kind: "json", make: () => createSmartCrusher(), toolName: "http_get" },
  { corpusKind: "code", kind: "code", make: () => code(), toolName: "read_file", fileName: (l) => `input.${EXT[l] ?? "txt"}` },
  { corpusKind: "search", kind: "search", make: () => search(), toolName: "grep" },
  { corpusKind: "diff", kind: "diff", make: () => diff(), toolName: "git" },
  { corpusKind: "text", kind: "prose", make: () => prose(), toolName: "fetch" },
];
/** Code with its parts on this thread alone: the paired baseline of the threads. */
const IN_TURN: Spec = { ...SPECS.find((s) => s.kind === "code")!, make: () => code({ threads: 0 }) };
/**
 * File extension of each language: the first one @headroom/text's table lists for it, so every language
 * the compressors know (newer ones included) gets a file name that picks its grammar.
 */
export const EXT: Readonly<Record<string, string>> = Object.fromEntries(
  LANGUAGE_IDS.map((l) => [l, Object.keys(EXTENSION_LANGUAGES).find((e) => EXTENSION_LANGUAGES[e] === l) ?? "txt"]),
);

/** Slope of the least-squares line through (log x, log y): the time-vs-size exponent. */
export function fitExponent(points: { x: number; y: number }[]): number {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => ({ x: Math.log(q.x), y: Math.log(q.y) }));
  const n = p.length;
  if (n < 2) return Number.NaN;
  const mx = p.reduce((s, q) => s + q.x, 0) / n;
  const my = p.reduce((s, q) => s + q.y, 0) / n;
  const sxy = p.reduce((s, q) => s + (q.x - mx) * (q.y - my), 0);
  const sxx = p.reduce((s, q) => s + (q.x - mx) ** 2, 0);
  return sxx ? sxy / sxx : Number.NaN;
}

/** Objects of every top-level (or first nested) array in the JSON cases, in corpus order. */
function jsonItems(cases: CorpusCase[]): unknown[] {
  const out: unknown[] = [];
  const firstArray = (v: unknown): unknown[] | undefined => {
    if (Array.isArray(v)) return v;
    if (v && typeof v === "object") for (const x of Object.values(v)) if (Array.isArray(x) && x.length > 1) return x;
    return undefined;
  };
  for (const c of cases) {
    try {
      out.push(...(firstArray(JSON.parse(c.content ?? "")) ?? []));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e; // JSON lines or a non-JSON case: not an array source
    }
  }
  return out;
}

/**
 * Corpus content of one kind, about `tokens` tokens of it (sizing by each piece's measured tokens per
 * character), in memory only: whole copies of the kind's cases and the same share of each of them, so
 * every size holds the same mix. Code uses the files of the most common language, whole files repeated
 * in corpus order (a file cut short would not parse); JSON one array of the cases' items.
 */
export function buildInput(spec: Spec, cases: CorpusCase[], tokens: number, tokenizer: Tokenizer, only?: string): { text: string; language?: string } {
  let pool = cases.filter((c) => c.kind === spec.corpusKind && (c.content ?? "").length > 0);
  let language: string | undefined;
  if (spec.kind === "code") {
    const counts = new Map<string, number>();
    for (const c of pool) if (c.language) counts.set(c.language, (counts.get(c.language) ?? 0) + (c.content ?? "").length);
    language = only ?? [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    pool = pool.filter((c) => c.language === language);
  }
  if (spec.kind === "json") {
    const items = jsonItems(pool);
    const per = tokenizer.count(JSON.stringify(items.slice(0, 200), null, 2)) / Math.max(1, Math.min(200, items.length));
    const n = Math.ceil(tokens / Math.max(1e-6, per));
    return { text: JSON.stringify(Array.from({ length: n }, (_, i) => items[i % items.length]), null, 2) };
  }
  const pieces = pool.map((c) => ({ text: c.content ?? "", tokens: tokenizer.count(c.content ?? "") }));
  const sep = spec.kind === "prose" ? "\n\n" : "\n";
  if (spec.kind === "code") return { text: repeated(pieces, tokens).join(sep), ...(language ? { language } : {}) };
  // Every size the same mix: whole copies of the pool, then the same share of every case (its start),
  // so a larger input differs in size only, not in which cases (log formats) it holds.
  const total = pieces.reduce((s, p) => s + p.tokens, 0);
  const copies = Math.floor(tokens / Math.max(1, total));
  const share = tokens / Math.max(1, total) - copies;
  const parts: string[] = [];
  for (let r = 0; r < copies; r++) for (const p of pieces) parts.push(p.text);
  for (const p of pieces) {
    const head = startOf(p.text, share, spec.kind);
    if (head) parts.push(head);
  }
  return { text: parts.join(sep) };
}

/** Code: whole files repeated in corpus order, the last one cut at a line near the remaining budget. */
function repeated(pieces: { text: string; tokens: number }[], tokens: number): string[] {
  const parts: string[] = [];
  let have = 0;
  for (let i = 0; have < tokens && pieces.length; i++) {
    const p = pieces[i % pieces.length]!;
    if (have + p.tokens <= tokens) {
      parts.push(p.text);
      have += p.tokens;
      continue;
    }
    const chars = Math.floor(((tokens - have) / Math.max(1, p.tokens)) * p.text.length);
    const cut = p.text.lastIndexOf("\n", chars);
    parts.push(p.text.slice(0, cut > 0 ? cut : chars));
    have = tokens;
  }
  return parts;
}

/**
 * The first `share` of a case, cut where its units end: a line (logs, search), a paragraph (prose), a
 * file or hunk of a diff (so no hunk is cut short). Empty when not even one unit fits.
 */
export function startOf(text: string, share: number, kind: string): string {
  const chars = Math.floor(share * text.length);
  if (chars >= text.length) return text;
  const at = (b: string, from = chars) => text.lastIndexOf(b, from);
  let cut = kind === "prose" ? at("\n\n") : at("\n");
  if (kind === "diff") {
    const hunk = at("\n@@ ");
    const file = Math.max(0, at("\ndiff --git ")); // 0: the first file's header starts the text
    // Before a file's first hunk the cut would leave its header alone: it goes before the file instead.
    cut = hunk > file && at("\n@@ ", hunk - 1) > file ? hunk : file;
  }
  return cut > 0 ? text.slice(0, cut) : "";
}

interface Point {
  kind: string;
  tokens: number;
  ms: number;
  outTokens: number;
  status: string;
}

/** An input ready to time: the compressor, its unit and token count; `point` reads the last call's outcome. */
interface Prepared {
  tokens: number;
  time(): Promise<number>;
  point(ms: number): Point;
}

function prepare(spec: Spec, text: string, language: string | undefined, tokenizer: Tokenizer, query: string): Prepared {
  const c = asCompressorV2(spec.make());
  const tokens = tokenizer.count(text);
  const fileName = spec.fileName && language ? spec.fileName(language) : undefined;
  const toolArgs = JSON.stringify(fileName ? { file_path: fileName } : { command: spec.toolName });
  const unit = createUnit(text, { query, source: { toolName: spec.toolName, toolArgs, ...(fileName ? { fileName } : {}) } });
  let out: unknown;
  return {
    tokens,
    async time() {
      const ctx = createMockContext({ tokenizer, inputTokens: tokens, detection: { kind: spec.kind, confidence: 1, ...(language ? { language } : {}) } });
      const t0 = performance.now();
      out = await c.compress(unit, ctx);
      return performance.now() - t0;
    },
    point(ms) {
      const res = out && typeof out === "object" && "text" in out ? (out as { text: string; outputTokens?: number }) : undefined;
      const status = res ? "compressed" : out && typeof out === "object" && "decline" in out ? `declined: ${(out as { decline: string }).decline}` : "declined";
      return { kind: spec.kind, tokens, ms, outTokens: res ? (res.outputTokens ?? tokenizer.count(res.text)) : tokens, status };
    },
  };
}

/**
 * Median time of each input over `reps` rounds that each time every input once, so a change in the
 * machine's load during the run falls on every size alike (the fit is about size). `warm`: one untimed
 * call on the first input first, which pays grammar loading and JIT.
 */
async function interleaved(inputs: Prepared[], reps: number, warm: boolean): Promise<Point[]> {
  if (warm && inputs[0]) await inputs[0].time();
  const times: number[][] = inputs.map(() => []);
  for (let r = 0; r < reps; r++) for (const [i, p] of inputs.entries()) times[i]!.push(await p.time());
  return inputs.map((p, i) => p.point(median(times[i]!)));
}

async function timeOne(spec: Spec, text: string, language: string | undefined, tokenizer: Tokenizer, query: string, reps: number, warm: boolean): Promise<Point> {
  return (await interleaved([prepare(spec, text, language, tokenizer, query)], reps, warm))[0]!;
}

/**
 * Every compressor alone on inputs of 125k–1M tokens built from corpus content: time per size, the
 * fitted time-vs-size exponent (log-log least squares) and pass/fail against < 1 s at 1M tokens and an
 * exponent ≤ 1.05. The compressor is called directly (the pipeline's own count of the input, the
 * tokenize-once floor, is reported beside it).
 */
export const suite: BenchSuite = {
  name: "scale",
  description: "each compressor on 125k/250k/500k/1M-token inputs from corpus content: time, fitted exponent, pass/fail (< 1 s at 1M, exponent ≤ 1.05)",
  async run(ctx) {
    // Five rounds: at 125k tokens a kind takes 20-50 ms, where one GC pause moves a median of three.
    const reps = ctx.quick ? 1 : 5;
    const pressure = [cpuPressure()];
    const points: Point[] = [];
    const floors: Record<string, number> = {};
    let main: Measured | undefined;
    // Code at every size: the compressor's time beside one parse of the same input.
    const codeBySize: BySize[] = [];
    const specs = SPECS.filter((s) => ctx.cases.some((c) => c.kind === s.corpusKind));
    for (const [k, spec] of specs.entries()) {
      ctx.progress(`scale ${spec.kind}`, k, specs.length);
      const query = ctx.cases.find((c) => c.kind === spec.corpusKind)?.query ?? "";
      const inputs = SIZES.map((size) => buildInput(spec, ctx.cases, size, ctx.tokenizer));
      const kindPoints = await interleaved(inputs.map((i) => prepare(spec, i.text, i.language, ctx.tokenizer, query)), reps, true);
      points.push(...kindPoints);
      const largest = inputs.at(-1)!;
      const t0 = performance.now();
      ctx.tokenizer.count(largest.text);
      floors[spec.kind] = performance.now() - t0;
      const language = largest.language;
      if (spec.kind !== "code" || !language) continue;
      // Code's other floor, the one parse of the input it cannot do without (warm grammar); and the same
      // parts one after another on this thread, the time the parts' work itself takes.
      const inTurn = await interleaved(inputs.map((i) => prepare(IN_TURN, i.text, language, ctx.tokenizer, query)), reps, false);
      for (const [i, input] of inputs.entries()) {
        codeBySize.push({ tokens: kindPoints[i]!.tokens, ms: kindPoints[i]!.ms, inTurn: inTurn[i]!.ms, parse: await parseMs(input.text, language, reps) });
      }
      main = { language, point: kindPoints.at(-1)!, parse: codeBySize.at(-1)!.parse, inTurn: inTurn.at(-1)!.ms };
    }
    const byLanguage = await codeByLanguage(ctx, reps, main);
    ctx.progress("scale", 1, 1);
    pressure.push(cpuPressure());
    const rows = specs.map((spec) => {
      const ps = points.filter((p) => p.kind === spec.kind);
      const exp = fitExponent(ps.map((p) => ({ x: p.tokens, y: p.ms })));
      const big = ps.at(-1)!;
      const pass = big.ms < LIMIT_MS && exp <= MAX_EXPONENT;
      const parse = spec.kind === "code" ? main?.parse : undefined;
      return [spec.kind, ...ps.map((p) => p.ms.toFixed(0)), big.tokens, ((1 - big.outTokens / Math.max(1, big.tokens)) * 100).toFixed(1) + "%", (floors[spec.kind] ?? 0).toFixed(0), parse === undefined ? "—" : parse.toFixed(0), exp.toFixed(2), pass ? "pass" : "FAIL", big.status];
    });
    const table: Table = {
      title: `Scale: compressor time (ms, median of ${reps}) by input size`,
      columns: ["kind", ...SIZES.map((s) => `${s / 1000}k`), "largest input tokens", "savings at largest", "tokenize-once ms at largest", "parse-once ms at largest", "exponent", `< ${LIMIT_MS} ms at 1M and exponent ≤ ${MAX_EXPONENT}`, "status at largest"],
      rows,
      notes: ["inputs: corpus content of the kind, built in memory: whole copies of its cases and then the same share of each case (its start, cut at a line, a paragraph or a diff hunk), so every size holds the same mix of cases; code: the most common language's files, whole, repeated in corpus order, the last cut at a line; json: one array of the cases' items",
        `each of the ${reps} rounds times every size of a kind once (sizes interleaved, after one untimed call on the smallest), so a change in the machine's load falls on all sizes alike; the median round is shown`, "exponent = slope of log(time) against log(tokens), least squares over the four sizes",
        "parse-once = one web-tree-sitter parse of the largest input with its grammar (code only, median of the same repetitions): the code compressor parses the input once and re-parses its output incrementally; an input of a megabyte or more (500k and 1M tokens here) it compresses as parts cut at top-level lines, on worker threads, so its time can come under one whole parse",
        `CPU pressure of the machine (PSI some avg60) before / after: ${pressure.map((p) => (p === undefined ? "n/a" : `${p.toFixed(0)}%`)).join(" / ")}; well above 0, other work shares the cores and every time here is inflated alike`,
      ],
    };
    const bySize = codeBySizeTable(codeBySize, main?.language, reps);
    return { tables: [table, ...(bySize ? [bySize] : []), ...(byLanguage ? [byLanguage] : [])], data: points };
  },
};

/** Median ms of one warm web-tree-sitter parse of `text` (with its error count); NaN for no grammar. */
async function parseMs(text: string, language: string, reps: number): Promise<number> {
  const lang = normalizeLanguage(language);
  if (!lang) return Number.NaN;
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await countParseErrors(text, lang);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * The code row by size, split into the one parse the input needs and the rest (walk, re-parse of the
 * output, tree edits, output): which part grows faster than the input.
 */
function codeBySizeTable(rows: BySize[], language: string | undefined, reps: number): Table | undefined {
  if (!rows.length) return undefined;
  const fit = (y: (r: BySize) => number) => fitExponent(rows.map((r) => ({ x: r.tokens, y: y(r) }))).toFixed(2);
  return {
    title: `Code (${language ?? "?"}) by size: compressor time beside one parse of the same input (ms, median of ${reps})`,
    columns: ["input tokens", "compress ms", "in turn ms", "parse-once ms", "rest ms", "in turn / parse"],
    rows: [
      ...rows.map((r) => [r.tokens, r.ms.toFixed(0), r.inTurn.toFixed(0), r.parse.toFixed(0), (r.inTurn - r.parse).toFixed(0), (r.inTurn / r.parse).toFixed(2)]),
      ["fitted exponent", fit((r) => r.ms), fit((r) => r.inTurn), fit((r) => r.parse), fit((r) => Math.max(1e-6, r.inTurn - r.parse)), ""],
    ],
    notes: [
      "compress = default options (from a megabyte, 500k tokens here, the parts run on worker threads); in turn = the same parts one after another on this thread (`threads: 0`, same bytes), the compressor's whole work on one thread",
      "rest = in turn − one parse: the walk, the incremental re-parse of the output, tree edits and building the output (and any fallback parse); the parse itself is the part no code compressor can skip",
    ],
  };
}

/** The code row at one size: the compressor (default options and in turn) beside one parse. */
interface BySize {
  tokens: number;
  ms: number;
  inTurn: number;
  parse: number;
}

/** One language's code input at the largest size, measured. */
interface Measured {
  language: string;
  point: Point;
  parse: number;
  /** The same parts one after another on this thread (`threads: 0`). */
  inTurn: number;
}

/**
 * Code at the largest size once per corpus language: the compressor's time beside one parse of the same
 * input, since the main table's code row is whichever language has the most corpus text (`main`, that
 * row's measurement, is reused rather than taken again).
 */
async function codeByLanguage(ctx: Parameters<BenchSuite["run"]>[0], reps: number, main: Measured | undefined): Promise<Table | undefined> {
  const spec = SPECS.find((s) => s.kind === "code")!;
  const languages = [...new Set(ctx.cases.filter((c) => c.kind === "code" && c.language).map((c) => c.language!))].sort();
  if (!languages.length) return undefined;
  const size = SIZES.at(-1)!;
  const query = ctx.cases.find((c) => c.kind === "code")?.query ?? "";
  const rows: (string | number)[][] = [];
  for (const [i, l] of languages.entries()) {
    ctx.progress(`scale code ${l}`, i, languages.length);
    let m = main?.language === l ? main : undefined;
    if (!m) {
      const { text } = buildInput(spec, ctx.cases, size, ctx.tokenizer, l);
      const point = await timeOne(spec, text, l, ctx.tokenizer, query, reps, true);
      // The same parts on this thread alone (same output bytes): what the worker threads buy, in this run.
      m = { language: l, point, parse: await parseMs(text, l, reps), inTurn: (await timeOne(IN_TURN, text, l, ctx.tokenizer, query, reps, false)).ms };
    }
    const { point: p, parse, inTurn } = m;
    rows.push([l, p.tokens, p.ms.toFixed(0), inTurn.toFixed(0), (p.ms / inTurn).toFixed(2), parse.toFixed(0), (p.ms / parse).toFixed(2), ((1 - p.outTokens / Math.max(1, p.tokens)) * 100).toFixed(1) + "%", p.ms < LIMIT_MS && p.status === "compressed" ? "yes" : "no", p.status]);
  }
  return {
    title: `Code at ${size / 1000}k tokens by language: compressor time and one parse of the same input (ms, median of ${reps})`,
    columns: ["language", "input tokens", "compress ms", "in turn ms", "compress / in turn", "parse-once ms", "compress / parse", "savings", `< ${LIMIT_MS} ms`, "status"],
    rows,
    notes: [
      "input: the language's corpus files repeated to the size, the last one cut at a line (as in the table above, whose code row is reused for its language); parse-once = one web-tree-sitter parse with the error count the compressor also takes (warm grammar)",
      `compress = default options: an input of a megabyte or more is compressed as parts cut at top-level lines, on worker threads (default: one per core, at most 4; ${availableParallelism()} cores here); in turn = the same parts one after another on this thread (\`threads: 0\`), which gives the same bytes`,
      "compress / parse counts every parse the compressor makes: an input the named grammar reads with ERROR nodes is parsed again with each fallback grammar (C: C++; JavaScript: TSX and TypeScript; TypeScript: TSX), one that only lacks closers at its cut end is not",
    ],
  };
}
