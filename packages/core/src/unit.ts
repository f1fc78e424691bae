import { fileNameFromArgs, type FoundUnit } from "./adapters.js";
import { ccrKey, findMarkerHashes, hasMarker } from "./markers.js";
import type {
  CompressContext,
  CompressError,
  Compressor,
  CompressorResult,
  Detection,
  Detector,
  Hook,
  PipelineSettings,
  Role,
  Store,
  Tokenizer,
  Unit,
  UnitReport,
} from "./types.js";

/** Name of the retrieve tool: its results are never compressed again. */
export const RETRIEVE_TOOL_NAME = "headroom_retrieve";

/** What one unit's handling needs from the run. */
export interface UnitRunOptions {
  compressors: Compressor[];
  hooks: Hook[];
  detect?: Detector;
  store?: Store;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function toUnit(f: FoundUnit): Unit {
  const u: Unit = { id: f.id, text: f.text, role: f.role, messageIndex: f.messageIndex };
  if (f.toolName) u.toolName = f.toolName;
  if (f.toolArgs) u.toolArgs = f.toolArgs;
  const fileName = fileNameFromArgs(f.toolArgs);
  if (fileName) u.fileName = fileName;
  if (f.query) u.query = f.query;
  return u;
}

export function preSkip(
  unit: Unit,
  tokens: number,
  s: PipelineSettings,
  roles: Set<Role>,
  excluded: RegExp[],
  firstProtected: number,
  total: number,
): string | undefined {
  if (!roles.has(unit.role)) return "role";
  if (unit.messageIndex >= firstProtected) return "protected (recent)";
  if (unit.toolName === RETRIEVE_TOOL_NAME) return "retrieval result";
  if (unit.toolName && excluded.some((r) => r.test(unit.toolName!))) return "excluded tool";
  if (hasMarker(unit.text)) return "already compressed";
  if (tokens < s.minTokens) return "below minTokens";
  if (s.tokenBudget !== undefined && total <= s.tokenBudget) return "within token budget";
  return undefined;
}

/** Runs hooks, detection and compressors for one unit. Returns the accepted result or null (unchanged). */
export async function handleUnit(
  unit: Unit,
  o: UnitRunOptions,
  s: PipelineSettings,
  tokenizer: Tokenizer,
  reversible: boolean,
  errors: CompressError[],
  report: UnitReport,
): Promise<CompressorResult | null> {
  let detection: Detection | undefined;
  if (o.detect) {
    try {
      detection = o.detect(unit.text, { toolName: unit.toolName, toolArgs: unit.toolArgs, fileName: unit.fileName });
      report.kind = detection.kind;
      if (detection.language) report.language = detection.language;
    } catch (e) {
      errors.push({ unitId: unit.id, stage: "detect", message: errMsg(e) });
    }
  }
  let bias = s.bias;
  for (const h of o.hooks) {
    if (!h.beforeUnit) continue;
    try {
      const d = await h.beforeUnit(unit, detection ? { detection } : {});
      if (d?.skip) {
        report.reason = typeof d.skip === "string" ? `vetoed by ${h.name}: ${d.skip}` : `vetoed by ${h.name}`;
        return null;
      }
      if (typeof d?.bias === "number" && Number.isFinite(d.bias) && d.bias > 0) bias *= d.bias;
    } catch (e) {
      errors.push({ unitId: unit.id, stage: "hook", message: `${h.name}.beforeUnit: ${errMsg(e)}` });
    }
  }
  const kind = detection?.kind;
  const eligible = o.compressors.filter((c) => c.kinds.includes("*") || (kind !== undefined && c.kinds.includes(kind)));
  report.status = "unchanged";
  if (!eligible.length) {
    report.reason = kind ? `no compressor installed for ${kind}` : "no compressor";
    return null;
  }
  const ctx: CompressContext = { model: s.model, tokenizer, reversible, bias, inputTokens: report.tokensBefore };
  if (detection) ctx.detection = detection;
  if (unit.query) ctx.query = unit.query;
  if (o.detect) ctx.delegate = makeDelegate(unit, ctx, o.compressors, o.detect);
  const reasons: string[] = [];
  for (const c of eligible) {
    let r: CompressorResult | null | undefined;
    try {
      r = await c.compress(unit, ctx);
    } catch (e) {
      errors.push({ unitId: unit.id, compressor: c.name, stage: "compress", message: errMsg(e) });
      reasons.push(`${c.name} failed`);
      continue;
    }
    if (!r) {
      reasons.push(`${c.name} declined`);
      continue;
    }
    const problem = validate(unit.text, r, reversible);
    if (problem) {
      errors.push({ unitId: unit.id, compressor: c.name, stage: "validate", message: problem });
      reasons.push(`${c.name}: ${problem}`);
      continue;
    }
    let after: number;
    try {
      after = r.text === unit.text ? report.tokensBefore : r.text ? tokenizer.count(r.text) : 0;
    } catch (e) {
      errors.push({ unitId: unit.id, compressor: c.name, stage: "tokenize", message: errMsg(e) });
      continue;
    }
    if (after >= report.tokensBefore) {
      reasons.push(`${c.name}: no gain`);
      continue;
    }
    const originals = r.originals ?? [];
    if (originals.length) {
      try {
        for (const orig of originals)
          await o.store!.put(orig.key, orig.content, { ...(s.ttlSeconds !== undefined ? { ttlSeconds: s.ttlSeconds } : {}), ...(orig.meta ? { meta: orig.meta } : {}) });
      } catch (e) {
        errors.push({ unitId: unit.id, compressor: c.name, stage: "store", message: errMsg(e) });
        reasons.push(`${c.name}: store failed`);
        continue;
      }
    }
    report.status = "compressed";
    report.compressor = c.name;
    report.tokensAfter = after;
    report.lossless = r.lossless;
    report.transforms = r.transforms?.length ? [...r.transforms] : [c.name];
    report.ccrHashes = findMarkerHashes(r.text);
    delete report.reason;
    return r;
  }
  report.reason = reasons.join("; ") || "no gain";
  return null;
}

/** Checks a compressor result against the invariants; returns a problem or undefined. */
function validate(input: string, r: CompressorResult, reversible: boolean): string | undefined {
  if (typeof r.text !== "string") return "result text is not a string";
  if (!r.lossless && !reversible) return "lossy result without a store (lossless mode)";
  const stored = new Set<string>();
  for (const orig of r.originals ?? []) {
    if (typeof orig.content !== "string" || ccrKey(orig.content) !== orig.key) return `original ${orig.key} does not match its key`;
    stored.add(orig.key);
  }
  if ((r.originals?.length ?? 0) > 0 && !reversible) return "originals returned without a store";
  const already = new Set(findMarkerHashes(input));
  let fresh = 0;
  for (const h of findMarkerHashes(r.text)) {
    if (already.has(h)) continue;
    if (!stored.has(h)) return `marker ${h} has no stored original`;
    fresh++;
  }
  // Lossy output must point at what it dropped: no marker, no lossy result.
  if (!r.lossless && fresh === 0) return "lossy result carries no marker to its stored original";
  return undefined;
}

/**
 * Lets a compressor hand a piece of its input (a section of a mixed text, a log inside a JSON string) to
 * the best compressor for that piece's kind. Results are validated like top-level ones; nothing is stored
 * here: the originals travel back inside the returned result.
 */
function makeDelegate(unit: Unit, ctx: CompressContext, compressors: Compressor[], detect: Detector) {
  return async (text: string, detection?: Detection): Promise<CompressorResult | null> => {
    const d = detection ?? detect(text, { toolName: unit.toolName, toolArgs: unit.toolArgs, fileName: unit.fileName });
    const before = ctx.tokenizer.count(text);
    for (const c of compressors) {
      if (!c.kinds.includes(d.kind)) continue;
      try {
        const r = await c.compress({ ...unit, text }, { ...ctx, detection: d, delegate: undefined, inputTokens: before });
        if (!r || validate(text, r, ctx.reversible)) continue;
        if (ctx.tokenizer.count(r.text) < before) return r;
      } catch {
        // Fail open: the delegating compressor keeps this piece as it was.
      }
    }
    return null;
  };
}
