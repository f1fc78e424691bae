import { findMarkerHashes, type Store } from "@headroom/core";
import type { Probe } from "./corpus.js";

/** Share of probe answers (counted per answer) present verbatim in `text`. */
export function visibleRetention(probes: Probe[], text: string): number {
  let n = 0;
  let kept = 0;
  for (const p of probes)
    for (const a of p.answers) {
      n++;
      if (text.includes(a)) kept++;
    }
  return n ? kept / n : 1;
}

/** Share of probes that pass (all/any of their answers visible). */
export function probePassRate(probes: Probe[], text: string): number {
  if (!probes.length) return 1;
  let pass = 0;
  for (const p of probes) {
    const hits = p.answers.map((a) => text.includes(a));
    if (p.must === "all" ? hits.every(Boolean) : hits.some(Boolean)) pass++;
  }
  return pass / probes.length;
}

/**
 * Everything a reader could see or retrieve: the output plus every original its markers point to,
 * followed recursively (an original may itself carry markers).
 */
export async function recoverableText(text: string, store: Store | undefined): Promise<string> {
  if (!store) return text;
  const seen = new Set<string>();
  const parts = [text];
  const queue = findMarkerHashes(text);
  while (queue.length) {
    const h = queue.shift()!;
    if (seen.has(h)) continue;
    seen.add(h);
    const orig = await store.get(h);
    if (orig === undefined) continue;
    parts.push(orig);
    queue.push(...findMarkerHashes(orig));
  }
  return parts.join("\n\u0000\n");
}

/** Naive baseline: keep the head and tail of `text` within `budget` tokens (half each). */
export function headTail(text: string, budget: number, count: (t: string) => number): string {
  if (count(text) <= budget) return text;
  const ratio = budget / Math.max(1, count(text));
  const keep = Math.floor((text.length * ratio) / 2);
  return text.slice(0, keep) + "\n...\n" + text.slice(text.length - keep);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export const median = (v: number[]) => percentile(v, 50);
