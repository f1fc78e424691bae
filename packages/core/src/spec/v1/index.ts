/**
 * Specification v1, frozen: the plugin contract of `@headroom/core` 0.1, under versioned names. The
 * interfaces themselves live in `../../types.ts` (beside the types every version shares); this module
 * only re-exports them. Nothing here changes any more: a new contract is a new version.
 */
export { SPECIFICATION_VERSION as SPECIFICATION_VERSION_V1 } from "../../types.js";
export type {
  BeforeUnitDecisionV1,
  CompressContextV1,
  CompressorV1,
  CompressorResultV1,
  ContentKindV1,
  DetectionV1,
  DetectorV1,
  HookV1,
  PipelineSettingsV1,
  StoredOriginalV1,
  UnitV1,
  UnitHintsV1,
} from "../../types.js";
