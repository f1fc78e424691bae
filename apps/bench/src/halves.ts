/**
 * The generalisation split: dev cases are divided into two halves **by source repository** (a repository's
 * cases never straddle halves), so that parameters chosen on half A can be checked on half B; the `d2-`
 * cases (added later, from other repositories) are a third group reported on their own. The assignment is
 * deterministic and balanced: repositories by descending case count (then name), each to the half that
 * has fewer cases so far.
 */
import type { CorpusCase } from "./corpus.js";

export type Group = "A" | "B" | "d2";

/** The repository a case was cut from (the first source for conversations). */
export function sourceRepo(c: CorpusCase): string {
  const s = (Array.isArray(c.source) ? c.source[0] : c.source) as { repo?: unknown } | undefined;
  return typeof s?.repo === "string" ? s.repo : "?";
}

/** Group of every case id: `d2` for `d2-` cases, else `A` or `B` by repository. */
export function assignGroups(cases: readonly CorpusCase[]): Map<string, Group> {
  const out = new Map<string, Group>();
  const byRepo = new Map<string, CorpusCase[]>();
  for (const c of cases) {
    if (c.id.startsWith("d2-")) {
      out.set(c.id, "d2");
      continue;
    }
    const r = sourceRepo(c);
    byRepo.set(r, [...(byRepo.get(r) ?? []), c]);
  }
  const repos = [...byRepo.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  let a = 0;
  let b = 0;
  for (const [, list] of repos) {
    const g: Group = a <= b ? "A" : "B";
    if (g === "A") a += list.length;
    else b += list.length;
    for (const c of list) out.set(c.id, g);
  }
  return out;
}
