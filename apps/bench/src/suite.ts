import type { Tokenizer } from "@headroom/core";
import type { CorpusCase } from "./corpus.js";

/** A table a suite reports; rendered to markdown and kept in the JSON results. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** One-line notes printed under the table (goals, how to read it). */
  notes?: string[];
}

/** What a bench suite gets. */
export interface SuiteContext {
  /** Corpus cases (after --kind/--case filters); empty when ../shared/corpus is absent. */
  cases: CorpusCase[];
  /** o200k_base tokenizer (the one every number is counted with). */
  tokenizer: Tokenizer;
  /** Progress reporting: call once per step. */
  progress(label: string, done: number, total: number): void;
  /** True when `--quick` was given: fewer repetitions. */
  quick: boolean;
  /** Bias values to sweep (`--bias 0.5,1,2`); suites that support it report one column per value. */
  biases?: number[];
}

/** What a suite returns. */
export interface SuiteResult {
  tables: Table[];
  /** Anything machine-readable worth keeping in results/<suite>.json. */
  data?: unknown;
}

/**
 * A bench suite. Every file in src/suites/ exporting `suite` is picked up by `pnpm bench`
 * (`pnpm bench --suite NAME` runs one).
 */
export interface BenchSuite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}
