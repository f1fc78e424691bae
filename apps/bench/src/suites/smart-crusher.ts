import { createPipeline, type Store } from "@headroom/core";
import { detect } from "@headroom/router";
import { createSmartCrusher, crush, decodeToJson, parseJson, toJson } from "@headroom/smart-crusher";
import { encode as toonEncode } from "@toon-format/toon";
import { caseText, type CorpusCase } from "../corpus.js";
import { TOON_SHAPED } from "../datasets/toon-shaped.js";
import { headTail, median, recoverableText, visibleRetention } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

/** A Map-backed store: the bench only needs put/get. */
function mapStore(): Store {
  const m = new Map<string, string>();
  return {
    get: async (k) => m.get(k),
    put: async (k, v) => void m.set(k, v),
    has: async (k) => m.has(k),
    delete: async (k) => m.delete(k),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f2 = (x: number) => x.toFixed(2);

function time(fn: () => unknown, reps: number): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

export const suite: BenchSuite = {
  name: "smart-crusher",
  description: "JSON: lossless table form vs TOON vs compact JSON; lossy savings and probe retention; throughput",
  async run(ctx) {
    const count = (t: string) => ctx.tokenizer.count(t);
    const tables: Table[] = [];
    const data: Record<string, unknown> = {};

    // 1. Lossless vs TOON vs compact JSON.
    const jsonCases = ctx.cases.filter((c) => c.kind === "json");
    const lossless: (string | number)[][] = [];
    const datasets: { name: string; value: unknown; text: string }[] = [
      ...TOON_SHAPED.map((d) => {
        const value = d.make();
        return { name: `toon-shaped: ${d.name}`, value, text: JSON.stringify(value, null, 2) };
      }),
      ...jsonCases.map((c) => ({ name: `corpus: ${c.id}`, value: JSON.parse(c.content!), text: c.content! })),
    ];
    let beatAll = 0;
    for (const [i, d] of datasets.entries()) {
      ctx.progress("lossless", i, datasets.length);
      const compact = toJson(parseJson(d.text));
      const r = crush(d.text, { count });
      const ours = r ? r.text : compact;
      const exact = decodeToJson(ours) === compact;
      const toon = toonEncode(d.value as never);
      const [nc, nt, no] = [count(compact), count(toon), count(ours)];
      const best = Math.min(nc, nt);
      if (no <= best) beatAll++;
      lossless.push([d.name, count(d.text), nc, nt, no, f2(no / best), exact ? "yes" : "NO"]);
    }
    tables.push({
      title: "Lossless: o200k tokens (compact JSON, TOON, smart-crusher table form)",
      columns: ["dataset", "input", "compact JSON", "TOON", "smart-crusher", "ours / min(TOON, JSON)", "decode exact"],
      rows: lossless,
      notes: [`Goal: ours ≤ min(TOON, compact JSON) on every dataset — met on ${beatAll}/${datasets.length}.`, "TOON-shaped datasets are generated from a fixed seed (apps/bench/src/datasets/toon-shaped.ts)."],
    });
    data.lossless = lossless;

    // 2. Lossy: corpus json cases directly, conversations through the pipeline (router detection).
    const lossy: (string | number)[][] = [];
    const lossyCases = ctx.cases.filter((c) => c.kind === "json" || c.kind === "conversation");
    for (const [i, c] of lossyCases.entries()) {
      ctx.progress("lossy", i, lossyCases.length);
      const row = await lossyRow(c, count);
      if (row) lossy.push(row);
    }
    tables.push({
      title: "Lossy (store attached): savings and probe retention",
      columns: ["case", "tokens before", "tokens after", "savings", "items", "visible", "recoverable", "head+tail visible (same budget)"],
      rows: lossy,
      notes: [
        "json cases: crush() on the content with the case query; conversations: createPipeline + router detect, JSON tool outputs only (others untouched, counted in before/after).",
        "Goal: ≥ 85% savings on arrays of 100+ items with 100% recoverable and ≥ 95% visible probe retention.",
      ],
    });
    data.lossy = lossy;

    // 3. Throughput and the ratio to tokenizing the input once.
    const speed: (string | number)[][] = [];
    const reps = ctx.quick ? 3 : 7;
    for (const [i, c] of jsonCases.entries()) {
      ctx.progress("throughput", i, jsonCases.length);
      const text = c.content!;
      const mb = Buffer.byteLength(text) / 1e6;
      const tTok = time(() => count(text), reps);
      const tLossless = time(() => crush(text, { count }), reps);
      const tLossy = time(() => crush(text, { count, reversible: true, query: c.query }), reps);
      speed.push([c.id, f2(mb), f2(tTok), f2(tLossless), f2(mb / (tLossless / 1000)), f2(tLossless / tTok), f2(tLossy), f2(tLossy / tTok)]);
    }
    tables.push({
      title: "Throughput (median of runs, ms)",
      columns: ["case", "MB", "tokenize once", "lossless", "lossless MB/s", "lossless / tokenize", "lossy", "lossy / tokenize"],
      rows: speed,
      notes: ["Goal: ≤ 2× the tokenize-once floor. Token counts use gpt-tokenizer o200k_base, as in the pipeline."],
    });
    data.throughput = speed;
    return { tables, data };
  },
};

async function lossyRow(c: CorpusCase, count: (t: string) => number): Promise<(string | number)[] | null> {
  const store = mapStore();
  let before: number;
  let after: number;
  let out: string;
  let items = "";
  if (c.kind === "json") {
    const text = c.content!;
    const r = crush(text, { count, reversible: true, query: c.query });
    out = r ? r.text : text;
    if (r) for (const o of r.originals) await store.put(o.key, o.content);
    before = count(text);
    after = count(out);
    items = r?.itemsBefore ? `${r.itemsBefore}→${r.itemsAfter}` : "";
  } else {
    const pipeline = createPipeline({ compressors: [createSmartCrusher()], detect, store, tokenizer: { name: "o200k", encoding: "o200k_base", estimated: false, count } });
    const msgs = structuredClone(c.messages ?? []);
    const res = await pipeline.compress(msgs);
    if (!res.units.some((u) => u.compressor === "smart-crusher" && u.status === "compressed")) return null;
    const tool = (res.messages as { role: string; content: unknown }[]).filter((m) => m.role === "tool" && typeof m.content === "string");
    out = tool.map((m) => m.content as string).join("\n\u0000\n");
    const orig = caseText(c);
    before = count(orig);
    after = count(out);
  }
  const recoverable = await recoverableText(out, store);
  const baseline = headTail(caseText(c), after, count);
  return [c.id, before, after, pct(1 - after / before), items, pct(visibleRetention(c.probes, out)), pct(visibleRetention(c.probes, recoverable)), pct(visibleRetention(c.probes, baseline))];
}
