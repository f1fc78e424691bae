import { detectFormat, scanMessages, setAtPath } from "./adapters.js";
import { unknownShapeWarning } from "./ai-sdk.js";
import { DEFAULT_TIME_BUDGET_MS, now } from "./budget.js";
import { jsonDetector } from "./detect.js";
import { loadPlugins, type LoadedPlugins } from "./plugins.js";
import { handleUnit, preSkip, toUnit, type CacheScope, type RunState } from "./unit.js";
import { firstProtectedIndex } from "./turns.js";
import { estimateTokenizer } from "./tokenizer.js";
import { memoizeByLine } from "./count-memo.js";
import type { AnyCompressor, AnyHook } from "./spec/upgrade.js";
import { SUPPORTED_SPECIFICATION_VERSIONS } from "./spec/upgrade.js";
import { SPECIFICATION_VERSION_V2, type AbortSignalLike, type DetectFunction, type DetectorV2, type PipelineSettingsV2, type UnitSource } from "./spec/v2/index.js";
import type { CompressError, CompressResult, MessageFormat, Role, Store, Tokenizer, TokenizerFactory, UnitReport } from "./types.js";
import { isImageCompressor, type ImageReport } from "./images.js";
import { compressImages, prescanImages } from "./images-run.js";
import type { UnitCache } from "./unit-cache.js";

export { RETRIEVE_TOOL_NAME } from "./unit.js";

/** The one option bag of `compress()`, `createPipeline()` and (through them) the router and the proxy. */
export interface CompressOptions {
  /** Model the request is for; picks the tokenizer. Default `gpt-4o`. */
  model?: string;
  /** Compressors (v1 or v2), tried in priority order (then in the order given) for each unit. */
  compressors?: ReadonlyArray<AnyCompressor>;
  /** Alias of `compressors`. */
  plugins?: ReadonlyArray<AnyCompressor>;
  /**
   * A detector function such as `@headroom/router`'s `detect`. Without one, core's JSON detector runs, so
   * a `json` compressor still sees JSON.
   */
  detect?: DetectFunction;
  /** More detectors (v2), beside those the compressors ship and `detect`. Per-call ones are added (first). */
  detectors?: ReadonlyArray<DetectorV2>;
  /** Hooks (v1 or v2), run in `enforce` order. */
  hooks?: ReadonlyArray<AnyHook>;
  /** Where originals go. Without a store only lossless compression happens. */
  store?: Store;
  /** A tokenizer or a factory by model; default: a labelled chars/4 estimate. */
  tokenizer?: Tokenizer | TokenizerFactory;
  /**
   * Stop compressing once the request fits this many tokens (oldest units first). Note: with a budget the
   * compressed form of old turns depends on later ones, so prompt-cache prefix stability is traded away.
   */
  tokenBudget?: number;
  /**
   * Leave the last N turns untouched (a turn starts at a message the user wrote; tool results belong to
   * the turn they answer). Default 0. Counted in turns, not messages, so the window does not move while
   * an agent loop adds tool calls: an old message's bytes change once, when a new turn begins.
   */
  protectRecent?: number;
  /** Skip units under this many tokens. Default 200. */
  minTokens?: number;
  /** Tool names (globs, `*` and `?`) whose outputs are never compressed. */
  excludeTools?: string[];
  /** Roles whose text is compressed. Default `["tool"]` (tool outputs only). */
  roles?: Role[];
  /** Lossless only: no markers, nothing stored, even with a store. */
  lossless?: boolean;
  /** How hard compressors compress: 1 (default); 2 drops about twice as much, 0.5 half as much. */
  aggressiveness?: number;
  /** @deprecated v1 name of `aggressiveness` (same number). */
  bias?: number;
  /**
   * Compressor time per unit in ms, default 10000 (10 s); `Infinity` for none. When it runs out the unit is left
   * unchanged and the result's `errors` say so (stage `timeout`). See the README for the exact semantics.
   */
  timeBudgetMs?: number;
  /** Cancels the call: units not yet compressed are left unchanged (reason `cancelled`). */
  signal?: AbortSignalLike;
  /** TTL for stored originals. */
  ttlSeconds?: number;
  /** Force the message dialect instead of detecting it. */
  format?: MessageFormat;
  /**
   * Remembers units' token counts and outcomes across calls (`createUnitCache()`), so that a
   * conversation sent again with one more turn costs a compression of the new units only. The output is
   * the same bytes either way; originals are put into the store again on every hit.
   */
  cache?: UnitCache;
}

/** Options of `compressText`: the compress options plus where the text came from. */
export interface CompressTextOptions extends CompressOptions {
  /** The user's question the text should answer. */
  query?: string;
  /** The tool call that produced the text. */
  source?: UnitSource;
  /** @deprecated use `source.toolName`. */
  toolName?: string;
  /** @deprecated use `source.toolArgs`. */
  toolArgs?: string;
}

/** A composed pipeline: data you can print, and a `compress` function. */
export interface Pipeline {
  /** The accepted compressors, in the order they are tried (malformed ones are left out and reported). */
  readonly compressors: readonly AnyCompressor[];
  readonly hooks: readonly AnyHook[];
  compress<M extends readonly unknown[]>(messages: M, options?: CompressOptions): Promise<CompressResult<M>>;
  /** Compress one text as if it were a single tool output. */
  compressText(text: string, options?: CompressTextOptions): Promise<CompressTextResult>;
  describe(): PipelineDescription;
}

/** Result of `compressText`. */
export interface CompressTextResult extends Omit<CompressResult<unknown>, "messages" | "format"> {
  text: string;
}

/** Printable description of a pipeline. */
export interface PipelineDescription {
  /** The contract the pipeline runs internally; older plugins are upgraded to it. */
  specificationVersion: typeof SPECIFICATION_VERSION_V2;
  /** Every plugin version accepted. */
  accepts: readonly string[];
  compressors: { name: string; kinds: string[]; priority: number; specificationVersion: string }[];
  detectors: { name: string; kinds: string[] }[];
  hooks: { name: string; enforce: "pre" | "normal" | "post"; stages: string[] }[];
  /** True when a `detect` function was given (otherwise core's JSON detector stands in). */
  detector: boolean;
  store: boolean;
  settings: PipelineSettingsV2;
  /** Plugins that were rejected (unknown version, malformed), as reported in every result's `errors`. */
  rejected: string[];
}

/** Converts a glob (`*`, `?`) to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const src = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${src}$`);
}

function settingsFrom(o: CompressOptions): PipelineSettingsV2 {
  const s: PipelineSettingsV2 = {
    model: o.model ?? "gpt-4o",
    protectRecent: o.protectRecent ?? 0,
    minTokens: o.minTokens ?? 200,
    excludeTools: o.excludeTools ?? [],
    roles: o.roles ?? ["tool"],
    lossless: o.lossless ?? false,
    aggressiveness: o.aggressiveness ?? o.bias ?? 1,
    timeBudgetMs: o.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS,
  };
  if (o.tokenBudget !== undefined) s.tokenBudget = o.tokenBudget;
  if (o.ttlSeconds !== undefined) s.ttlSeconds = o.ttlSeconds;
  return s;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The detectors of a run: given ones, those the compressors ship, `detect`, and core's JSON fallback. */
function detectorsFor(o: CompressOptions, plugins: LoadedPlugins): DetectorV2[] {
  const list = [...(o.detectors ?? []), ...plugins.detectors];
  if (o.detect) list.push(plugins.detectFn(o.detect));
  else list.push(jsonDetector);
  return list;
}

/**
 * Composes a pipeline from compressors and hooks. Options given here are defaults for every call.
 * Plugins of an unknown specification version, or malformed ones, are skipped and reported in every
 * result's `errors` (stage `plugin`); this never throws for them.
 */
export function createPipeline(defaults: CompressOptions = {}): Pipeline {
  const base = loadPlugins(defaults);
  const pipeline: Pipeline = {
    compressors: base.compressors.map((c) => c.original),
    hooks: base.hooks.map((h) => h.original),
    compress: (messages, options) => run(messages, merged(defaults, base, options)),
    async compressText(text, options = {}) {
      const toolName = options.source?.toolName ?? options.toolName;
      const toolArgs = options.source?.toolArgs ?? options.toolArgs ?? (options.source?.fileName ? JSON.stringify({ file_path: options.source.fileName }) : undefined);
      const msgs: unknown[] = [];
      if (options.query) msgs.push({ role: "user", content: options.query });
      if (toolName || toolArgs)
        msgs.push({ role: "assistant", content: null, tool_calls: [{ id: "input", type: "function", function: { name: toolName ?? "tool", arguments: toolArgs ?? "{}" } }] });
      msgs.push({ role: "tool", tool_call_id: "input", content: text });
      const r = await run(msgs, { ...merged(defaults, base, options), format: "openai-chat" });
      const out = (r.messages[msgs.length - 1] as { content: string }).content;
      const { messages: _m, format: _f, ...rest } = r;
      // Counting only the tool text keeps the numbers about the text itself.
      const u = r.units.find((x) => x.messageIndex === msgs.length - 1);
      const before = u?.tokensBefore ?? rest.tokensBefore;
      const after = u?.tokensAfter ?? rest.tokensAfter;
      return { ...rest, text: out, tokensBefore: before, tokensAfter: after, tokensSaved: before - after, compressionRatio: before ? (before - after) / before : 0 };
    },
    describe: () => describe(defaults, base),
  };
  return pipeline;
}

function describe(defaults: CompressOptions, base: LoadedPlugins): PipelineDescription {
  return {
    specificationVersion: SPECIFICATION_VERSION_V2,
    accepts: SUPPORTED_SPECIFICATION_VERSIONS,
    compressors: base.compressors.map(({ original: c }) => ({ name: c.name, kinds: [...c.kinds], priority: c.priority ?? 0, specificationVersion: c.specificationVersion })),
    detectors: detectorsFor(defaults, base).map((d) => ({ name: d.name, kinds: [...d.kinds] })),
    hooks: base.hooks.map(({ original: h }) => ({
      name: h.name,
      enforce: h.enforce ?? "normal",
      stages: (["beforePipeline", "beforeUnit", "afterUnit", "afterPipeline"] as const).filter((k) => typeof h[k] === "function"),
    })),
    detector: typeof defaults.detect === "function",
    store: !!defaults.store,
    settings: settingsFrom(defaults),
    rejected: base.errors.map((e) => e.message),
  };
}

interface RunOptions extends CompressOptions {
  plugins_: LoadedPlugins;
}

function merged(defaults: CompressOptions, base: LoadedPlugins, o: CompressOptions = {}): RunOptions {
  const extra = { compressors: [...(o.compressors ?? []), ...(o.plugins ?? [])], hooks: o.hooks ?? [] };
  const plugins_ = extra.compressors.length || extra.hooks.length ? base.with(extra) : base;
  const detectors = [...(o.detectors ?? []), ...(defaults.detectors ?? [])];
  return { ...defaults, ...o, detectors, plugins_ };
}

/**
 * Compresses the compressible units of a messages array (OpenAI Chat, Anthropic Messages or OpenAI
 * Responses input items, auto-detected) in place: untouched messages are returned as the same objects.
 */
export function compress<M extends readonly unknown[]>(messages: M, options: CompressOptions = {}): Promise<CompressResult<M>> {
  return createPipeline(options).compress(messages);
}

async function resolveTokenizer(t: Tokenizer | TokenizerFactory | undefined, model: string): Promise<Tokenizer> {
  if (!t) return estimateTokenizer;
  if (typeof t === "function") return await t(model);
  return t;
}

async function beforePipeline(o: RunOptions, messages: readonly unknown[], format: MessageFormat, errors: CompressError[]): Promise<PipelineSettingsV2> {
  let settings = settingsFrom(o);
  for (const { v2: h } of o.plugins_.hooks) {
    if (!h.beforePipeline) continue;
    try {
      const change = await h.beforePipeline({ messages, format, settings });
      if (change) settings = { ...settings, ...change };
    } catch (e) {
      errors.push({ stage: "hook", message: `${h.name}.beforePipeline: ${errMsg(e)}` });
    }
  }
  return settings;
}

/** The cache and the parts of its keys that one call shares (see unit-cache.ts). */
function cacheScopes(o: RunOptions, cache: UnitCache, settings: PipelineSettingsV2, tokenizer: Tokenizer): CacheScope {
  // Objects by identity: the same names with other options must not share entries.
  const tok = typeof o.tokenizer === "object" || typeof o.tokenizer === "function" ? o.tokenizer : undefined;
  const tokens = JSON.stringify([cache.idOf(tok), tokenizer.name, tokenizer.encoding, tokenizer.estimated, settings.model]);
  const detectors = (o.detectors ?? []).map((d) => cache.idOf(d));
  const outcomes = JSON.stringify([tokens, cache.idOf(o.plugins_), detectors, cache.idOf(o.detect), settings, !!o.store && !settings.lossless]);
  return { cache, tokens, outcomes };
}

function cachedCount(c: CacheScope, text: string, count: (t: string) => number): number {
  if (!c.cache.remembers(text)) return count(text);
  const known = c.cache.tokens(c.tokens, text);
  if (known !== undefined) return known;
  const n = count(text);
  c.cache.setTokens(c.tokens, text, n);
  return n;
}

async function run<M extends readonly unknown[]>(messages: M, o: RunOptions): Promise<CompressResult<M>> {
  if (!Array.isArray(messages)) throw new TypeError("compress: messages must be an array");
  const errors: CompressError[] = [...o.plugins_.errors];
  const format = o.format ?? detectFormat(messages);
  const settings = await beforePipeline(o, messages, format, errors);
  // One call's counts are memoised by line: what a compressor keeps verbatim is not tokenized again.
  const tokenizer = memoizeByLine(await resolveTokenizer(o.tokenizer, settings.model));
  const count = (t: string) => (t ? tokenizer.count(t) : 0);
  const scan = scanMessages(messages, format);
  const shapeWarning = unknownShapeWarning(messages, format);
  if (shapeWarning) errors.push({ stage: "detect", message: `compress: ${shapeWarning}` });
  const cache = o.cache && cacheScopes(o, o.cache, settings, tokenizer);
  const unitTokens = scan.units.map((u) => (cache ? cachedCount(cache, u.text, count) : count(u.text)));
  let tokensBefore = unitTokens.reduce((a, b) => a + b, 0) + scan.otherTexts.reduce((s, t) => s + count(t), 0);
  const state: RunState = {
    compressors: o.plugins_.compressors.map((c) => c.v2),
    hooks: o.plugins_.hooks.map((h) => h.v2),
    detectors: detectorsFor(o, o.plugins_),
    settings,
    tokenizer,
    allowLossy: !!o.store && !settings.lossless,
    errors,
  };
  if (o.store) state.store = o.store;
  if (o.signal) state.signal = o.signal;
  if (cache) state.cache = cache;
  // Image units exist only when an image-capable compressor is registered (opt-in; see images.ts); their
  // prices count in the total from the start, so that `tokenBudget` sees them.
  const originals = o.plugins_.compressors.map((c) => c.original);
  const imagePre = originals.some(isImageCompressor) ? prescanImages(messages, format, originals, settings.model) : undefined;
  const skip = { roles: new Set(settings.roles), excluded: settings.excludeTools.map(globToRegExp), firstProtected: firstProtectedIndex(messages, settings.protectRecent), total: tokensBefore + (imagePre?.tokens ?? 0), tokens: 0 };
  let out: M = messages;
  const reports: UnitReport[] = [];
  const transforms: string[] = [];
  const hashes: string[] = [];

  for (let idx = 0; idx < scan.units.length; idx++) {
    const found = scan.units[idx]!;
    const before = unitTokens[idx]!;
    const unit = toUnit(found);
    const report: UnitReport = { id: unit.id, messageIndex: unit.messageIndex, role: unit.role, status: "skipped", tokensBefore: before, tokensAfter: before, transforms: [], ccrHashes: [], durationMs: 0 };
    if (unit.source.toolName) report.toolName = unit.source.toolName;
    const skipReason = o.signal?.aborted ? "cancelled" : preSkip(unit, settings, { ...skip, tokens: before });
    if (skipReason === "role") continue; // not a candidate at all: not reported
    const t0 = now();
    if (skipReason) report.reason = skipReason;
    else {
      const res = await handleUnit(unit, state, report);
      if (res) {
        out = setAtPath(out, found.path, found.encode ? found.encode(res.text) : res.text);
        skip.total += report.tokensAfter - before;
        for (const t of report.transforms) if (!transforms.includes(t)) transforms.push(t);
        for (const h of report.ccrHashes) if (!hashes.includes(h)) hashes.push(h);
      }
    }
    report.durationMs = now() - t0;
    reports.push(report);
    for (const h of state.hooks) {
      if (!h.afterUnit) continue;
      try {
        await h.afterUnit(unit, report);
      } catch (e) {
        errors.push({ unitId: unit.id, stage: "hook", message: `${h.name}.afterUnit: ${errMsg(e)}` });
      }
    }
  }

  let images: ImageReport[] | undefined;
  if (imagePre) {
    const run = { compressors: originals, ...(o.store ? { store: o.store } : {}), model: settings.model, bias: settings.aggressiveness, reversible: state.allowLossy, ...(settings.ttlSeconds !== undefined ? { ttlSeconds: settings.ttlSeconds } : {}), protectFrom: skip.firstProtected, excluded: skip.excluded, tokenizer };
    const limits = { minTokens: settings.minTokens, ...(settings.tokenBudget !== undefined ? { tokenBudget: settings.tokenBudget } : {}), total: skip.total, hooks: state.hooks, prescan: imagePre, timeBudgetMs: settings.timeBudgetMs, ...(o.signal ? { signal: o.signal } : {}) };
    const pass = await compressImages(messages, out, format, { ...run, ...limits }, errors);
    out = pass.messages;
    images = pass.reports;
    tokensBefore += pass.tokensBefore;
    skip.total += pass.tokensAfter - imagePre.tokens;
    for (const r of images) {
      for (const t of r.transforms) if (!transforms.includes(t)) transforms.push(t);
      for (const h of r.ccrHashes) if (!hashes.includes(h)) hashes.push(h);
    }
  }

  const result: CompressResult<M> = {
    messages: out,
    format,
    tokensBefore,
    tokensAfter: skip.total,
    tokensSaved: tokensBefore - skip.total,
    compressionRatio: tokensBefore ? (tokensBefore - skip.total) / tokensBefore : 0,
    transformsApplied: transforms,
    ccrHashes: hashes,
    units: reports,
    errors,
    tokenizer: { name: tokenizer.name, encoding: tokenizer.encoding, estimated: tokenizer.estimated },
  };
  if (images) result.images = images;
  for (const h of state.hooks) {
    if (!h.afterPipeline) continue;
    try {
      await h.afterPipeline(result);
    } catch (e) {
      errors.push({ stage: "hook", message: `${h.name}.afterPipeline: ${errMsg(e)}` });
    }
  }
  return result;
}
