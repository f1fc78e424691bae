import { MemoryStore } from "@headroom/ccr";
import { countParseErrors, languageFromFileName, normalizeLanguage } from "@headroom/code";
import type { Tokenizer } from "@headroom/core";
import { tokenizerForModel } from "@headroom/tokenizer";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { CaseRow } from "../compressor-suite.js";
import { casePath, caseText, type CorpusCase } from "../corpus.js";
import { compressCase } from "../engine.js";
import { headTail, median, percentile, probePassRate, recoverableText, visibleRetention } from "../metrics.js";
import { assignGroups, type Group } from "../halves.js";
import type { BenchSuite, Table } from "../suite.js";

interface Row extends CaseRow {
  kind: string;
  group: Group;
  compressors: string;
  p95: number;
  /** First count of this input in the process (the tokenizer's caches hold none of its pieces yet). */
  coldFloor: number;
  /** Characters the tokenizer counted during one compress() of the case, per input character. */
  charsTokenized: number;
  /** Median ms of one warm gpt-tokenizer `countTokens` of the input (the issue's reference floor). */
  refFloor: number;
  /** Code cases: median ms of one tree-sitter parse of the input with its grammar (warm). */
  parseFloor?: number;
}

/** The bench's tokenizer, wrapped to add up the characters it is asked to count (for one run). */
async function countingTokenizer(model: string): Promise<{ tokenizer: Tokenizer; chars: () => number }> {
  const t = await tokenizerForModel(model);
  let chars = 0;
  return {
    tokenizer: { name: t.name, encoding: t.encoding, estimated: t.estimated, count(s) {
        chars += s.length;
        return t.count(s);
      },
      ...(t.countSegments
        ? {
            countSegments(s: string, cuts: readonly number[]) {
              chars += s.length;
              return t.countSegments!(s, cuts);
            },
          }
        : {}),
    },
    chars: () => chars,
  };
}

/** Every text the pipeline counts in a conversation: all message strings (not only the tool outputs). */
function conversationChars(c: CorpusCase): number {
  let n = 0;
  const walk = (v: unknown) => {
    if (typeof v === "string") n += v.length;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(c.messages ?? []);
  return n;
}

const NO_SPECIALS = { disallowedSpecial: new Set<string>() };
const f1 = (x: number) => (x * 100).toFixed(1) + "%";
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

/**
 * End to end over the corpus through the router with every installed plugin: savings (o200k), visible
 * and recoverable probe retention, a naive head+tail truncation at the same budget, latency vs the
 * tokenize-once floor.
 */
export const suite: BenchSuite = {
  name: "corpus",
  description: "every corpus case through the router with all installed compressors",
  async run(ctx) {
    const rows: Row[] = [];
    const reps = ctx.quick ? 1 : 5;
    const groups = assignGroups(ctx.cases);
    const biases = ctx.biases?.length ? ctx.biases : [1];
    const sweep: Array<{ bias: number; rows: Row[] }> = [];
    // Bias 1 first: its cold floor is then the first count of each input in the process, as labelled.
    for (const bias of [...biases].sort((a, b) => (a === 1 ? -1 : b === 1 ? 1 : 0))) {
      const at: Row[] = bias === 1 ? rows : [];
      let i = 0;
      for (const c of ctx.cases) {
        ctx.progress(`corpus ${c.id}${bias === 1 ? "" : ` (bias ${bias})`}`, i++, ctx.cases.length);
        at.push({ ...(await runCase(c, bias === 1 ? reps : 1, ctx.tokenizer.count, bias)), group: groups.get(c.id) ?? "A" });
      }
      sweep.push({ bias, rows: at });
    }
    sweep.sort((a, b) => a.bias - b.bias);
    ctx.progress("corpus", ctx.cases.length, ctx.cases.length);
    const main = rows.length ? tables(rows) : [];
    return { tables: [...(rows.length ? [byGroup(rows)] : []), ...(biases.length > 1 || !rows.length ? [biasTable(sweep)] : []), ...main], data: rows.length ? rows : sweep };
  },
};

/** Repetitions of a small case stop at this many, or once about `WARM_MS` of compressing is timed. */
const MAX_REPS = 40;
const WARM_MS = 150;

async function runCase(c: CorpusCase, reps: number, count: (t: string) => number, bias = 1): Promise<Omit<Row, "group">> {
  const original = caseText(c);
  const times: number[] = [];
  const extra = bias === 1 ? {} : { bias };
  const t0 = performance.now();
  count(original);
  const coldFloor = performance.now() - t0;
  const counting = await countingTokenizer("gpt-4o");
  let store = new MemoryStore();
  const t2 = performance.now();
  let run = await compressCase(c, store, { ...extra, tokenizer: counting.tokenizer });
  const first = performance.now() - t2;
  const charsTokenized = counting.chars() / Math.max(1, c.kind === "conversation" ? conversationChars(c) : original.length);
  // Small cases get more repetitions (up to about WARM_MS of work): with five, a 3 ms case's median is
  // still the JIT warming up on it, not the warm cost the median is meant to show.
  const runs = reps > 1 ? Math.max(reps, Math.min(MAX_REPS, Math.ceil(WARM_MS / Math.max(0.1, first)))) : reps;
  for (let r = 0; r < runs; r++) {
    store = new MemoryStore();
    const t0 = performance.now();
    run = await compressCase(c, store, extra);
    times.push(performance.now() - t0);
  }
  // The warm floor in a loop of its own: interleaved with compressions, each count paid for the garbage
  // collection their allocations triggered, which flattered the ratio (a "warm" count slower than the cold one).
  const floorReps = Math.max(5, runs);
  const floor = await medianMs(floorReps, () => count(original));
  // The issue's reference: gpt-tokenizer's own countTokens (what the tokenizer package used before it
  // counted with its own, faster loop over the same ranks).
  const refFloor = await medianMs(floorReps, () => countTokens(original, NO_SPECIALS));
  const parseFloor = c.kind === "code" && reps > 1 ? await parseTime(c, original, floorReps) : undefined;
  const lossless = await compressCase(c, undefined);
  const recoverable = await recoverableText(run.text, store);
  const naiveText = headTail(original, run.tokensAfter, count);
  return {
    id: c.id,
    kind: c.kind,
    compressors: run.compressors.join("+") || "-",
    before: run.tokensBefore,
    after: run.tokensAfter,
    losslessAfter: lossless.tokensAfter,
    visible: visibleRetention(c.probes, run.text),
    recoverable: visibleRetention(c.probes, recoverable),
    probesPassed: probePassRate(c.probes, run.text),
    naive: visibleRetention(c.probes, naiveText),
    p50: median(times),
    p95: percentile(times, 95),
    floor,
    refFloor,
    coldFloor,
    charsTokenized,
    ...(parseFloor !== undefined ? { parseFloor } : {}),
    errors: run.errors,
  };
}

/**
 * The code compressor's other floor: one tree-sitter parse of the input with its grammar (web-tree-sitter,
 * warm: the grammar is loaded by the first, untimed parse), median of `reps`. The compressor parses the
 * input once and re-parses its output incrementally to verify it.
 */
async function parseTime(c: CorpusCase, text: string, reps: number): Promise<number | undefined> {
  const language = normalizeLanguage(c.language) ?? languageFromFileName(casePath(c));
  if (!language) return undefined;
  await countParseErrors(text, language);
  return medianMs(reps, () => countParseErrors(text, language));
}

/** Median ms of `reps` runs of `f`, one after another (a synchronous `f` is timed without an await). */
async function medianMs(reps: number, f: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const pending = f();
    if (pending instanceof Promise) await pending;
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Savings (token-weighted) and mean visible retention of a set of rows, as `s% / v%`. */
function cell(rs: Row[]): string {
  if (!rs.length) return "—";
  const before = rs.reduce((s, r) => s + r.before, 0);
  const after = rs.reduce((s, r) => s + r.after, 0);
  const vis = rs.reduce((s, r) => s + r.visible, 0) / rs.length;
  return `${f1(1 - after / Math.max(1, before))} / ${f1(vis)} (${rs.length})`;
}

/** Per kind: half A (tuned on), half B (checked), the `d2-` cases, and all (savings / visible (cases)). */
function byGroup(rows: Row[]): Table {
  const kinds = [...new Set(rows.map((r) => r.kind)), "all"];
  const pick = (k: string, g?: Group) => rows.filter((r) => (k === "all" || r.kind === k) && (!g || r.group === g));
  return {
    title: "Per kind by repository half (savings token-weighted / visible mean (cases))",
    columns: ["kind", "half A (tune)", "half B (check)", "d2- cases", "all"],
    rows: kinds.map((k) => [k, cell(pick(k, "A")), cell(pick(k, "B")), cell(pick(k, "d2")), cell(pick(k))]),
    notes: ["halves split the dev cases by source repository (apps/bench/src/halves.ts); d2- cases come from 14 other repositories"],
  };
}

/** Per kind and bias: the operating curve (savings / visible) users choose a point on. */
function biasTable(sweep: Array<{ bias: number; rows: Row[] }>): Table {
  const all = sweep[0]?.rows ?? [];
  const kinds = [...new Set(all.map((r) => r.kind)), "all"];
  return {
    title: "Per kind at several bias values (savings token-weighted / visible mean (cases))",
    columns: ["kind", ...sweep.map((s) => `bias ${s.bias}`)],
    rows: kinds.map((k) => [k, ...sweep.map((s) => cell(s.rows.filter((r) => k === "all" || r.kind === k)))]),
    notes: ["bias > 1 keeps less, < 1 keeps more: it divides the shared budget curve of @headroom/text"],
  };
}

function tables(rows: Row[]): Table[] {
  const perCase: Table = {
    title: "Per case (o200k_base tokens; retention = share of probe answers)",
    columns: ["kind", "case", "compressor", "tokens before", "after", "savings", "lossless savings", "visible", "recoverable", "naive head+tail", "p50 ms", "p95 ms", "× floor"],
    rows: rows.map((r) => [
      r.kind, r.id, r.compressors, r.before, r.after, f1(1 - r.after / Math.max(1, r.before)), f1(1 - r.losslessAfter / Math.max(1, r.before)),
      f1(r.visible), f1(r.recoverable), f1(r.naive), ms(r.p50), ms(r.p95), (r.p50 / Math.max(1e-6, r.floor)).toFixed(1),
    ]),
    notes: ["naive head+tail = keep the first and last characters of the input at the same token budget as the compressed output", "× floor = p50 latency / time to tokenize the input once"],
  };
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const perKind: Table = {
    title: "Per kind",
    columns: ["kind", "cases", "tokens before", "after", "savings", "visible (mean)", "recoverable (mean)", "naive (mean)", "p50 ms (median)", "warm floor ms", "cold floor ms", "× warm floor (median)", "× cold floor (median)", "× gpt-tokenizer count (median)", "chars tokenized / input", "errors"],
    rows: kinds.map((k) => {
      const rs = rows.filter((r) => r.kind === k);
      const before = rs.reduce((s, r) => s + r.before, 0);
      const after = rs.reduce((s, r) => s + r.after, 0);
      const mean = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      const x = (f: (r: Row) => number) => median(rs.map((r) => r.p50 / Math.max(1e-6, f(r)))).toFixed(1);
      return [
        k, rs.length, before, after, f1(1 - after / Math.max(1, before)), f1(mean((r) => r.visible)), f1(mean((r) => r.recoverable)), f1(mean((r) => r.naive)),
        ms(median(rs.map((r) => r.p50))), ms(median(rs.map((r) => r.floor))), ms(median(rs.map((r) => r.coldFloor))), x((r) => r.floor), x((r) => r.coldFloor), x((r) => r.refFloor),
        median(rs.map((r) => r.charsTokenized)).toFixed(2), rs.reduce((s, r) => s + r.errors.length, 0),
      ];
    }),
    notes: [
      "warm floor = median time to tokenize the input once more with the pipeline's tokenizer, in a loop of its own after the compressions; cold floor = the first count of that input in the process (none of its pieces cached yet)",
      "× gpt-tokenizer count = p50 / one warm gpt-tokenizer countTokens of the input, the floor as the performance issue defined it; @headroom/tokenizer counts the same tokens with its own split scanner and loop over gpt-tokenizer's ranks, 1.4–22× faster (median 4×), so its warm floor is the stricter reference",
      "chars tokenized / input = characters the pipeline and compressors passed to the tokenizer in one compress(), per input character (1.00 = the input counted once, nothing else)",
    ],
  };
  const code = rows.filter((r) => r.parseFloor !== undefined);
  const parse: Table[] = code.length
    ? [{
        title: "Code: the parse floor (one tree-sitter parse of the input) beside the tokenize floor",
        columns: ["case", "p50 ms", "warm floor ms", "parse ms", "parse / warm floor", "× warm floor", "× (warm floor + parse)"],
        rows: [
          ...code.map((r) => [r.id, ms(r.p50), ms(r.floor), ms(r.parseFloor!), (r.parseFloor! / Math.max(1e-6, r.floor)).toFixed(1), (r.p50 / Math.max(1e-6, r.floor)).toFixed(1), (r.p50 / Math.max(1e-6, r.floor + r.parseFloor!)).toFixed(1)]),
          ["median", ms(median(code.map((r) => r.p50))), ms(median(code.map((r) => r.floor))), ms(median(code.map((r) => r.parseFloor!))),
            median(code.map((r) => r.parseFloor! / Math.max(1e-6, r.floor))).toFixed(1), median(code.map((r) => r.p50 / Math.max(1e-6, r.floor))).toFixed(1), median(code.map((r) => r.p50 / Math.max(1e-6, r.floor + r.parseFloor!))).toFixed(1)],
        ],
        notes: ["parse = median of warm web-tree-sitter parses (with the error count the compressor also takes); the code compressor parses the input once, plans on the tree, and verifies its output by an incremental re-parse"],
      }]
    : [];
  return [perKind, ...parse, perCase];
}
