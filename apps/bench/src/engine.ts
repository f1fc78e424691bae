import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CompressOptions, Pipeline, Store } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { casePath, caseText, type CorpusCase } from "./corpus.js";

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

let router: Promise<Pipeline & { registry: { describe(): { name: string; source: string }[] } }> | undefined;

/** The router over every compressor plugin installed for the bench (its dependencies). */
export function benchRouter() {
  router ??= createDefaultRouter({ from: BENCH_DIR, tokenizer: tiktokenTokenizer });
  return router;
}

/** Output of compressing one case: the text probes are judged on. */
export interface CaseRun {
  text: string;
  tokensBefore: number;
  tokensAfter: number;
  compressors: string[];
  errors: string[];
}

/**
 * Compresses one corpus case the way an agent would see it: a conversation as messages; any other kind
 * as one tool output (code cases as the output of a read_file call naming the file), with the case's
 * query as the preceding user turn.
 */
export async function compressCase(c: CorpusCase, store: Store | undefined, extra: CompressOptions = {}): Promise<CaseRun> {
  const r = await benchRouter();
  const opts: CompressOptions = { model: "gpt-4o", ...(store ? { store } : { lossless: true }), ...extra };
  if (c.kind === "conversation") {
    const res = await r.compress(c.messages ?? [], opts);
    const text = (res.messages as Array<Record<string, unknown>>)
      .filter((m) => m.role === "tool" && typeof m.content === "string")
      .map((m) => m.content as string)
      .join("\n\u0000\n");
    return summarizeRun(text, res.units, res.errors, res.units.filter((u) => u.role === "tool").reduce((s, u) => s + u.tokensBefore, 0), res.units.filter((u) => u.role === "tool").reduce((s, u) => s + u.tokensAfter, 0));
  }
  const path = casePath(c) ?? "";
  const toolName = c.kind === "code" ? "read_file" : c.kind === "search" ? "grep" : c.kind === "diff" ? "git" : "tool";
  // What the agent's tool call would have said: the file it read, or the command it ran (rg …, git show …).
  const toolArgs = c.kind === "code" ? JSON.stringify({ file_path: path }) : c.kind === "search" || c.kind === "diff" ? JSON.stringify({ command: path }) : "{}";
  const res = await r.compressText(caseText(c), { ...opts, query: c.query, toolName, toolArgs });
  return summarizeRun(res.text, res.units, res.errors, res.tokensBefore, res.tokensAfter);
}

function summarizeRun(text: string, units: { compressor?: string }[], errors: { message: string }[], before: number, after: number): CaseRun {
  const compressors = [...new Set(units.map((u) => u.compressor).filter((x): x is string => !!x))].sort();
  return { text, tokensBefore: before, tokensAfter: after, compressors, errors: errors.map((e) => e.message) };
}
