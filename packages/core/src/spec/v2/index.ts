/**
 * Specification v2: the plugin contract every new compressor, detector and hook should implement.
 *
 * What changed from v1 (and how a v1 plugin is upgraded, see `asCompressorV2`):
 * - `unit.source { toolName, toolArgs, fileName }` replaces the three fields on the unit and the hints;
 *   the query lives only on `unit.query`.
 * - `ctx.allowLossy` is v1's `ctx.reversible`; `ctx.aggressiveness` is v1's `ctx.bias` (same number).
 * - Content kinds are open strings (`CONTENT_KINDS` lists the built-in ones) and a compressor may ship
 *   its own detectors, so it works without `@headroom/router`.
 * - `ctx.signal` and `ctx.timeBudgetMs`: the pipeline cuts a unit off at its time budget (fail open).
 * - A compressor may decline with a reason (`{ decline: "why" }`) and report non-fatal problems
 *   (`ctx.report`).
 */
import type { CompressResult, MessageFormat, Role, Tokenizer, UnitReport } from "../../types.js";
import type { ImageUnit } from "../../images.js";
import type { ContentKindV2 } from "./kinds.js";

export { CONTENT_KINDS } from "./kinds.js";
export type { BuiltinContentKind, ContentKindV2 } from "./kinds.js";

/** Version tag of this contract: put it in `specificationVersion`. */
export const SPECIFICATION_VERSION_V2 = "v2" as const;

/** Where a unit's text came from: the tool call that produced it, when there is one. */
export interface UnitSource {
  /** Name of the tool whose output this is. */
  toolName?: string;
  /** Raw arguments of that tool call (usually a JSON string). */
  toolArgs?: string;
  /** A file the tool call read, when its arguments say (`file_path`, `path`, `cat path`…). */
  fileName?: string;
}

/**
 * One compressible piece of a request: a tool result, a text block, a text part. (Image units, of kind
 * `image`, will carry their payload in an extra field; text compressors never see them.)
 */
export interface UnitV2 {
  /** Stable address of the unit inside the request, e.g. `messages[3].content[0].content`. */
  id: string;
  /** The text to compress. */
  text: string;
  role: Role;
  /** Index of the message (or Responses input item) that holds the unit. */
  messageIndex: number;
  /** The tool call behind the unit; `{}` for text that no tool produced. */
  source: UnitSource;
  /**
   * The user turn that preceded this unit's message: what the conversation asks, for query-aware
   * selection. Never a later turn, so that a message's compressed form does not change as the
   * conversation grows.
   */
  query?: string;
}

/** What a detector says about a text. */
export interface DetectionV2 {
  kind: ContentKindV2;
  /** 0..1: how sure the detector is. */
  confidence: number;
  /** For code: a language id such as `python`, `typescript`, `tsx`, `go`. */
  language?: string;
  /** Name of the detector that said so (set by the pipeline). */
  detector?: string;
}

/**
 * A detector function, as the `detect` option takes it (`@headroom/router`'s `detect`): a v1 `DetectorV1`
 * fits, and so does one that answers open v2 kinds.
 */
export type DetectFunction = (text: string, hints?: UnitSource) => DetectionV2;

/**
 * A pluggable content detector: a plugin that brings a kind (CSV, Terraform…) brings its detection.
 * Every detector runs on every candidate unit (one declaring a lower `maxConfidence` only while it could
 * still win); the most confident answer wins (ties: the detector listed first). Return `null` when the text is not yours. Keep it cheap and never throw (a throw is reported).
 */
export interface DetectorV2 {
  /** Unique name, e.g. `my-company/csv`. */
  readonly name: string;
  /** The kinds it can answer; informative (for `describe()` and tools). */
  readonly kinds: ReadonlyArray<ContentKindV2>;
  /**
   * The highest confidence this detector ever answers (0..1; default 1). A detector that is deliberately
   * modest (a plugin's fallback beside the router) declares it, and the pipeline skips it whenever a more
   * confident answer is already known: it could neither win nor tie. Answers above it are lowered to it.
   */
  readonly maxConfidence?: number;
  detect(text: string, hints: Readonly<UnitSource>): DetectionV2 | null | undefined;
}

/** A piece of original content the pipeline must store before the compressed text may be emitted. */
export interface StoredOriginalV2 {
  /** CCR key: first 24 hex chars of SHA-256 of `content` (see `ccrKey`). */
  key: string;
  /** The exact original bytes. */
  content: string;
  /** Optional description kept beside the original (kind, compressor, counts). */
  meta?: Record<string, string | number | boolean>;
}

/** What a compressor returns when it compressed a unit. Same shape as v1. */
export interface CompressorResultV2 {
  /** The new text. */
  text: string;
  /** True when `text` carries every fact of the input (no marker needed to recover anything). */
  lossless: boolean;
  /** Originals the pipeline stores before emitting `text`; every new marker hash in `text` must be among them. */
  originals?: StoredOriginalV2[];
  /** Names of the transforms applied, for the report (defaults to the compressor's name). */
  transforms?: string[];
  /**
   * Tokens of `text` counted with `context.tokenizer`, when the compressor already knows them. The pipeline
   * uses it instead of counting `text` again; `checkCompressor` verifies it in tests.
   */
  outputTokens?: number;
}

/** What a compressor returns to leave a unit alone and say why (shown in `units[i].reason`). */
export interface CompressorDeclineV2 {
  decline: string;
}

/** A non-fatal problem a compressor records with `ctx.report` (it lands in `CompressResult.errors`). */
export type ProblemV2 = string | { message: string };

/**
 * The part of `AbortSignal` the pipeline promises. At run time `ctx.signal` is a real `AbortSignal`
 * (pass it to `fetch`); core types it structurally because it does not depend on DOM or Node typings.
 */
export interface AbortSignalLike {
  /** True once the pipeline gave up on the unit. Reading it also notices an expired time budget, so a
   * synchronous compressor that checks it between phases stops without the event loop running. */
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Throws `reason` when aborted (the pipeline treats that throw as "cut off", not as a failure). */
  throwIfAborted(): void;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Facts and helpers a compressor gets for one unit. */
export interface CompressContextV2 {
  model: string;
  tokenizer: Tokenizer;
  /** What detection said about the unit, when any detector recognised it. */
  detection?: DetectionV2;
  /**
   * True when lossy output is allowed: a store is attached to keep the originals and the caller did not
   * ask for lossless mode. When false, return a lossless result or decline. (v1: `reversible`.)
   */
  allowLossy: boolean;
  /** Tokens of `unit.text` as the pipeline counted them. */
  inputTokens: number;
  /**
   * How hard to compress: 1 by default; 2 means drop about twice as much as usual (keep less), 0.5 half as
   * much (keep more). Set by the `aggressiveness` option and by hooks. (v1: `bias`, same number.)
   */
  aggressiveness: number;
  /** Aborted when the unit's time budget runs out or the caller cancels: stop and return. */
  signal: AbortSignalLike;
  /** This unit's time budget in milliseconds (`Infinity` when unlimited). */
  timeBudgetMs: number;
  /** Records a non-fatal problem (reported in `errors` with stage `report`); compression goes on. */
  report(problem: ProblemV2): void;
  /**
   * Compresses a piece of the input (a section of a mixed text, a log inside a JSON string) with the best
   * installed compressor for the piece's kind. Set whenever the pipeline has a detector (always in v2:
   * core's JSON detector at least). Results are validated like top-level ones; nothing is stored: the
   * originals come back inside the result, to return with yours.
   */
  delegate?: (text: string, detection?: DetectionV2) => Promise<CompressorResultV2 | null>;
}

/** What `compress` may return: a result, a reasoned decline, or `null`/`undefined` to decline silently. */
export type CompressOutcomeV2 = CompressorResultV2 | CompressorDeclineV2 | null | undefined;

/** A v2 compressor plugin: a plain object. `compress` may be sync or async. */
export interface CompressorV2 {
  readonly specificationVersion: typeof SPECIFICATION_VERSION_V2;
  /** Unique name, e.g. `smart-crusher` or `my-company/csv`. */
  readonly name: string;
  /** Content kinds handled; `["*"]` for any. */
  readonly kinds: ReadonlyArray<ContentKindV2 | "*">;
  /** Higher runs first among compressors for the same kind. Default 0. */
  readonly priority?: number;
  /** Detectors for the kinds this plugin brings; the pipeline runs them beside the others. */
  readonly detectors?: ReadonlyArray<DetectorV2>;
  compress(unit: UnitV2, context: CompressContextV2): CompressOutcomeV2 | Promise<CompressOutcomeV2>;
}

/** What a hook may say before a unit is compressed. */
export interface BeforeUnitDecisionV2 {
  /** Veto: leave this unit unchanged. A string gives the reason shown in the report. */
  skip?: boolean | string;
  /** Multiplies the unit's aggressiveness (must be a positive number). */
  aggressiveness?: number;
}

/** Options that v2 hooks see and may change in `beforePipeline`. */
export interface PipelineSettingsV2 {
  model: string;
  tokenBudget?: number;
  protectRecent: number;
  minTokens: number;
  excludeTools: string[];
  roles: Role[];
  lossless: boolean;
  /** v1 settings call it `bias`. */
  aggressiveness: number;
  /** Per-unit time budget in ms (`Infinity`: none). */
  timeBudgetMs: number;
  ttlSeconds?: number;
}

/** A v2 hook: a plain object of optional stage functions, run in `enforce` order (`pre`, normal, `post`). */
export interface HookV2 {
  readonly specificationVersion: typeof SPECIFICATION_VERSION_V2;
  readonly name: string;
  readonly enforce?: "pre" | "post";
  beforePipeline?(input: {
    messages: unknown;
    format: MessageFormat;
    settings: Readonly<PipelineSettingsV2>;
  }): void | Partial<PipelineSettingsV2> | Promise<void | Partial<PipelineSettingsV2>>;
  /** Also runs for image units (when an image compressor is registered): `unit.text` is empty and `info.image` is the image. */
  beforeUnit?(unit: Readonly<UnitV2>, info: { detection?: DetectionV2; image?: Readonly<ImageUnit> }): void | BeforeUnitDecisionV2 | Promise<void | BeforeUnitDecisionV2>;
  afterUnit?(unit: Readonly<UnitV2>, report: Readonly<UnitReport>): void | Promise<void>;
  afterPipeline?(result: Readonly<CompressResult>): void | Promise<void>;
}
