/**
 * Specification v1 (frozen) and the types every version shares (stores, tokenizers, results).
 *
 * The plugin interfaces here (`CompressorV1`, `CompressContextV1`, `UnitV1`, `HookV1`, `DetectorV1`…) are
 * the v1 contract of `@headroom/core` 0.1 (where it called them `Compressor`, `Unit`…), kept unchanged so
 * that plugins written against them keep running; since 0.2 the unversioned names alias v2 (see
 * `spec/aliases.ts`). New plugins implement `spec/v2` (`CompressorV2`…). The pipeline accepts both.
 */

/**
 * Version tag of the v1 plugin contract in this file (v2 plugins write `"v2"`, see `SPECIFICATION_VERSION_V2`).
 * It stays `"v1"`: plugins built against 0.1 read it at run time and keep declaring what they implement.
 */
export const SPECIFICATION_VERSION = "v1" as const;
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

/** Kinds of content the router detects and compressors declare. `"*"` in `Compressor.kinds` means any. */
export type ContentKindV1 =
  | "json"
  | "code"
  | "log"
  | "diff"
  | "search"
  | "html"
  | "tabular"
  | "prose"
  | "mixed"
  | "text";

/** Who authored the message a unit sits in. Tool outputs are `"tool"` in every dialect. */
export type Role = "system" | "developer" | "user" | "assistant" | "tool";

/** The message dialects the adapters understand (`ai-sdk`: the Vercel AI SDK's `LanguageModelV3Prompt`). */
export type MessageFormat = "openai-chat" | "anthropic" | "openai-responses" | "ai-sdk";

/** What content detection says about a text. */
export interface DetectionV1 {
  kind: ContentKindV1;
  /** 0..1: how sure the detector is. */
  confidence: number;
  /** For code: a language id such as `python`, `typescript`, `tsx`, `go`, `rust`, `java`, `c`, `cpp`, `javascript`. */
  language?: string;
}

/** Hints from the surrounding conversation that help detection (the tool that produced the text, its arguments). */
export interface UnitHintsV1 {
  toolName?: string;
  /** The raw arguments of the tool call that produced this output (usually a JSON string). */
  toolArgs?: string;
  /** A file name the tool call read, when its arguments say (`file_path`, `path`, `cat path`, …). */
  fileName?: string;
}

/** Detects the kind of a text. `@headroom/router` ships the standard one. */
export type DetectorV1 = (text: string, hints?: UnitHintsV1) => DetectionV1;

/** One compressible piece of a request: a tool result, a text block, a text part. */
export interface UnitV1 {
  /** Stable address of the unit inside the request, e.g. `messages[3].content[0].content`. */
  id: string;
  /** The text to compress. */
  text: string;
  role: Role;
  /** Index of the message (or Responses input item) that holds the unit. */
  messageIndex: number;
  /** Name of the tool whose output this is, when known. */
  toolName?: string;
  /** Raw arguments of the tool call whose output this is. */
  toolArgs?: string;
  /** File name the tool read, when its arguments say. */
  fileName?: string;
  /**
   * Text of the user turn that preceded this unit's message (never a later one, so that the compressed
   * form of a message does not change when the conversation grows).
   */
  query?: string;
}

/** A piece of original content the pipeline must store before the compressed text may be emitted. */
export interface StoredOriginalV1 {
  /** CCR key: first 24 hex chars of SHA-256 of `content` (see `ccrKey`). */
  key: string;
  /** The exact original bytes. */
  content: string;
  /** Optional description kept beside the original (kind, compressor, counts). */
  meta?: Record<string, string | number | boolean>;
}

/** What a compressor returns for a unit. */
export interface CompressorResultV1 {
  /** The new text. */
  text: string;
  /** True when `text` carries every fact of the input (no marker needed to recover anything). */
  lossless: boolean;
  /** Originals the pipeline stores before emitting `text`; every marker hash in `text` must be among them. */
  originals?: StoredOriginalV1[];
  /** Names of the transforms applied, for the report (defaults to the compressor's name). */
  transforms?: string[];
}

/** Read-only facts and helpers a compressor gets for one unit. */
export interface CompressContextV1 {
  model: string;
  tokenizer: Tokenizer;
  /** Detection result for the unit, when a detector ran. */
  detection?: DetectionV1;
  /**
   * True when lossy output is allowed: a store is attached and the caller did not ask for lossless mode.
   * When false a compressor must return a lossless result (or `null`).
   */
  reversible: boolean;
  /** Tokens of `unit.text` as the pipeline already counted them (so compressors need not count it again). */
  inputTokens?: number;
  /** Aggressiveness multiplier, 1 by default; > 1 keeps less, < 1 keeps more. Set by hooks. */
  bias: number;
  /** The user's question for query-aware selection (same as `unit.query`). */
  query?: string;
  /**
   * Compress a sub-text with the best installed compressor for its kind (for example a JSON string that
   * holds a log). The pipeline sets it for every unit; results are validated like top-level ones.
   */
  delegate?: (text: string, detection?: DetectionV1) => Promise<CompressorResultV1 | null>;
}

/** A compressor plugin. A plain object; `compress` may be sync or async and returns `null` to decline. */
export interface CompressorV1 {
  readonly specificationVersion: SpecificationVersion;
  /** Unique name, e.g. `smart-crusher` or `my-company/csv`. */
  readonly name: string;
  /** Content kinds handled; `["*"]` for any. */
  readonly kinds: ReadonlyArray<ContentKindV1 | "*">;
  /** Higher runs first among compressors for the same kind. Default 0. */
  readonly priority?: number;
  compress(
    unit: UnitV1,
    context: CompressContextV1,
  ): CompressorResultV1 | null | undefined | Promise<CompressorResultV1 | null | undefined>;
}

/** What a hook may say before a unit is compressed. */
export interface BeforeUnitDecisionV1 {
  /** Veto: leave this unit unchanged. A string gives the reason shown in the report. */
  skip?: boolean | string;
  /** Aggressiveness for this unit (multiplies the pipeline bias). */
  bias?: number;
}

/** Per-unit outcome reported to `afterUnit` hooks and in `CompressResult.units`. */
export interface UnitReport {
  id: string;
  messageIndex: number;
  role: Role;
  toolName?: string;
  /** The detected kind (a v2 detector may name kinds beyond v1's list). */
  kind?: ContentKindV1 | (string & {});
  language?: string;
  compressor?: string;
  status: "compressed" | "unchanged" | "skipped";
  /** Why a unit was skipped or left unchanged. */
  reason?: string;
  tokensBefore: number;
  tokensAfter: number;
  lossless?: boolean;
  transforms: string[];
  ccrHashes: string[];
  /** Wall time spent on this unit (not part of the compressed bytes). */
  durationMs: number;
  /** The outcome came from `compress({ cache })`: no compressor ran (its originals were put again). */
  cached?: boolean;
}

/** A failure the pipeline recovered from by leaving the unit unchanged (fail open). */
export interface CompressError {
  unitId?: string;
  compressor?: string;
  /**
   * `plugin`: a compressor or hook was rejected (unknown version, malformed) and skipped; `timeout`: cut
   * off at the time budget or cancelled; `report`: a non-fatal problem a compressor reported.
   */
  stage: "plugin" | "hook" | "detect" | "compress" | "validate" | "store" | "tokenize" | "timeout" | "report";
  message: string;
}

/** Options that hooks may change in `beforePipeline`. */
export interface PipelineSettingsV1 {
  model: string;
  tokenBudget?: number;
  protectRecent: number;
  minTokens: number;
  excludeTools: string[];
  roles: Role[];
  lossless: boolean;
  bias: number;
  ttlSeconds?: number;
}

/**
 * A hook: a plain object of optional stage functions, run in `enforce` order (`pre`, normal, `post`).
 * A throwing hook is reported in `errors` and otherwise ignored (fail open).
 */
export interface HookV1 {
  readonly name: string;
  readonly enforce?: "pre" | "post";
  /** Before anything runs: return a partial settings object to change options for this call. */
  beforePipeline?(input: {
    messages: unknown;
    format: MessageFormat;
    settings: Readonly<PipelineSettingsV1>;
  }): void | Partial<PipelineSettingsV1> | Promise<void | Partial<PipelineSettingsV1>>;
  /** Before a unit is compressed: veto it or change its bias. */
  beforeUnit?(
    unit: Readonly<UnitV1>,
    info: { detection?: DetectionV1 },
  ): void | BeforeUnitDecisionV1 | Promise<void | BeforeUnitDecisionV1>;
  /** After a unit was handled (compressed, unchanged or skipped): observe. */
  afterUnit?(unit: Readonly<UnitV1>, report: Readonly<UnitReport>): void | Promise<void>;
  /** After the whole request: observe the result. */
  afterPipeline?(result: Readonly<CompressResult>): void | Promise<void>;
}

/** Options for a `put`. */
export interface StorePutOptions {
  /** Time to live in seconds; stores have their own default. */
  ttlSeconds?: number;
  meta?: Record<string, string | number | boolean>;
}

/** What a store knows about a key. */
export type StoreKeyStatus = "present" | "expired" | "unknown";

/** Where originals go: memory, SQLite, Redis… Values are returned byte-identical. */
export interface Store {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string, options?: StorePutOptions): Promise<void>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Optional: tells an expired key from one never stored, for actionable miss messages. */
  status?(key: string): Promise<StoreKeyStatus>;
}

/** Counts tokens for one encoding. Loaded before use, so `count` is synchronous. */
export interface Tokenizer {
  /** Implementation name, e.g. `gpt-tokenizer` or `estimate`. */
  readonly name: string;
  /** Encoding, e.g. `o200k_base`. */
  readonly encoding: string;
  /** True when counts only approximate the model's own tokenizer (Claude, Gemini, fallback). */
  readonly estimated: boolean;
  count(text: string): number;
  /**
   * Optional: the token counts of the pieces of `text` between `cuts` (ascending offsets; `cuts.length
   * + 1` counts), in one pass; `NaN` for a piece whose count alone this pass cannot tell (a token ran
   * across its edge). Each number must equal `count()` of that piece alone. Core's per-call count memo
   * uses it to count a new text once instead of line by line.
   */
  countSegments?(text: string, cuts: readonly number[]): number[];
}

/** Returns the tokenizer for a model, possibly loading an encoding lazily. */
export type TokenizerFactory = (model: string) => Tokenizer | Promise<Tokenizer>;

/** The result of `compress()`. */
export interface CompressResult<M = unknown> {
  /** The messages with compressed units; untouched messages are the very same objects as the input's. */
  messages: M;
  format: MessageFormat;
  tokensBefore: number;
  tokensAfter: number;
  tokensSaved: number;
  /** Fraction saved: `tokensSaved / tokensBefore` (0 when nothing was counted). */
  compressionRatio: number;
  transformsApplied: string[];
  ccrHashes: string[];
  units: UnitReport[];
  errors: CompressError[];
  tokenizer: { name: string; encoding: string; estimated: boolean };
  /** Per-image outcomes; present only when an image compressor is registered (image tokens are in the totals). */
  images?: import("./images.js").ImageReport[];
}
