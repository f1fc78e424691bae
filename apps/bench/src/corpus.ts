import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Corpus kinds (folder names) as the corpus README defines them. */
export const CORPUS_KINDS = ["logs", "json", "code", "search", "diff", "text", "conversation"] as const;
export type CorpusKind = (typeof CORPUS_KINDS)[number];

export interface Probe {
  q: string;
  answers: string[];
  must: "all" | "any";
}

/** One corpus case (schema: ../shared/corpus/README.md). */
export interface CorpusCase {
  id: string;
  kind: CorpusKind;
  content?: string;
  messages?: Array<Record<string, unknown>>;
  language?: string;
  query: string;
  probes: Probe[];
  source: unknown;
}

/** Where the corpus is: $HEADROOM_CORPUS, else ../shared/corpus beside the repo. */
export function corpusDir(): string {
  if (process.env.HEADROOM_CORPUS) return resolve(process.env.HEADROOM_CORPUS);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "../../../../shared/corpus");
}

/** Loads the corpus cases, filtered; returns [] (and the caller says so) when the corpus is absent. */
export function loadCorpus(filter: { kind?: string; caseId?: string } = {}, dir = corpusDir()): CorpusCase[] {
  if (!existsSync(dir)) return [];
  const out: CorpusCase[] = [];
  for (const kind of CORPUS_KINDS) {
    if (filter.kind && filter.kind !== kind) continue;
    const d = join(dir, kind);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) {
      if (!f.endsWith(".json")) continue;
      const c = JSON.parse(readFileSync(join(d, f), "utf8")) as CorpusCase;
      if (filter.caseId && filter.caseId !== c.id) continue;
      out.push(c);
    }
  }
  return out;
}

/** The file a case was cut from (its `source.path` without a `#fragment`), when it names one. */
export function casePath(c: CorpusCase): string | undefined {
  const path = (c.source as { path?: unknown } | undefined)?.path;
  return typeof path === "string" ? path.split("#")[0] : undefined;
}

/** The text probes are judged on: the content, or for conversations the tool messages' content. */
export function caseText(c: CorpusCase): string {
  if (c.kind !== "conversation") return c.content ?? "";
  return (c.messages ?? [])
    .filter((m) => m.role === "tool" && typeof m.content === "string")
    .map((m) => m.content as string)
    .join("\n\u0000\n");
}
