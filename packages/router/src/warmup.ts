/**
 * Start-up warm-up: one small compression per common kind, so that the first real request does not pay
 * for grammar loading (tree-sitter WASM), tokenizer tables and JIT compilation (32–131 ms per kind in a
 * fresh process, against 5–35 ms warm). The samples are generated here, deterministically; their
 * originals go to a throwaway store, never to the caller's.
 */
import type { Pipeline, Store } from "@headroom/core";

/** One warm-up input: the text and the tool call it stands for (the file name picks a code grammar). */
interface Sample {
  kind: string;
  text: string;
  toolName: string;
  fileName?: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Small, realistic inputs, each over the default 200-token threshold so compressors really run. */
export function warmUpSamples(): Sample[] {
  const log = range(80).map(
    (i) => `2025-03-01T10:${String(i % 60).padStart(2, "0")}:07Z ${i % 29 === 0 ? "ERROR" : "INFO"} svc-${i % 3} request ${i} handled in ${(i * 37) % 900} ms`,
  );
  const json = JSON.stringify(
    range(40).map((i) => ({ id: i, name: `item ${i}`, status: i % 7 ? "ok" : "failed", tags: ["a", `t${i % 4}`] })),
    null,
    2,
  );
  const search = range(60).map((i) => `src/module${i % 9}/file${i}.ts:${10 + i}:  const value${i} = compute(input, ${i});`);
  const diff = [
    "diff --git a/src/app.ts b/src/app.ts",
    "--- a/src/app.ts",
    "+++ b/src/app.ts",
    "@@ -1,40 +1,40 @@",
    ...range(40).map((i) => (i % 10 === 3 ? `-const old${i} = ${i};\n+const new${i} = ${i + 1};` : ` const same${i} = ${i};`)),
  ];
  const python = range(60).map(
    (i) =>
      `def handler_${i}(request, retries=${i % 3}):\n    """Handle request ${i}."""\n    for attempt in range(retries):\n        if request.ok:\n            return request.body\n        request = request.retry(attempt)\n    log.warning("giving up on %s", request)\n    return None\n`,
  );
  const ts = range(60).map(
    (i) =>
      `export function handler${i}(req: Request, retries = ${i % 3}): string | null {\n  for (let a = 0; a < retries; a++) {\n    if (req.ok) return req.body;\n    req = req.retry(a);\n  }\n  log.warn("giving up", req.url);\n  return null;\n}\n`,
  );
  const subjects = [
    "The scheduler",
    "Our cache layer",
    "Each replica",
    "The billing team",
    "A retry policy",
    "The new index",
    "Most operators",
    "This release",
  ];
  const verbs = ["usually absorbs", "quietly delays", "rarely explains", "often hides", "carefully limits", "sometimes doubles"];
  const objects = [
    "the morning traffic peak",
    "slow disk flushes",
    "a burst of failed logins",
    "the weekly report",
    "cold starts after deploys",
    "long garbage-collection pauses",
  ];
  const sentence = (i: number) => `${subjects[i % 8]} ${verbs[(i * 5) % 6]} ${objects[(i * 7) % 6]}${i % 3 ? ", which matters when budgets are tight" : ""}.`;
  const prose = range(40).map((p) =>
    range(4 + (p % 3))
      .map((j) => sentence(p * 7 + j))
      .join(" "),
  );
  return [
    { kind: "log", text: log.join("\n"), toolName: "bash" },
    { kind: "json", text: json, toolName: "http_get" },
    { kind: "search", text: search.join("\n"), toolName: "grep" },
    { kind: "diff", text: diff.join("\n"), toolName: "git" },
    { kind: "code", text: python.join("\n"), toolName: "read_file", fileName: "service.py" },
    { kind: "code", text: ts.join("\n"), toolName: "read_file", fileName: "service.ts" },
    { kind: "prose", text: prose.join("\n\n"), toolName: "fetch" },
  ];
}

/** A store that keeps nothing: warm-up originals are never retrieved. */
const discard: Store = {
  get: async () => undefined,
  put: async () => undefined,
  has: async () => false,
  delete: async () => false,
};

/** What `warmUp` did. */
export interface WarmUpReport {
  /** Wall time in ms. */
  ms: number;
  /** Per sample, in order: `kind→compressor`, or `kind→<why not>` (say `code declined`: it still ran and loaded). */
  warmed: string[];
  /** Samples left out because the time budget ran out. */
  skipped: number;
  /** Problems the warm-up met (never thrown: a failed warm-up only means a slower first request). */
  errors: string[];
}

/**
 * Runs one small compression per common kind through `pipeline` (detection, every compressor's lazy
 * loading, the tokenizer), stopping once `budgetMs` (default 1500) is spent. Never throws.
 */
export async function warmUp(pipeline: Pipeline, options: { budgetMs?: number; query?: string } = {}): Promise<WarmUpReport> {
  const budget = options.budgetMs ?? 1500;
  const t0 = performance.now();
  const report: WarmUpReport = { ms: 0, warmed: [], skipped: 0, errors: [] };
  const samples = warmUpSamples();
  for (const [i, s] of samples.entries()) {
    if (performance.now() - t0 >= budget) {
      report.skipped = samples.length - i;
      break;
    }
    try {
      const toolArgs = JSON.stringify(s.fileName ? { file_path: s.fileName } : { command: s.toolName });
      const r = await pipeline.compressText(s.text, {
        store: discard,
        query: options.query ?? "why did the request fail",
        source: { toolName: s.toolName, toolArgs },
        timeBudgetMs: budget,
      });
      for (const e of r.errors) if (e.stage !== "report" && e.stage !== "plugin") report.errors.push(`${s.kind}: ${e.message}`);
      const label = s.fileName ? `${s.kind}:${s.fileName.split(".").pop()}` : s.kind;
      report.warmed.push(`${label}→${r.units[0]?.compressor ?? r.units[0]?.reason ?? "-"}`);
    } catch (e) {
      report.errors.push(`${s.kind}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  report.ms = performance.now() - t0;
  return report;
}
