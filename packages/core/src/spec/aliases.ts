/**
 * The unversioned names alias the newest specification (v2), like the AI SDK's `LanguageModel`. Code
 * that must keep the v1 shape imports the versioned names (`CompressorV1`…); the pipeline runs both.
 */
import type {
  BeforeUnitDecisionV2,
  CompressContextV2,
  CompressorResultV2,
  CompressorV2,
  ContentKindV2,
  DetectionV2,
  DetectorV2,
  HookV2,
  PipelineSettingsV2,
  StoredOriginalV2,
  UnitSource,
  UnitV2,
} from "./v2/index.js";

/** A compressor plugin (newest spec: {@link CompressorV2}). */
export type Compressor = CompressorV2;
/** What a compressor returns (newest spec: {@link CompressorResultV2}). */
export type CompressorResult = CompressorResultV2;
/** A compressor's context (newest spec: {@link CompressContextV2}). */
export type CompressContext = CompressContextV2;
/** A compressible unit (newest spec: {@link UnitV2}). */
export type Unit = UnitV2;
/** A hook (newest spec: {@link HookV2}). */
export type Hook = HookV2;
/** A content detector (newest spec: {@link DetectorV2}, an object; v1's was a function, `DetectorV1`; the `detect` option takes a `DetectFunction`). */
export type Detector = DetectorV2;
/** What a detector says (newest spec: {@link DetectionV2}). */
export type Detection = DetectionV2;
/** A content kind: an open string (newest spec: {@link ContentKindV2}). */
export type ContentKind = ContentKindV2;
/** A hook's veto or aggressiveness (newest spec: {@link BeforeUnitDecisionV2}). */
export type BeforeUnitDecision = BeforeUnitDecisionV2;
/** Settings hooks may change (newest spec: {@link PipelineSettingsV2}). */
export type PipelineSettings = PipelineSettingsV2;
/** An original to store (newest spec: {@link StoredOriginalV2}). */
export type StoredOriginal = StoredOriginalV2;
/** Where a unit came from (v2 `unit.source`; v1 called the same fields `UnitHints`). */
export type UnitHints = UnitSource;
