import { MemoryStore } from "@headroom/ccr";
import {
  compressCode,
  extractSignatures,
  grammarLoadTimes,
  headroomPlugin,
  loadLanguage,
  normalizeLanguage,
  signatureRetention,
  type LanguageId,
} from "@headroom/code";
import { createPipeline } from "@headroom/core";
import { parseFile } from "repomix";
import { caseText, type CorpusCase } from "../corpus.js";
import { median, recoverableText, visibleRetention } from "../metrics.js";
import type { BenchSuite, SuiteContext, Table } from "../suite.js";

/** File extension repomix guesses the language from (it only takes a path). */
const EXT: Record<LanguageId, string> = { python: "py", javascript: "js", typescript: "ts", tsx: "tsx", go: "go", rust: "rs", java: "java", c: "c", cpp: "hpp", csharp: "cs", php: "php", scala: "scala", bash: "sh", ruby: "rb", kotlin: "kt", swift: "swift" };

interface Row {
  id: string;
  language: LanguageId;
  bytes: number;
  before: number;
  after: number;
  losslessAfter: number;
  repomixAfter: number;
  signatures: number;
  sigOurs: number;
  sigRepomix: number;
  visible: number;
  recoverable: number;
  visibleRepomix: number;
  p50: number;
  repomixP50: number;
  errors: string[];
}

const pct = (x: number) => (x * 100).toFixed(1) + "%";
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : 0);

async function runCase(c: CorpusCase, ctx: SuiteContext, reps: number): Promise<Row> {
  const text = caseText(c);
  const language = normalizeLanguage(c.language) ?? "javascript";
  // The real path: pipeline + MemoryStore, detection saying "code in <language>", the case's query.
  const detect = () => ({ kind: "code" as const, confidence: 1, language });
  const pipeline = createPipeline({ compressors: [headroomPlugin()], detect, tokenizer: ctx.tokenizer, model: "gpt-4o" });
  const store = new MemoryStore();
  const res = await pipeline.compressText(text, { store, query: c.query });
  const lossless = await pipeline.compressText(text, { query: c.query });

  // Parse + compress alone (the compressor's own work, output verification included).
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await compressCode(text, language, { query: c.query });
    times.push(performance.now() - t0);
  }

  const repomixTimes: number[] = [];
  let repomixOut = "";
  for (let r = 0; r < Math.max(1, Math.ceil(reps / 2)); r++) {
    const t0 = performance.now();
    repomixOut = (await parseFile(text, `file.${EXT[language]}`, {} as never)) ?? "";
    repomixTimes.push(performance.now() - t0);
  }

  const sigs = await extractSignatures(text, language);
  return {
    id: c.id,
    language,
    bytes: Buffer.byteLength(text),
    before: res.tokensBefore,
    after: res.tokensAfter,
    losslessAfter: lossless.tokensAfter,
    repomixAfter: ctx.tokenizer.count(repomixOut),
    signatures: sigs.length,
    sigOurs: signatureRetention(sigs, res.text).retained,
    sigRepomix: signatureRetention(sigs, repomixOut).retained,
    visible: visibleRetention(c.probes, res.text),
    recoverable: visibleRetention(c.probes, await recoverableText(res.text, store)),
    visibleRepomix: visibleRetention(c.probes, repomixOut),
    p50: median(times),
    repomixP50: median(repomixTimes),
    errors: [...res.errors, ...lossless.errors].map((e) => e.message),
  };
}

/** @headroom/code over the corpus code cases, against repomix's `--compress` on the same files. */
export const suite: BenchSuite = {
  name: "code",
  description: "@headroom/code vs repomix --compress: savings, signature and probe retention, throughput, grammar load",
  async run(ctx) {
    // Grammar load time: first load in this process (runtime init is included in the first one).
    const loads: (string | number)[][] = [];
    for (const id of ["python", "javascript", "typescript", "tsx", "go", "rust", "java", "c", "cpp"] as const) {
      const t0 = performance.now();
      await loadLanguage(id);
      loads.push([id, (performance.now() - t0).toFixed(1), (grammarLoadTimes()[id] ?? 0).toFixed(1)]);
    }

    const cases = ctx.cases.filter((c) => c.kind === "code");
    const reps = ctx.quick ? 3 : 9;
    const rows: Row[] = [];
    for (const [i, c] of cases.entries()) {
      ctx.progress(`code ${c.id}`, i, cases.length);
      rows.push(await runCase(c, ctx, reps));
    }
    ctx.progress("code", cases.length, cases.length);

    const perCase: Table = {
      title: "@headroom/code vs repomix --compress: per case",
      columns: ["case", "language", "tokens before", "headroom after", "headroom savings", "lossless-only savings", "repomix after", "repomix savings", "signatures", "headroom sig. kept", "repomix sig. kept", "visible probes (headroom)", "recoverable (headroom)", "visible probes (repomix)", "errors"],
      rows: rows.map((r) => [r.id, r.language, r.before, r.after, pct(1 - r.after / r.before), pct(1 - r.losslessAfter / r.before), r.repomixAfter, pct(1 - r.repomixAfter / r.before), r.signatures, pct(r.sigOurs / Math.max(1, r.signatures)), pct(r.sigRepomix / Math.max(1, r.signatures)), pct(r.visible), pct(r.recoverable), pct(r.visibleRepomix), r.errors.length]),
      notes: [
        "signatures = every API-level function/method (name + parameter list) and class-like definition of the original, whitespace-insensitive; nested definitions inside function bodies are not counted",
        "repomix: parseFile() of repomix 1.14 (the --compress code path) on the same text; its output has no markers, nothing is recoverable",
      ],
    };

    const langs = [...new Set(rows.map((r) => r.language))];
    const group = (name: string, rs: Row[]) => {
      const before = sum(rs.map((r) => r.before));
      return [name, rs.length, before, pct(1 - sum(rs.map((r) => r.after)) / before), pct(1 - sum(rs.map((r) => r.repomixAfter)) / before), pct(sum(rs.map((r) => r.sigOurs)) / Math.max(1, sum(rs.map((r) => r.signatures)))), pct(sum(rs.map((r) => r.sigRepomix)) / Math.max(1, sum(rs.map((r) => r.signatures)))), pct(mean(rs.map((r) => r.visible))), pct(mean(rs.map((r) => r.visibleRepomix)))];
    };
    const summary: Table = {
      title: "@headroom/code vs repomix --compress: per language",
      columns: ["language", "cases", "tokens before", "headroom savings", "repomix savings", "headroom sig. kept", "repomix sig. kept", "visible probes (headroom)", "visible probes (repomix)"],
      rows: [...langs.map((l) => group(l, rows.filter((r) => r.language === l))), group("all", rows)],
      notes: ["goal: savings ≥ repomix's with 100% signature retention; ≥ 98% visible probe retention", "savings are totals over the cases (o200k_base tokens)"],
    };

    const speed: Table = {
      title: "@headroom/code: parse + compress throughput",
      columns: ["case", "language", "KB", "p50 ms", "MB/s", "repomix p50 ms", "repomix MB/s"],
      rows: [
        ...rows.map((r) => [r.id, r.language, (r.bytes / 1024).toFixed(0), r.p50.toFixed(1), (r.bytes / 1e6 / (r.p50 / 1000)).toFixed(2), r.repomixP50.toFixed(1), (r.bytes / 1e6 / (r.repomixP50 / 1000)).toFixed(2)]),
        ["all (sum of p50)", "", (sum(rows.map((r) => r.bytes)) / 1024).toFixed(0), sum(rows.map((r) => r.p50)).toFixed(1), (sum(rows.map((r) => r.bytes)) / 1e6 / (sum(rows.map((r) => r.p50)) / 1000)).toFixed(2), sum(rows.map((r) => r.repomixP50)).toFixed(1), (sum(rows.map((r) => r.bytes)) / 1e6 / (sum(rows.map((r) => r.repomixP50)) / 1000)).toFixed(2)],
      ],
      notes: [`p50 of ${reps} runs of compressCode (parse, plan, apply, re-parse the output to verify it); grammars already loaded`],
    };

    const grammar: Table = {
      title: "@headroom/code: grammar load time (first load in the process)",
      columns: ["language", "await loadLanguage ms", "recorded first load ms"],
      rows: loads,
      notes: ["the first grammar also initialises the web-tree-sitter runtime; a grammar already loaded by an earlier suite shows ~0 ms here and its original time in the last column"],
    };
    return { tables: [summary, perCase, speed, grammar], data: rows };
  },
};
