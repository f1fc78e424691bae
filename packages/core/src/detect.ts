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
 * Runs every detector and keeps the most confident answer (ties: the earlier detector). A throwing
 * detector, or one answering garbage, is reported and ignored.
 */
export function runDetectors(
  detectors: readonly DetectorV2[],
  text: string,
  hints: UnitSource,
  errors: CompressError[],
  unitId: string,
): DetectionV2 | undefined {
  let best: DetectionV2 | undefined;
  for (const d of detectors) {
    let r: DetectionV2 | null | undefined;
    try {
      r = d.detect(text, hints);
    } catch (e) {
      errors.push({ unitId, stage: "detect", message: `${d.name}: ${errMsg(e)}` });
      continue;
    }
    if (r === null || r === undefined) continue;
    if (typeof r !== "object" || typeof r.kind !== "string" || typeof r.confidence !== "number" || Number.isNaN(r.confidence)) {
      errors.push({ unitId, stage: "detect", message: `${d.name}: returned ${JSON.stringify(r)}, not a detection` });
      continue;
    }
    if (!best || r.confidence > best.confidence) best = { ...r, detector: d.name };
  }
  return best;
}
