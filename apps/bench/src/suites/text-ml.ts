import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "@headroom/ccr";
import { createPipeline, type AnyCompressor, type DetectFunction as Detector, type Tokenizer } from "@headroom/core";
import { createProseCompressor } from "@headroom/prose";
import { detect } from "@headroom/router";
import { createTextMlCompressor, type TextMlCompressor } from "@headroom/text-ml/node";
import { writeTinyModel } from "@headroom/text-ml/testing";
import { caseText, type CorpusCase } from "../corpus.js";
import { median, percentile, recoverableText, visibleRetention } from "../metrics.js";
import type { BenchSuite, SuiteContext, Table } from "../suite.js";

/** One configuration run over one case. */
interface Row {
  id: string;
  config: string;
  before: number;
  after: number;
  visible: number;
  recoverable: number;
  p50: number;
  p95: number;
  fallbacks: number;
  errors: number;
}

const pct = (x: number) => (x * 100).toFixed(1) + "%";

/** Top corpus words as the tiny tokenizer's vocabulary, so sub-word counts are of a realistic order. */
function vocabulary(cases: CorpusCase[]): string[] {
  const n = new Map<string, number>();
  for (const c of cases) for (const w of caseText(c).match(/[\p{L}\p{N}]+/gu) ?? []) n.set(w, (n.get(w) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20_000).map(([w]) => w);
}

/** The text the probes are judged on after compression (tool outputs for conversations). */
function outputText(c: CorpusCase, out: { text?: string; messages?: unknown }): string {
  if (c.kind !== "conversation") return out.text ?? "";
  return (out.messages as Array<Record<string, unknown>>)
    .filter((m) => m.role === "tool" && typeof m.content === "string")
    .map((m) => m.content as string)
    .join("\n\u0000\n");
}

async function runCase(c: CorpusCase, config: string, compressors: AnyCompressor[], reps: number, tokenizer: Tokenizer, fallbacks: () => number): Promise<Row> {
  const textKinds: Detector = () => ({ kind: "prose", confidence: 1 });
  const p = createPipeline({ compressors, detect: c.kind === "conversation" ? detect : textKinds, tokenizer, model: "gpt-4o" });
  const once = async (store: MemoryStore) => {
    if (c.kind === "conversation") {
      const r = await p.compress(c.messages ?? [], { store });
      const tool = r.units.filter((u) => u.role === "tool");
      return { out: outputText(c, r), before: tool.reduce((s, u) => s + u.tokensBefore, 0), after: tool.reduce((s, u) => s + u.tokensAfter, 0), errors: r.errors.length };
    }
    const r = await p.compressText(caseText(c), { store, query: c.query });
    return { out: r.text, before: r.tokensBefore, after: r.tokensAfter, errors: r.errors.length };
  };
  let store = new MemoryStore();
  const f0 = fallbacks();
  let res = await once(store);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    store = new MemoryStore();
    const t0 = performance.now();
    res = await once(store);
    times.push(performance.now() - t0);
  }
  const rec = await recoverableText(res.out, store);
  return { id: c.id, config, before: res.before, after: res.after, visible: visibleRetention(c.probes, res.out), recoverable: visibleRetention(c.probes, rec), p50: median(times), p95: percentile(times, 95), fallbacks: (fallbacks() - f0) / (reps + 1), errors: res.errors };
}

function summary(rows: Row[], configs: string[]): Table {
  return {
    title: "text-ml vs @headroom/prose: summary",
    columns: ["config", "cases", "tokens before", "after", "savings (total)", "savings (mean)", "visible (mean)", "recoverable (mean)", "p50 ms (median)", "p95 ms (max)", "tokens/s", "fallbacks/run"],
    rows: configs.map((cfg) => {
      const rs = rows.filter((r) => r.config === cfg);
      const before = rs.reduce((s, r) => s + r.before, 0);
      const after = rs.reduce((s, r) => s + r.after, 0);
      const mean = (f: (r: Row) => number) => (rs.length ? rs.reduce((s, r) => s + f(r), 0) / rs.length : 0);
      const time = rs.reduce((s, r) => s + r.p50, 0);
      return [cfg, rs.length, before, after, pct(1 - after / Math.max(1, before)), pct(mean((r) => 1 - r.after / Math.max(1, r.before))), pct(mean((r) => r.visible)), pct(mean((r) => r.recoverable)), median(rs.map((r) => r.p50)).toFixed(1), Math.max(0, ...rs.map((r) => r.p95)).toFixed(1), Math.round(before / Math.max(1e-6, time / 1000)), rs.reduce((s, r) => s + r.fallbacks, 0).toFixed(1)];
    }),
  };
}

function overhead(label: string, c: TextMlCompressor): Table {
  const s = c.stats;
  const perChunk = s.chunks ? s.inferMs / s.chunks : 0;
  const words = s.words;
  return {
    title: "text-ml: overhead floor (worker side, no budget)",
    columns: ["model", "load ms (tokenizer + session + warm-up)", "inference ms / chunk", "chunks", "tokenizer ms / 1k words", "segmentation ms / 1k words", "units compressed", "fallbacks (budget/loading/estimate)"],
    rows: [[label, (c.info?.loadMs ?? 0).toFixed(0), perChunk.toFixed(2), s.chunks, ((s.tokenizeMs / Math.max(1, words)) * 1000).toFixed(2), ((s.segmentMs / Math.max(1, words)) * 1000).toFixed(2), s.compressed, `${s.fallbacks.budget}/${s.fallbacks.loading}/${s.fallbacks.estimate}`]],
    notes: ["load = first worker: tokenizer.json parse, onnxruntime session, one full-length warm-up chunk", "inference, tokenizer and segmentation times are summed inside the worker over every unit the no-budget config compressed"],
  };
}

/** text-ml over the corpus text and conversation cases, beside @headroom/prose on the same cases. */
export const suite: BenchSuite = {
  name: "text-ml",
  description: "@headroom/text-ml (ONNX token classifier, worker pool, time budget) vs @headroom/prose on text and conversation cases",
  async run(ctx: SuiteContext) {
    const cases = ctx.cases.filter((c) => c.kind === "text" || c.kind === "conversation");
    const real = process.env.HEADROOM_TEXT_ML_MODEL;
    const tmp = real ? undefined : mkdtempSync(join(tmpdir(), "bench-text-ml-"));
    const model = real ?? writeTinyModel(join(tmp!, "tiny"), { words: vocabulary(cases), maxLength: 512 });
    const label = real ? `HEADROOM_TEXT_ML_MODEL=${real}` : "tiny test model (measures overhead, not quality)";
    const budgeted = createTextMlCompressor({ model });
    const unbudgeted = createTextMlCompressor({ model, timeBudgetMs: 600_000 });
    const reps = ctx.quick ? 2 : 5;
    const rows: Row[] = [];
    try {
      await Promise.all([budgeted.ready(), unbudgeted.ready()]);
      const configs: [string, () => AnyCompressor[], () => number][] = [
        ["@headroom/prose", () => [createProseCompressor()], () => 0],
        ["text-ml (200 ms budget, prose fallback)", () => [budgeted, createProseCompressor()], () => sumFallbacks(budgeted)],
        ["text-ml (no budget)", () => [unbudgeted, createProseCompressor()], () => sumFallbacks(unbudgeted)],
      ];
      let i = 0;
      for (const c of cases) {
        ctx.progress(`text-ml ${c.id}`, i++, cases.length);
        for (const [name, make, fb] of configs) rows.push(await runCase(c, name, make(), reps, ctx.tokenizer, fb));
      }
      ctx.progress("text-ml", cases.length, cases.length);
      const sum = summary(rows, configs.map(([n]) => n));
      sum.notes = [`model: ${label}`, "savings over tool outputs for conversations (router detection decides which units are prose/text), over the whole content for text cases", "tokens/s = tokens before / p50 time, summed over cases", "fallbacks/run = units per run that got the prose result because the model missed its budget (or was estimated to)"];
      const perCase: Table = {
        title: "text-ml: per case",
        columns: ["case", "config", "tokens before", "after", "savings", "visible", "recoverable", "p50 ms", "p95 ms", "fallbacks/run", "errors"],
        rows: rows.map((r) => [r.id, r.config, r.before, r.after, pct(1 - r.after / Math.max(1, r.before)), pct(r.visible), pct(r.recoverable), r.p50.toFixed(1), r.p95.toFixed(1), r.fallbacks.toFixed(1), r.errors]),
      };
      return { tables: [sum, overhead(label, unbudgeted), perCase], data: { model: label, rows, info: unbudgeted.info, stats: unbudgeted.stats, budgetedStats: budgeted.stats } };
    } finally {
      await Promise.all([budgeted.close(), unbudgeted.close()]);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  },
};

const sumFallbacks = (c: TextMlCompressor) => c.stats.fallbacks.budget + c.stats.fallbacks.loading + c.stats.fallbacks.estimate;
