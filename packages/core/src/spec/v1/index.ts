/**
 * Specification v1, frozen: the plugin contract of `@headroom/core` 0.1, under versioned names. The
 * interfaces themselves live in `../../types.ts` (where 0.1 published them, so that existing imports keep
 * resolving); this module only names them. Nothing here changes any more: a new contract is a new version.
 */
export { SPECIFICATION_VERSION as SPECIFICATION_VERSION_V1 } from "../../types.js";
export type {
  BeforeUnitDecision as BeforeUnitDecisionV1,
  CompressContext as CompressContextV1,
  Compressor as CompressorV1,
  CompressorResult as CompressorResultV1,
  ContentKind as ContentKindV1,
  Detection as DetectionV1,
  Detector as DetectorV1,
  Hook as HookV1,
  PipelineSettings as PipelineSettingsV1,
  Unit as UnitV1,
  UnitHints as UnitHintsV1,
} from "../../types.js";
