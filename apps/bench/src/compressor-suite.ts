import { MemoryStore } from "@headroom/ccr";
import { createPipeline, type AnyCompressor, type ContentKind, type Tokenizer } from "@headroom/core";
import { caseText, type CorpusCase } from "./corpus.js";
import { headTail, median, probePassRate, recoverableText, visibleRetention } from "./metrics.js";
import type { SuiteContext, SuiteResult, Table } from "./suite.js";

/** What every corpus bench measures on one case (tokens, probe retention, latency). */
export interface CaseRow {
  id: string;
  before: number;
  after: number;
  losslessAfter: number;
  visible: number;
  recoverable: number;
  probesPassed: number;
  naive: number;
  p50: number;
  floor: number;
  errors: string[];
}

/** One corpus case run through a single compressor package (no router), with and without a store. */
export interface CompressorRow extends CaseRow {
  /** Whether the case belongs to the goal subset (for example logs over 1,000 lines). */
  large: boolean;
}

const pct = (x: number) => (x * 100).toFixed(1) + "%";

/**
 * Runs `make()` over the corpus cases of `corpusKind` as the only compressor for `kind`: savings (o200k),
 * visible and recoverable probe retention, a naive head+tail at the same budget, p50 latency and its
 * ratio to tokenizing the input once.
 */
export async function runCompressorSuite(
  ctx: SuiteContext,
  o: { label: string; corpusKind: string; kind: ContentKind; make: () => AnyCompressor; large: (c: CorpusCase) => boolean; largeLabel: string; goal: string },
): Promise<SuiteResult> {
  const cases = ctx.cases.filter((c) => c.kind === o.corpusKind);
  const reps = ctx.quick ? 3 : 15;
  const rows: CompressorRow[] = [];
  let i = 0;
  for (const c of cases) {
    ctx.progress(`${o.label} ${c.id}`, i++, cases.length);
    rows.push(await runCase(c, o, reps, ctx.tokenizer));
  }
  ctx.progress(o.label, cases.length, cases.length);
  const agg = (rs: CompressorRow[], name: string): (string | number)[] => {
    const before = rs.reduce((s, r) => s + r.before, 0);
    const after = rs.reduce((s, r) => s + r.after, 0);
    const mean = (f: (r: CompressorRow) => number) => (rs.length ? rs.reduce((s, r) => s + f(r), 0) / rs.length : 0);
    return [name, rs.length, before, after, pct(1 - after / Math.max(1, before)), pct(mean((r) => 1 - r.after / Math.max(1, r.before))), pct(mean((r) => r.visible)), pct(mean((r) => r.recoverable)), pct(mean((r) => r.naive)), median(rs.map((r) => r.p50)).toFixed(2), median(rs.map((r) => r.p50 / Math.max(1e-6, r.floor))).toFixed(1)];
  };
  const summary: Table = {
    title: `${o.label}: summary`,
    columns: ["cases", "n", "tokens before", "after", "savings (total)", "savings (mean)", "visible (mean)", "recoverable (mean)", "naive head+tail (mean)", "p50 ms (median)", "× floor (median)"],
    rows: [agg(rows, "all"), agg(rows.filter((r) => r.large), o.largeLabel)],
    notes: [o.goal, "retention = share of probe answers present verbatim; recoverable also follows markers into the store", "× floor = p50 latency / time to tokenize the input once (o200k_base)"],
  };
  const perCase: Table = {
    title: `${o.label}: per case`,
    columns: ["case", o.largeLabel, "tokens before", "after", "savings", "lossless-only savings", "visible", "recoverable", "probes passed", "naive head+tail", "p50 ms", "× floor", "errors"],
    rows: rows.map((r) => [r.id, r.large ? "yes" : "", r.before, r.after, pct(1 - r.after / Math.max(1, r.before)), pct(1 - r.losslessAfter / Math.max(1, r.before)), pct(r.visible), pct(r.recoverable), pct(r.probesPassed), pct(r.naive), r.p50.toFixed(2), (r.p50 / Math.max(1e-6, r.floor)).toFixed(1), r.errors.length]),
  };
  return { tables: [summary, perCase], data: rows };
}

async function runCase(
  c: CorpusCase,
  o: { kind: ContentKind; make: () => AnyCompressor; large: (c: CorpusCase) => boolean },
  reps: number,
  tokenizer: Tokenizer,
): Promise<CompressorRow> {
  const text = caseText(c);
  const detect = () => ({ kind: o.kind, confidence: 1 });
  const pipeline = createPipeline({ compressors: [o.make()], detect, tokenizer, model: "gpt-4o" });
  let store = new MemoryStore();
  let res = await pipeline.compressText(text, { store, query: c.query });
  const times: number[] = [];
  const floors: number[] = [];
  for (let r = 0; r < reps; r++) {
    store = new MemoryStore();
    const t0 = performance.now();
    res = await pipeline.compressText(text, { store, query: c.query });
    times.push(performance.now() - t0);
    const t1 = performance.now();
    tokenizer.count(text);
    floors.push(performance.now() - t1);
  }
  const lossless = await pipeline.compressText(text, { query: c.query });
  const recoverable = await recoverableText(res.text, store);
  return {
    id: c.id,
    large: o.large(c),
    before: res.tokensBefore,
    after: res.tokensAfter,
    losslessAfter: lossless.tokensAfter,
    visible: visibleRetention(c.probes, res.text),
    recoverable: visibleRetention(c.probes, recoverable),
    probesPassed: probePassRate(c.probes, res.text),
    naive: visibleRetention(c.probes, headTail(text, res.tokensAfter, (t) => tokenizer.count(t))),
    p50: median(times),
    floor: median(floors),
    errors: [...res.errors, ...lossless.errors].map((e) => e.message),
  };
}
