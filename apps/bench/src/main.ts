import { mkdirSync, readdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getTokenizer } from "@headroom/tokenizer";
import { corpusDir, loadCorpus } from "./corpus.js";
import type { BenchSuite, SuiteResult, Table } from "./suite.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = resolve(HERE, "../results");

function parse(argv: string[]) {
  const o: { kind?: string; caseId?: string; suites?: string[]; quick: boolean; list: boolean; biases?: number[] } = { quick: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--kind") o.kind = next();
    else if (a === "--case") o.caseId = next();
    else if (a === "--suite") o.suites = next().split(",");
    else if (a === "--quick") o.quick = true;
    else if (a === "--bias") {
      o.biases = next().split(",").map(Number);
      if (o.biases.some((b) => !Number.isFinite(b) || b <= 0)) throw new Error(`--bias takes positive numbers, e.g. --bias 0.5,1,2`);
    }
    else if (a === "--list") o.list = true;
    else throw new Error(`unknown argument ${a} (use --kind K, --case ID, --suite a,b, --bias 0.5,1,2, --quick, --list)`);
  }
  return o;
}

/** Markdown for one table. */
export function renderTable(t: Table): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, "\\|");
  const lines = [`### ${t.title}`, "", `| ${t.columns.map(esc).join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`];
  for (const r of t.rows) lines.push(`| ${r.map(esc).join(" | ")} |`);
  for (const n of t.notes ?? []) lines.push("", `_${n}_`);
  return lines.join("\n") + "\n";
}

function progressBar() {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (label: string, done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (tty) {
      const w = 30;
      const fill = Math.round((pct / 100) * w);
      process.stderr.write(`\r[${"#".repeat(fill)}${" ".repeat(w - fill)}] ${String(pct).padStart(3)}% ${label.slice(0, 50).padEnd(50)}`);
      if (done >= total) process.stderr.write("\n");
    } else if (pct >= lastPct + 10 || done >= total) {
      lastPct = pct;
      process.stderr.write(`[${String(pct).padStart(3)}%] ${label}\n`);
    }
  };
}

async function loadSuites(): Promise<BenchSuite[]> {
  const dir = join(HERE, "suites");
  const out: BenchSuite[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ts$/.test(f) || f.endsWith(".test.ts") || f.endsWith(".d.ts")) continue;
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { suite?: BenchSuite };
      if (mod.suite) out.push(mod.suite);
    } catch (e) {
      // One broken suite (say, its package is not built) must not stop the others.
      console.error(`suite file ${f} failed to load: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }
  return out;
}

async function main() {
  const args = parse(process.argv.slice(2));
  const all = await loadSuites();
  if (args.list) {
    for (const s of all) console.log(`${s.name.padEnd(16)} ${s.description}`);
    return;
  }
  const order = ["corpus"];
  const chosen = (args.suites ? all.filter((s) => args.suites!.includes(s.name)) : all).sort(
    (a, b) => (order.indexOf(b.name) - order.indexOf(a.name)) || a.name.localeCompare(b.name),
  );
  if (args.suites) for (const n of args.suites) if (!all.some((s) => s.name === n)) throw new Error(`unknown suite ${n} (pnpm bench --list)`);
  const cases = loadCorpus({ ...(args.kind ? { kind: args.kind } : {}), ...(args.caseId ? { caseId: args.caseId } : {}) });
  if (!cases.length) console.warn(`No corpus cases at ${corpusDir()} (or none match the filters): corpus suites report nothing; synthetic suites still run.`);
  const tokenizer = await getTokenizer("gpt-4o");
  mkdirSync(RESULTS, { recursive: true });
  const progress = progressBar();
  for (const s of chosen) {
    const t0 = performance.now();
    let res: SuiteResult;
    try {
      res = await s.run({ cases, tokenizer, progress, quick: args.quick, ...(args.biases ? { biases: args.biases } : {}) });
    } catch (e) {
      console.error(`suite ${s.name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      process.exitCode = 1;
      continue;
    }
    const filters = [args.kind && `--kind ${args.kind}`, args.caseId && `--case ${args.caseId}`, args.biases && `--bias ${args.biases.join(",")}`, args.quick && "--quick"].filter(Boolean).join(" ");
    const md = [`## ${s.name}: ${s.description}`, "", `_node ${process.version}, ${cases.length} corpus cases${filters ? `, ${filters}` : ""}, ${((performance.now() - t0) / 1000).toFixed(1)} s_`, "", ...res.tables.map(renderTable)].join("\n");
    writeFileSync(join(RESULTS, `${s.name}.md`), md);
    writeFileSync(join(RESULTS, `${s.name}.json`), JSON.stringify({ suite: s.name, filters, node: process.version, tables: res.tables, data: res.data ?? null }, null, 2) + "\n");
    console.log("\n" + md);
  }
  // The index lists every suite's latest results, including suites not run this time.
  const mds = readdirSync(RESULTS).filter((f) => f.endsWith(".md") && f !== "README.md").sort((a, b) => (a === "corpus.md" ? -1 : b === "corpus.md" ? 1 : a.localeCompare(b)));
  const index = ["# Benchmark results", "", "Written by `pnpm bench` (apps/bench). Each section is the latest run of that suite.", "", ...mds.map((f) => readFileSync(join(RESULTS, f), "utf8"))].join("\n");
  writeFileSync(join(RESULTS, "README.md"), index);
  console.log(`\nResults written to ${RESULTS}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
