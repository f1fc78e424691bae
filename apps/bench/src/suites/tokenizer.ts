import { loadEncoding } from "@headroom/tokenizer";
import { caseText } from "../corpus.js";
import { median } from "../metrics.js";
import type { BenchSuite } from "../suite.js";

/** The measurement behind the default tokenizer: gpt-tokenizer vs tiktoken (WASM) on the corpus. */
export const suite: BenchSuite = {
  name: "tokenizer",
  description: "o200k_base counting speed: gpt-tokenizer vs tiktoken (WASM), same counts",
  async run(ctx) {
    const texts = ctx.cases.map(caseText);
    const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t), 0);
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = {};
    for (const backend of ["gpt-tokenizer", "tiktoken"] as const) {
      const t0 = performance.now();
      const tok = await loadEncoding("o200k_base", backend);
      const load = performance.now() - t0;
      const times: number[] = [];
      let total = 0;
      for (let r = 0; r < (ctx.quick ? 1 : 3); r++) {
        ctx.progress(`tokenizer ${backend}`, r, 3);
        const a = performance.now();
        total = 0;
        for (const t of texts) total += tok.count(t);
        times.push(performance.now() - a);
      }
      const m = median(times);
      rows.push([backend, total, load.toFixed(0), m.toFixed(0), (bytes / 1e6 / (m / 1000)).toFixed(1)]);
      data[backend] = { tokens: total, loadMs: load, medianMs: m };
    }
    return {
      tables: [{ title: `Tokenizers on ${texts.length} corpus texts (${(bytes / 1e6).toFixed(1)} MB)`, columns: ["backend", "tokens", "load ms", "count ms (median)", "MB/s"], rows, notes: ["The faster backend is the default behind @headroom/tokenizer."] }],
      data,
    };
  },
};
