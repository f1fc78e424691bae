/**
 * `@headroom/core/testing`: what a compressor author needs to test a plugin against the real pipeline.
 * Edge-safe like the root entry (no Node built-ins).
 */
import { startBudget } from "../budget.js";
import { jsonDetector } from "../detect.js";
import { tryParseJson } from "../json.js";
import { ccrKey, findMarkerHashes } from "../markers.js";
import { createPipeline } from "../pipeline.js";
import { asCompressorV2, toContextV1, type AnyCompressor } from "../spec/upgrade.js";
import type { CompressContextV2, CompressOutcomeV2, CompressorV2, UnitSource, UnitV2 } from "../spec/v2/index.js";
import { estimateTokenizer } from "../tokenizer.js";
import type { CompressContextV1, Store, Tokenizer } from "../types.js";

/** A Map-backed `Store` (no TTL): what the pipeline needs to allow lossy output in a test. */
export function createMapStore(): Store & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    put: async (k, v) => void map.set(k, v),
    has: async (k) => map.has(k),
    delete: async (k) => map.delete(k),
    status: async (k) => (map.has(k) ? "present" : "unknown"),
  };
}

/**
 * A v2 context for calling `compressor.compress(unit, ctx)` directly: lossy allowed, aggressiveness 1,
 * the chars/4 tokenizer, a signal that never aborts (unless `timeBudgetMs` is given) and a `report` that
 * collects into `problems`. Override any field. There is no `delegate` unless you pass one.
 */
export function createMockContext(overrides: Partial<CompressContextV2> = {}): CompressContextV2 & { problems: string[] } {
  const problems: string[] = [];
  const budget = startBudget(overrides.timeBudgetMs ?? Infinity);
  return {
    model: "gpt-4o",
    tokenizer: estimateTokenizer,
    allowLossy: true,
    inputTokens: 0,
    aggressiveness: 1,
    signal: budget.signal,
    timeBudgetMs: budget.budgetMs,
    report: (p) => void problems.push(typeof p === "string" ? p : p.message),
    ...overrides,
    problems,
  };
}

/** The same mock context in v1 shape (`reversible`, `bias`), for v1 compressors. */
export function createMockContextV1(overrides: Partial<CompressContextV2> & { query?: string } = {}): CompressContextV1 {
  const { query, ...rest } = overrides;
  return toContextV1(createMockContext(rest), createUnit("", query === undefined ? {} : { query }));
}

/** A v2 unit for direct calls (`id` `u`, role `tool`, message 0). */
export function createUnit(text: string, extra: Partial<UnitV2> = {}): UnitV2 {
  return { id: "u", text, role: "tool", messageIndex: 0, source: {}, ...extra };
}

/** One input of `checkCompressor`: a text, or a text with where it came from. */
export interface CompressorFixture {
  name?: string;
  text: string;
  query?: string;
  source?: UnitSource;
  /** `compressed`: the fixture must be compressed when a store is attached. Default `any`. */
  expect?: "compressed" | "any";
  /** For JSON inputs: `json` (default) requires the output, without marker lines, to parse; `any` allows another form. */
  jsonOutput?: "json" | "any";
}

/** Options of `checkCompressor`. */
export interface CheckOptions {
  /** Default: the chars/4 estimate. */
  tokenizer?: Tokenizer;
  /** Passed to the pipeline; default 10000 ms like the pipeline's. */
  timeBudgetMs?: number;
}

/** What `checkCompressor` found. `problems` is empty when every rule held on every fixture. */
export interface CheckReport {
  ok: boolean;
  problems: string[];
  runs: { fixture: string; store: boolean; status: string; reason?: string; tokensBefore: number; tokensAfter: number; text: string }[];
}

const MARKER_LINE = /^\[[^\n]*hash=[a-f0-9]{24}\]$/;

/**
 * Runs a compressor (v1 or v2) through the real pipeline on each fixture, with a store and in lossless
 * mode, twice each, and checks what the core README's validation rules promise: accepted by validation
 * (no `validate`, `compress`, `timeout`, `store` or `plugin` errors), a result's `outputTokens` (when
 * given) is exactly the tokenizer's count of its text (the pipeline trusts it), never inflates, every new marker's
 * original is in the store under its key, deterministic bytes, lossless when no store is attached, and
 * JSON stays JSON (markers never inside a JSON string value).
 */
export async function checkCompressor(compressor: AnyCompressor, fixtures: ReadonlyArray<string | CompressorFixture>, options: CheckOptions = {}): Promise<CheckReport> {
  const problems: string[] = [];
  const runs: CheckReport["runs"] = [];
  for (const [i, raw] of fixtures.entries()) {
    const fx: CompressorFixture = typeof raw === "string" ? { text: raw } : raw;
    const name = fx.name ?? `fixture ${i}`;
    for (const withStore of [true, false]) {
      const found = await checkOne(compressor, fx, withStore, options);
      for (const p of found.problems) problems.push(`${name} (${withStore ? "with store" : "lossless"}): ${p}`);
      runs.push({ fixture: name, store: withStore, ...found.run });
    }
  }
  return { ok: problems.length === 0, problems, runs };
}

/**
 * The compressor with every result's `outputTokens` checked against a real count (the pipeline trusts
 * the number in production). Sync compressors stay sync, so time budgets behave as in production.
 */
function verifyingOutputTokens(compressor: AnyCompressor, problems: string[]): CompressorV2 {
  const c = asCompressorV2(compressor);
  const check = (out: CompressOutcomeV2, ctx: CompressContextV2): CompressOutcomeV2 => {
    if (out && typeof out === "object" && "text" in out && out.outputTokens !== undefined && typeof out.text === "string") {
      const real = out.text ? ctx.tokenizer.count(out.text) : 0;
      if (out.outputTokens !== real) problems.push(`outputTokens is ${String(out.outputTokens)} but the text has ${real} tokens`);
    }
    return out;
  };
  return {
    ...c,
    compress(unit, ctx) {
      const out = c.compress(unit, ctx);
      return out instanceof Promise ? out.then((o) => check(o, ctx)) : check(out, ctx);
    },
  };
}

async function checkOne(compressor: AnyCompressor, fx: CompressorFixture, withStore: boolean, options: CheckOptions) {
  const problems: string[] = [];
  const store = createMapStore();
  const pipeline = createPipeline({
    compressors: [verifyingOutputTokens(compressor, problems)],
    tokenizer: options.tokenizer ?? estimateTokenizer,
    minTokens: 0,
    ...(withStore ? { store } : {}),
    ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
  });
  const textOptions = { ...(fx.query ? { query: fx.query } : {}), ...(fx.source ? { source: fx.source } : {}) };
  const a = await pipeline.compressText(fx.text, textOptions);
  const b = await pipeline.compressText(fx.text, textOptions);
  const unit = a.units[0];
  for (const e of a.errors) if (e.stage !== "report") problems.push(`${e.stage} error: ${e.message}`);
  if (a.text !== b.text) problems.push("not deterministic: two runs gave different bytes");
  if (a.tokensAfter > a.tokensBefore) problems.push(`inflated: ${a.tokensBefore} → ${a.tokensAfter} tokens`);
  if (unit?.status === "compressed") {
    if (!withStore && !unit.lossless) problems.push("lossy output without a store");
    const before = new Set(findMarkerHashes(fx.text));
    for (const h of findMarkerHashes(a.text)) {
      if (before.has(h)) continue;
      const orig = await store.get(h);
      if (orig === undefined) problems.push(`marker ${h} has no stored original`);
      else if (ccrKey(orig) !== h) problems.push(`stored original under ${h} does not hash to it`);
    }
    const json = jsonProblem(fx, a.text);
    if (json) problems.push(json);
  } else if (withStore && fx.expect === "compressed") problems.push(`not compressed: ${unit?.reason ?? "no unit"}`);
  const run = { status: unit?.status ?? "none", tokensBefore: a.tokensBefore, tokensAfter: a.tokensAfter, text: a.text, ...(unit?.reason ? { reason: unit.reason } : {}) };
  return { problems, run };
}

function jsonProblem(fx: CompressorFixture, out: string): string | undefined {
  if (fx.jsonOutput === "any" || !jsonDetector.detect(fx.text, {})) return undefined;
  const body = out
    .split("\n")
    .filter((l) => !MARKER_LINE.test(l.trim()))
    .join("\n");
  const values: unknown[] = [];
  const whole = tryParseJson(body);
  if (whole) values.push(whole.value);
  else {
    // Not one document: JSON lines stay JSON when every line parses on its own.
    for (const l of body.split("\n").filter((x) => x.trim())) {
      const line = tryParseJson(l);
      if (!line) return `JSON input, but the output (without marker lines) is not JSON: ${JSON.stringify(l.slice(0, 60))} does not parse`;
      values.push(line.value);
    }
  }
  return values.some(hasMarkerInString) ? "a marker landed inside a JSON string value" : undefined;
}

function hasMarkerInString(v: unknown): boolean {
  if (typeof v === "string") return /hash=[a-f0-9]{24}/.test(v);
  if (Array.isArray(v)) return v.some(hasMarkerInString);
  if (v && typeof v === "object") return Object.values(v).some(hasMarkerInString);
  return false;
}
