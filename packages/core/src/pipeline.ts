import { detectFormat, scanMessages, setAtPath } from "./adapters.js";
import { handleUnit, preSkip, toUnit } from "./unit.js";
import { estimateTokenizer } from "./tokenizer.js";
import { compressImages, isImageCompressor, type ImageReport } from "./images.js";
import {
  SPECIFICATION_VERSION,
  type CompressError,
  type CompressResult,
  type Compressor,
  type Detector,
  type Hook,
  type MessageFormat,
  type PipelineSettings,
  type Role,
  type Store,
  type Tokenizer,
  type TokenizerFactory,
  type UnitReport,
} from "./types.js";

export { RETRIEVE_TOOL_NAME } from "./unit.js";

/** Options of `compress()` and `createPipeline()`. */
export interface CompressOptions {
  /** Model the request is for; picks the tokenizer. Default `gpt-4o`. */
  model?: string;
  /** Compressors, tried in priority order (then in the order given) for each unit. */
  compressors?: Compressor[];
  /** Alias of `compressors`. */
  plugins?: Compressor[];
  /** Content detection; `@headroom/router` provides one. Without it units have no kind. */
  detect?: Detector;
  hooks?: Hook[];
  /** Where originals go. Without a store only lossless compression happens. */
  store?: Store;
  /** A tokenizer or a factory by model; default: a labelled chars/4 estimate. */
  tokenizer?: Tokenizer | TokenizerFactory;
  /**
   * Stop compressing once the request fits this many tokens (oldest units first). Note: with a budget the
   * compressed form of old turns depends on later ones, so prompt-cache prefix stability is traded away.
   */
  tokenBudget?: number;
  /** Leave the last N messages untouched. Default 0. */
  protectRecent?: number;
  /** Skip units under this many tokens. Default 200. */
  minTokens?: number;
  /** Tool names (globs, `*` and `?`) whose outputs are never compressed. */
  excludeTools?: string[];
  /** Roles whose text is compressed. Default `["tool"]` (tool outputs only). */
  roles?: Role[];
  /** Lossless only: no markers, nothing stored, even with a store. */
  lossless?: boolean;
  /** Aggressiveness multiplier passed to compressors. Default 1. */
  bias?: number;
  /** TTL for stored originals. */
  ttlSeconds?: number;
  /** Force the message dialect instead of detecting it. */
  format?: MessageFormat;
}

/** A composed pipeline: data you can print, and a `compress` function. */
export interface Pipeline {
  readonly compressors: readonly Compressor[];
  readonly hooks: readonly Hook[];
  compress<M extends unknown[]>(messages: M, options?: CompressOptions): Promise<CompressResult<M>>;
  /** Compress one text as if it were a single tool output. */
  compressText(text: string, options?: CompressOptions & { toolName?: string; toolArgs?: string; query?: string }): Promise<CompressTextResult>;
  describe(): PipelineDescription;
}

/** Result of `compressText`. */
export interface CompressTextResult extends Omit<CompressResult<unknown>, "messages" | "format"> {
  text: string;
}

/** Printable description of a pipeline. */
export interface PipelineDescription {
  specificationVersion: typeof SPECIFICATION_VERSION;
  compressors: { name: string; kinds: string[]; priority: number }[];
  hooks: { name: string; enforce: "pre" | "normal" | "post"; stages: string[] }[];
  detector: boolean;
  store: boolean;
  settings: PipelineSettings;
}

const ENFORCE_ORDER = { pre: 0, normal: 1, post: 2 } as const;

function orderHooks(hooks: Hook[]): Hook[] {
  return hooks
    .map((h, i) => ({ h, i }))
    .sort((a, b) => ENFORCE_ORDER[a.h.enforce ?? "normal"] - ENFORCE_ORDER[b.h.enforce ?? "normal"] || a.i - b.i)
    .map((x) => x.h);
}

function orderCompressors(cs: Compressor[]): Compressor[] {
  return cs
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i)
    .map((x) => x.c);
}

/** Converts a glob (`*`, `?`) to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const src = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${src}$`);
}

function settingsFrom(o: CompressOptions): PipelineSettings {
  const s: PipelineSettings = {
    model: o.model ?? "gpt-4o",
    protectRecent: o.protectRecent ?? 0,
    minTokens: o.minTokens ?? 200,
    excludeTools: o.excludeTools ?? [],
    roles: o.roles ?? ["tool"],
    lossless: o.lossless ?? false,
    bias: o.bias ?? 1,
  };
  if (o.tokenBudget !== undefined) s.tokenBudget = o.tokenBudget;
  if (o.ttlSeconds !== undefined) s.ttlSeconds = o.ttlSeconds;
  return s;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Composes a pipeline from compressors and hooks. Options given here are defaults for every call. */
export function createPipeline(defaults: CompressOptions = {}): Pipeline {
  const compressors = orderCompressors([...(defaults.compressors ?? []), ...(defaults.plugins ?? [])]);
  const hooks = orderHooks(defaults.hooks ?? []);
  for (const c of compressors) {
    if (!c || typeof c.compress !== "function" || typeof c.name !== "string")
      throw new TypeError(`invalid compressor: ${JSON.stringify(c && (c as Compressor).name)}`);
    if (c.specificationVersion !== SPECIFICATION_VERSION)
      throw new TypeError(`compressor ${c.name} implements spec ${String(c.specificationVersion)}, expected ${SPECIFICATION_VERSION}`);
  }

  const pipeline: Pipeline = {
    compressors,
    hooks,
    compress: (messages, options) => run(messages, mergeOptions(defaults, compressors, hooks, options)),
    async compressText(text, options = {}) {
      const msg: Record<string, unknown> = { role: "tool", tool_call_id: "input", content: text };
      const msgs: unknown[] = [];
      if (options.query) msgs.push({ role: "user", content: options.query });
      if (options.toolName || options.toolArgs)
        msgs.push({
          role: "assistant",
          content: null,
          tool_calls: [{ id: "input", type: "function", function: { name: options.toolName ?? "tool", arguments: options.toolArgs ?? "{}" } }],
        });
      msgs.push(msg);
      const r = await run(msgs, { ...mergeOptions(defaults, compressors, hooks, options), format: "openai-chat" });
      const out = (r.messages[msgs.length - 1] as { content: string }).content;
      const { messages: _m, format: _f, ...rest } = r;
      // Counting only the tool text keeps the numbers about the text itself.
      const u = r.units.find((x) => x.messageIndex === msgs.length - 1);
      const before = u?.tokensBefore ?? rest.tokensBefore;
      const after = u?.tokensAfter ?? rest.tokensAfter;
      return { ...rest, text: out, tokensBefore: before, tokensAfter: after, tokensSaved: before - after, compressionRatio: before ? (before - after) / before : 0 };
    },
    describe() {
      const s = settingsFrom(defaults);
      return {
        specificationVersion: SPECIFICATION_VERSION,
        compressors: compressors.map((c) => ({ name: c.name, kinds: [...c.kinds], priority: c.priority ?? 0 })),
        hooks: hooks.map((h) => ({
          name: h.name,
          enforce: h.enforce ?? "normal",
          stages: (["beforePipeline", "beforeUnit", "afterUnit", "afterPipeline"] as const).filter((k) => typeof h[k] === "function"),
        })),
        detector: typeof defaults.detect === "function",
        store: !!defaults.store,
        settings: s,
      };
    },
  };
  return pipeline;
}

interface RunOptions extends CompressOptions {
  compressors: Compressor[];
  hooks: Hook[];
}

function mergeOptions(defaults: CompressOptions, compressors: Compressor[], hooks: Hook[], o: CompressOptions = {}): RunOptions {
  const extra = [...(o.compressors ?? []), ...(o.plugins ?? [])];
  return {
    ...defaults,
    ...o,
    compressors: extra.length ? orderCompressors([...compressors, ...extra]) : compressors,
    hooks: o.hooks ? orderHooks([...hooks, ...o.hooks]) : hooks,
  };
}

/**
 * Compresses the compressible units of a messages array (OpenAI Chat, Anthropic Messages or OpenAI
 * Responses input items, auto-detected) in place: untouched messages are returned as the same objects.
 */
export function compress<M extends unknown[]>(messages: M, options: CompressOptions = {}): Promise<CompressResult<M>> {
  return createPipeline(options).compress(messages);
}

async function resolveTokenizer(t: Tokenizer | TokenizerFactory | undefined, model: string): Promise<Tokenizer> {
  if (!t) return estimateTokenizer;
  if (typeof t === "function") return await t(model);
  return t;
}

async function run<M extends unknown[]>(messages: M, o: RunOptions): Promise<CompressResult<M>> {
  if (!Array.isArray(messages)) throw new TypeError("compress: messages must be an array");
  const errors: CompressError[] = [];
  const format = o.format ?? detectFormat(messages);
  let settings = settingsFrom(o);

  for (const h of o.hooks) {
    if (!h.beforePipeline) continue;
    try {
      const change = await h.beforePipeline({ messages, format, settings });
      if (change) settings = { ...settings, ...change };
    } catch (e) {
      errors.push({ stage: "hook", message: `${h.name}.beforePipeline: ${errMsg(e)}` });
    }
  }

  const tokenizer = await resolveTokenizer(o.tokenizer, settings.model);
  const count = (t: string) => (t ? tokenizer.count(t) : 0);
  const scan = scanMessages(messages, format);
  const unitTokens = scan.units.map((u) => count(u.text));
  const otherTokens = scan.otherTexts.reduce((s, t) => s + count(t), 0);
  let tokensBefore = unitTokens.reduce((a, b) => a + b, 0) + otherTokens;
  let total = tokensBefore;

  const reversible = !!o.store && !settings.lossless;
  const excluded = settings.excludeTools.map(globToRegExp);
  const firstProtected = messages.length - settings.protectRecent;
  const roles = new Set(settings.roles);
  let out: M = messages;
  const reports: UnitReport[] = [];
  const transforms: string[] = [];
  const hashes: string[] = [];

  for (let idx = 0; idx < scan.units.length; idx++) {
    const found = scan.units[idx]!;
    const before = unitTokens[idx]!;
    const unit = toUnit(found);
    const report: UnitReport = {
      id: unit.id,
      messageIndex: unit.messageIndex,
      role: unit.role,
      status: "skipped",
      tokensBefore: before,
      tokensAfter: before,
      transforms: [],
      ccrHashes: [],
      durationMs: 0,
    };
    if (unit.toolName) report.toolName = unit.toolName;
    const skipReason = preSkip(unit, before, settings, roles, excluded, firstProtected, total);
    if (skipReason === "role") continue; // not a candidate at all: not reported
    const t0 = now();
    if (skipReason) {
      report.reason = skipReason;
    } else {
      const res = await handleUnit(unit, o, settings, tokenizer, reversible, errors, report);
      if (res) {
        out = setAtPath(out, found.path, res.text);
        total += report.tokensAfter - before;
        for (const t of report.transforms) if (!transforms.includes(t)) transforms.push(t);
        for (const h of report.ccrHashes) if (!hashes.includes(h)) hashes.push(h);
      }
    }
    report.durationMs = now() - t0;
    reports.push(report);
    for (const h of o.hooks) {
      if (!h.afterUnit) continue;
      try {
        await h.afterUnit(unit, report);
      } catch (e) {
        errors.push({ unitId: unit.id, stage: "hook", message: `${h.name}.afterUnit: ${errMsg(e)}` });
      }
    }
  }

  // Image units exist only when an image-capable compressor is registered (opt-in; see images.ts).
  let images: ImageReport[] | undefined;
  if (o.compressors.some(isImageCompressor)) {
    const pass = await compressImages(messages, out, format, { compressors: o.compressors, ...(o.store ? { store: o.store } : {}), model: settings.model, bias: settings.bias, reversible, ...(settings.ttlSeconds !== undefined ? { ttlSeconds: settings.ttlSeconds } : {}), protectFrom: firstProtected, excluded, tokenizer }, errors);
    out = pass.messages;
    images = pass.reports;
    tokensBefore += pass.tokensBefore;
    total += pass.tokensAfter;
    for (const r of images) {
      for (const t of r.transforms) if (!transforms.includes(t)) transforms.push(t);
      for (const h of r.ccrHashes) if (!hashes.includes(h)) hashes.push(h);
    }
  }

  const result: CompressResult<M> = {
    messages: out,
    format,
    tokensBefore,
    tokensAfter: total,
    tokensSaved: tokensBefore - total,
    compressionRatio: tokensBefore ? (tokensBefore - total) / tokensBefore : 0,
    transformsApplied: transforms,
    ccrHashes: hashes,
    units: reports,
    errors,
    tokenizer: { name: tokenizer.name, encoding: tokenizer.encoding, estimated: tokenizer.estimated },
  };
  if (images) result.images = images;
  for (const h of o.hooks) {
    if (!h.afterPipeline) continue;
    try {
      await h.afterPipeline(result);
    } catch (e) {
      errors.push({ stage: "hook", message: `${h.name}.afterPipeline: ${errMsg(e)}` });
    }
  }
  return result;
}

// performance.now() exists on Node, browsers and edge runtimes; it only feeds reports, never output bytes.
declare const performance: { now(): number } | undefined;
const now = (): number => (typeof performance !== "undefined" ? performance.now() : 0);

