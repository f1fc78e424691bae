/**
 * Version handling: which plugin objects the pipeline accepts, and the upgrades that let it run every
 * accepted version through one v2 code path (like the AI SDK's `asLanguageModelV3`).
 */
import type {
  CompressContextV1,
  CompressorV1,
  ContentKindV1,
  DetectionV1,
  HookV1,
  PipelineSettingsV1,
  UnitV1,
} from "../types.js";
import type { CompressContextV2, CompressorV2, DetectFunction, DetectionV2, DetectorV2, HookV2, PipelineSettingsV2, UnitV2 } from "./v2/index.js";

/** Every specification version this core runs, oldest first. */
export const SUPPORTED_SPECIFICATION_VERSIONS = ["v1", "v2"] as const;

/** A compressor of any supported version. */
export type AnyCompressor = CompressorV1 | CompressorV2;
/** A hook of any supported version (a hook without `specificationVersion` is a v1 hook). */
export type AnyHook = HookV1 | HookV2;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;
const label = (v: unknown) => (isObj(v) && typeof v.name === "string" ? v.name : JSON.stringify(v) ?? String(v));

/**
 * Why a value is not a compressor this core can run, or `undefined` when it is one. The pipeline reports
 * such plugins in `errors` (stage `plugin`) and skips them; it never throws for them.
 */
export function compressorProblem(c: unknown): string | undefined {
  if (!isObj(c)) return `not a compressor: ${label(c)}`;
  if (typeof c.name !== "string" || !c.name) return "compressor without a name";
  if (typeof c.compress !== "function") return `compressor ${c.name} has no compress() function`;
  if (!Array.isArray(c.kinds) || !c.kinds.every((k) => typeof k === "string")) return `compressor ${c.name}: kinds must be an array of strings`;
  const v = c.specificationVersion;
  if (v !== "v1" && v !== "v2")
    return `compressor ${c.name} implements spec ${String(v)}; this core runs ${SUPPORTED_SPECIFICATION_VERSIONS.join(", ")}`;
  if (v === "v2" && c.detectors !== undefined) {
    if (!Array.isArray(c.detectors)) return `compressor ${c.name}: detectors must be an array`;
    for (const d of c.detectors) {
      const p = detectorProblem(d);
      if (p) return `compressor ${c.name}: ${p}`;
    }
  }
  return undefined;
}

/** Why a value is not a v2 detector, or `undefined`. */
export function detectorProblem(d: unknown): string | undefined {
  if (!isObj(d)) return `not a detector: ${label(d)}`;
  if (typeof d.name !== "string" || !d.name) return "detector without a name";
  if (typeof d.detect !== "function") return `detector ${d.name} has no detect() function`;
  if (!Array.isArray(d.kinds)) return `detector ${d.name}: kinds must be an array`;
  return undefined;
}

const HOOK_STAGES = ["beforePipeline", "beforeUnit", "afterUnit", "afterPipeline"] as const;

/** Why a value is not a hook this core can run, or `undefined`. */
export function hookProblem(h: unknown): string | undefined {
  if (!isObj(h)) return `not a hook: ${label(h)}`;
  if (typeof h.name !== "string" || !h.name) return "hook without a name";
  const v = h.specificationVersion;
  if (v !== undefined && v !== "v1" && v !== "v2")
    return `hook ${h.name} implements spec ${String(v)}; this core runs ${SUPPORTED_SPECIFICATION_VERSIONS.join(", ")}`;
  for (const s of HOOK_STAGES) if (h[s] !== undefined && typeof h[s] !== "function") return `hook ${h.name}: ${s} is not a function`;
  return undefined;
}

/** The v1 view of a v2 unit: the source fields flattened onto the unit. */
export function toUnitV1(u: UnitV2): UnitV1 {
  const v1: UnitV1 = { id: u.id, text: u.text, role: u.role, messageIndex: u.messageIndex };
  if (u.source.toolName) v1.toolName = u.source.toolName;
  if (u.source.toolArgs) v1.toolArgs = u.source.toolArgs;
  if (u.source.fileName) v1.fileName = u.source.fileName;
  if (u.query) v1.query = u.query;
  return v1;
}

function toDetectionV1(d: DetectionV2): DetectionV1 {
  // v1 typed kinds as a closed union; a v2 detector may name others, which v1 plugins just do not list.
  const v1: DetectionV1 = { kind: d.kind as ContentKindV1, confidence: d.confidence };
  if (d.language) v1.language = d.language;
  return v1;
}

/** The v1 context for a v2 context: `reversible` = `allowLossy`, `bias` = `aggressiveness`, `query` copied. */
export function toContextV1(ctx: CompressContextV2, unit: UnitV2): CompressContextV1 {
  const v1: CompressContextV1 = {
    model: ctx.model,
    tokenizer: ctx.tokenizer,
    reversible: ctx.allowLossy,
    inputTokens: ctx.inputTokens,
    bias: ctx.aggressiveness,
  };
  if (ctx.detection) v1.detection = toDetectionV1(ctx.detection);
  if (unit.query) v1.query = unit.query;
  const delegate = ctx.delegate;
  if (delegate) v1.delegate = (text, detection) => delegate(text, detection);
  return v1;
}

/**
 * Runs any supported compressor as a v2 one. A v2 compressor is returned as it is; a v1 compressor gets
 * the v1 view of each unit and context (see `toUnitV1`, `toContextV1`); its results have the v2 shape.
 */
export function asCompressorV2(c: AnyCompressor): CompressorV2 {
  if (c.specificationVersion === "v2") return c;
  const v1 = c;
  const up: CompressorV2 = {
    specificationVersion: "v2",
    name: v1.name,
    kinds: v1.kinds,
    compress: (unit, ctx) => v1.compress(toUnitV1(unit), toContextV1(ctx, unit)),
  };
  return v1.priority === undefined ? up : { ...up, priority: v1.priority };
}

/** Wraps a detector function (the `detect` option, `@headroom/router`'s `detect`, any `DetectorV1`) as a v2 detector. */
export function asDetectorV2(detect: DetectFunction, name = "detect"): DetectorV2 {
  return {
    name,
    kinds: ["*"],
    detect: (text, hints) => detect(text, { ...hints }),
  };
}

function toSettingsV1(s: PipelineSettingsV2): PipelineSettingsV1 {
  const { aggressiveness, timeBudgetMs: _t, ...rest } = s;
  return { ...rest, bias: aggressiveness };
}

function fromSettingsV1(p: Partial<PipelineSettingsV1>): Partial<PipelineSettingsV2> {
  const { bias, ...rest } = p;
  return bias === undefined ? rest : { ...rest, aggressiveness: bias };
}

/** Runs any supported hook as a v2 one (v1 hooks see v1 units and settings; `bias` maps to `aggressiveness`). */
export function asHookV2(h: AnyHook): HookV2 {
  if ((h as { specificationVersion?: unknown }).specificationVersion === "v2") return h as HookV2;
  const v1 = h as HookV1;
  const up: { -readonly [K in keyof HookV2]: HookV2[K] } = { specificationVersion: "v2", name: v1.name };
  if (v1.enforce) up.enforce = v1.enforce;
  const { beforePipeline, beforeUnit, afterUnit, afterPipeline } = v1;
  if (beforePipeline)
    up.beforePipeline = async ({ messages, format, settings }) => {
      const change = await beforePipeline.call(v1, { messages, format, settings: toSettingsV1(settings) });
      return change ? fromSettingsV1(change) : undefined;
    };
  if (beforeUnit)
    up.beforeUnit = async (unit, info) => {
      const d = await beforeUnit.call(v1, toUnitV1(unit), info.detection ? { detection: toDetectionV1(info.detection) } : {});
      if (!d) return undefined;
      const { bias, ...rest } = d;
      return bias === undefined ? rest : { ...rest, aggressiveness: bias };
    };
  if (afterUnit) up.afterUnit = (unit, report) => afterUnit.call(v1, toUnitV1(unit), report);
  if (afterPipeline) up.afterPipeline = (result) => afterPipeline.call(v1, result);
  return up;
}
