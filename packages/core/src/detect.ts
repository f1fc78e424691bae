import { tryParseJson } from "./json.js";
import type { CompressError } from "./types.js";
import type { DetectionV2, DetectorV2, UnitSource } from "./spec/v2/index.js";

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Core's own detector: recognises JSON documents and JSON lines, so that a `json` compressor works
 * without `@headroom/router`. Only texts that start like JSON are parsed.
 */
export const jsonDetector: DetectorV2 = {
  name: "core/json",
  kinds: ["json"],
  detect(text) {
    const t = text.trim();
    const c = t[0];
    if (c !== "{" && c !== "[") return null;
    if (parses(t)) return { kind: "json", confidence: 1 };
    const lines = t.split(/\r?\n/).filter((l) => l.trim());
    if (lines.length >= 2 && lines.every((l) => /^\s*[{[]/.test(l) && parses(l))) return { kind: "json", confidence: 0.9 };
    return null;
  },
};

const parses = (t: string): boolean => tryParseJson(t) !== undefined;

/**
 * Keeps the most confident answer of the detectors (ties: the one listed first). A throwing detector, or
 * one answering garbage, is reported and ignored. Detectors that declare a `maxConfidence` below 1 run
 * after the others, most capable first, and only while they could still win or tie: the answer is the one
 * running them all in order would give.
 */
export function runDetectors(
  detectors: readonly DetectorV2[],
  text: string,
  hints: UnitSource,
  errors: CompressError[],
  unitId: string,
): DetectionV2 | undefined {
  let best: DetectionV2 | undefined;
  let bestAt = -1;
  const consider = (d: DetectorV2, at: number) => {
    const r = ask(d, text, hints, errors, unitId);
    if (!r) return;
    const confidence = cap(d) < 1 ? Math.min(r.confidence, cap(d)) : r.confidence;
    if (!best || confidence > best.confidence || (confidence === best.confidence && at < bestAt)) {
      best = { ...r, confidence, detector: d.name };
      bestAt = at;
    }
  };
  const capped: number[] = [];
  detectors.forEach((d, at) => {
    if (cap(d) < 1) capped.push(at);
    else consider(d, at);
  });
  capped.sort((a, b) => cap(detectors[b]!) - cap(detectors[a]!) || a - b);
  for (const at of capped) {
    const d = detectors[at]!;
    if (best && cap(d) < best.confidence) break; // sorted: no later one can reach it either
    consider(d, at);
  }
  return best;
}

/** A detector's declared ceiling (1 when absent or not a number in 0..1). */
function cap(d: DetectorV2): number {
  const m = d.maxConfidence;
  return typeof m === "number" && m >= 0 && m < 1 ? m : 1;
}

function ask(d: DetectorV2, text: string, hints: UnitSource, errors: CompressError[], unitId: string): DetectionV2 | undefined {
  let r: DetectionV2 | null | undefined;
  try {
    r = d.detect(text, hints);
  } catch (e) {
    errors.push({ unitId, stage: "detect", message: `${d.name}: ${errMsg(e)}` });
    return undefined;
  }
  if (r === null || r === undefined) return undefined;
  if (typeof r !== "object" || typeof r.kind !== "string" || typeof r.confidence !== "number" || Number.isNaN(r.confidence)) {
    errors.push({ unitId, stage: "detect", message: `${d.name}: returned ${JSON.stringify(r)}, not a detection` });
    return undefined;
  }
  return r;
}
