import { MemoryStore } from "@headroom/ccr";
import type { CaseRow } from "../compressor-suite.js";
import { caseText, type CorpusCase } from "../corpus.js";
import { compressCase } from "../engine.js";
import { headTail, median, percentile, probePassRate, recoverableText, visibleRetention } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

interface Row extends CaseRow {
  kind: string;
  compressors: string;
  p95: number;
}

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
    let i = 0;
    for (const c of ctx.cases) {
      ctx.progress(`corpus ${c.id}`, i++, ctx.cases.length);
      rows.push(await runCase(c, reps, ctx.tokenizer.count));
    }
    ctx.progress("corpus", ctx.cases.length, ctx.cases.length);
    return { tables: tables(rows), data: rows };
  },
};

async function runCase(c: CorpusCase, reps: number, count: (t: string) => number): Promise<Row> {
  const original = caseText(c);
  const times: number[] = [];
  const floors: number[] = [];
  let store = new MemoryStore();
  let run = await compressCase(c, store);
  for (let r = 0; r < reps; r++) {
    store = new MemoryStore();
    const t0 = performance.now();
    run = await compressCase(c, store);
    times.push(performance.now() - t0);
    const t1 = performance.now();
    count(original);
    floors.push(performance.now() - t1);
  }
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
    floor: median(floors),
    errors: run.errors,
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
    columns: ["kind", "cases", "tokens before", "after", "savings", "visible (mean)", "recoverable (mean)", "naive (mean)", "p50 ms (median)", "× floor (median)", "errors"],
    rows: kinds.map((k) => {
      const rs = rows.filter((r) => r.kind === k);
      const before = rs.reduce((s, r) => s + r.before, 0);
      const after = rs.reduce((s, r) => s + r.after, 0);
      const mean = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      return [k, rs.length, before, after, f1(1 - after / Math.max(1, before)), f1(mean((r) => r.visible)), f1(mean((r) => r.recoverable)), f1(mean((r) => r.naive)), ms(median(rs.map((r) => r.p50))), median(rs.map((r) => r.p50 / Math.max(1e-6, r.floor))).toFixed(1), rs.reduce((s, r) => s + r.errors.length, 0)];
    }),
  };
  return [perKind, perCase];
}
