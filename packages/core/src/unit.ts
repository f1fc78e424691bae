import { fileNameFromArgs, type FoundUnit } from "./adapters.js";
import { CUT_OFF, isAbortError, startBudget, type UnitBudget } from "./budget.js";
import { runDetectors } from "./detect.js";
import { findMarkerHashes, hasMarker } from "./markers.js";
import type { CompressError, Role, Store, Tokenizer, UnitReport } from "./types.js";
import type {
  AbortSignalLike,
  CompressContextV2,
  CompressorResultV2,
  CompressorV2,
  DetectionV2,
  DetectorV2,
  HookV2,
  PipelineSettingsV2,
  ProblemV2,
  UnitSource,
  UnitV2,
} from "./spec/v2/index.js";
import { validateResult } from "./validate.js";
import { outcomeContext, type CachedOutcome, type UnitCache } from "./unit-cache.js";

/** A call's cache with the key parts all its units share. */
export interface CacheScope {
  cache: UnitCache;
  /** Tokenizer part of count keys. */
  tokens: string;
  /** Everything of an outcome's context that is the same for every unit of the call. */
  outcomes: string;
}

/** Name of the retrieve tool: its results are never compressed again. */
export const RETRIEVE_TOOL_NAME = "headroom_retrieve";

/** Everything one call's units share: the plugins (upgraded to v2), settings, tokenizer, error sink. */
export interface RunState {
  compressors: readonly CompressorV2[];
  hooks: readonly HookV2[];
  detectors: readonly DetectorV2[];
  store?: Store;
  settings: PipelineSettingsV2;
  tokenizer: Tokenizer;
  /** A store is attached and lossless mode is off. */
  allowLossy: boolean;
  errors: CompressError[];
  /** The caller's cancellation signal. */
  signal?: AbortSignalLike;
  cache?: CacheScope;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function toUnit(f: FoundUnit): UnitV2 {
  const source: UnitSource = {};
  if (f.toolName) source.toolName = f.toolName;
  if (f.toolArgs) source.toolArgs = f.toolArgs;
  const fileName = fileNameFromArgs(f.toolArgs);
  if (fileName) source.fileName = fileName;
  const u: UnitV2 = { id: f.id, text: f.text, role: f.role, messageIndex: f.messageIndex, source };
  if (f.query) u.query = f.query;
  return u;
}

/** Where a unit stands before any plugin runs. */
export interface SkipCheck {
  tokens: number;
  roles: Set<Role>;
  excluded: RegExp[];
  firstProtected: number;
  /** Tokens of the whole request so far (for `tokenBudget`). */
  total: number;
}

/** Why a unit is not compressed at all (`"role"`: not a candidate), or `undefined` when it is a candidate. */
export function preSkip(unit: UnitV2, s: PipelineSettingsV2, c: SkipCheck): string | undefined {
  const tool = unit.source.toolName;
  if (!c.roles.has(unit.role)) return "role";
  if (unit.messageIndex >= c.firstProtected) return "protected (recent)";
  if (tool === RETRIEVE_TOOL_NAME) return "retrieval result";
  if (tool && c.excluded.some((r) => r.test(tool))) return "excluded tool";
  if (hasMarker(unit.text)) return "already compressed";
  if (c.tokens < s.minTokens) return "below minTokens";
  if (s.tokenBudget !== undefined && c.total <= s.tokenBudget) return "within token budget";
  return undefined;
}

/**
 * Runs detection, hooks and compressors for one unit, filling `report`. Returns the accepted result or
 * null. With a cache, a remembered outcome stands in for the compressors.
 */
export async function handleUnit(unit: UnitV2, run: RunState, report: UnitReport): Promise<CompressorResultV2 | null> {
  const errorsBefore = run.errors.length;
  const cache = run.cache?.cache.remembers(unit.text) ? run.cache : undefined;
  const keyOf = (aggressiveness: number) => `${cache!.outcomes}\u0000${outcomeContext(unit, aggressiveness)}`;
  // Without `beforeUnit` hooks the aggressiveness is the call's, so a remembered outcome (which keeps
  // what detection found) is looked up before detection runs: a hit then costs no detection either.
  const early = cache && !run.hooks.some((h) => h.beforeUnit) ? keyOf(run.settings.aggressiveness) : undefined;
  const knownEarly = early !== undefined ? cache!.cache.outcome(early, unit.text) : undefined;
  if (knownEarly) return fromCache(unit, knownEarly, run, report);
  const detection = runDetectors(run.detectors, unit.text, unit.source, run.errors, unit.id);
  if (detection) {
    report.kind = detection.kind as UnitReport["kind"];
    if (detection.language) report.language = detection.language;
  }
  const aggressiveness = await beforeUnitHooks(unit, detection, run, report);
  if (aggressiveness === undefined) return null;
  const kind = detection?.kind;
  const eligible = run.compressors.filter((c) => c.kinds.includes("*") || (kind !== undefined && c.kinds.includes(kind)));
  report.status = "unchanged";
  if (!eligible.length) {
    report.reason = kind ? `no compressor installed for ${kind}` : "no compressor";
    return null;
  }
  const context = cache && (early ?? keyOf(aggressiveness));
  // Looked up here only when the early lookup could not be made (it missed otherwise).
  const known = context && early === undefined ? cache.cache.outcome(context, unit.text) : undefined;
  if (known) return fromCache(unit, known, run, report);
  const budget = startBudget(run.settings.timeBudgetMs, run.signal);
  try {
    const r = await tryCompressors(unit, eligible, { run, budget, detection, aggressiveness }, report);
    // Only what the compressors decided on their own is kept: no error, cut-off or cancellation.
    if (context && run.errors.length === errorsBefore && !budget.expired() && !run.signal?.aborted) {
      const found = detection ? { kind: detection.kind, ...(detection.language ? { language: detection.language } : {}) } : {};
      const outcome: CachedOutcome = r
        ? { ...found, result: r, compressor: report.compressor!, tokensAfter: report.tokensAfter }
        : { ...found, result: null, reason: report.reason ?? "no gain" };
      cache.cache.setOutcome(context, unit.text, outcome);
    }
    return r;
  } finally {
    budget.dispose();
  }
}

/** A remembered outcome, applied as if its compressor had just returned it (originals put again). */
async function fromCache(unit: UnitV2, known: CachedOutcome, run: RunState, report: UnitReport): Promise<CompressorResultV2 | null> {
  report.cached = true;
  report.status = "unchanged";
  if (known.kind !== undefined) report.kind = known.kind as UnitReport["kind"];
  if (known.language !== undefined) report.language = known.language;
  if (!known.result) {
    report.reason = known.reason;
    return null;
  }
  const r: CompressorResultV2 = { ...known.result, outputTokens: known.tokensAfter };
  const accepted = await accept(unit, known.compressor, r, run, report);
  if (accepted === true) return known.result;
  report.reason = accepted;
  return null;
}

/** Runs `beforeUnit` hooks; returns the unit's aggressiveness, or `undefined` when a hook vetoed it. */
async function beforeUnitHooks(unit: UnitV2, detection: DetectionV2 | undefined, run: RunState, report: UnitReport): Promise<number | undefined> {
  let aggressiveness = run.settings.aggressiveness;
  for (const h of run.hooks) {
    if (!h.beforeUnit) continue;
    try {
      const d = await h.beforeUnit(unit, detection ? { detection } : {});
      if (d?.skip) {
        report.reason = typeof d.skip === "string" ? `vetoed by ${h.name}: ${d.skip}` : `vetoed by ${h.name}`;
        return undefined;
      }
      const a = d?.aggressiveness;
      if (typeof a === "number" && Number.isFinite(a) && a > 0) aggressiveness *= a;
    } catch (e) {
      run.errors.push({ unitId: unit.id, stage: "hook", message: `${h.name}.beforeUnit: ${errMsg(e)}` });
    }
  }
  return aggressiveness;
}

interface Attempt {
  run: RunState;
  budget: UnitBudget;
  detection: DetectionV2 | undefined;
  aggressiveness: number;
}

function contextFor(c: CompressorV2, unit: UnitV2, a: Attempt, inputTokens: number): CompressContextV2 {
  const { run, budget } = a;
  const ctx: CompressContextV2 = {
    model: run.settings.model,
    tokenizer: run.tokenizer,
    allowLossy: run.allowLossy,
    inputTokens,
    aggressiveness: a.aggressiveness,
    signal: budget.signal,
    timeBudgetMs: budget.budgetMs,
    report: (p: ProblemV2) =>
      void run.errors.push({ unitId: unit.id, compressor: c.name, stage: "report", message: typeof p === "string" ? p : String(p?.message) }),
  };
  if (a.detection) ctx.detection = a.detection;
  ctx.delegate = makeDelegate(unit, ctx, a);
  return ctx;
}

/** Tries the eligible compressors in order; the first valid, shorter, stored result wins. */
async function tryCompressors(unit: UnitV2, eligible: readonly CompressorV2[], a: Attempt, report: UnitReport): Promise<CompressorResultV2 | null> {
  const { run, budget } = a;
  const reasons: string[] = [];
  const fail = (c: CompressorV2, stage: CompressError["stage"], message: string, reason: string) => {
    run.errors.push({ unitId: unit.id, compressor: c.name, stage, message });
    reasons.push(reason);
  };
  for (const c of eligible) {
    if (budget.expired()) {
      reasons.push(cutOffReason(budget, run.signal, `${c.name} not tried`));
      break;
    }
    let out: unknown;
    try {
      out = await budget.race(c.compress(unit, contextFor(c, unit, a, report.tokensBefore)));
    } catch (e) {
      if (isAbortError(e, budget.signal)) out = CUT_OFF;
      else {
        fail(c, "compress", errMsg(e), `${c.name} failed`);
        continue;
      }
    }
    // A synchronous compressor cannot be interrupted; what it returns after the budget is dropped anyway.
    if (out === CUT_OFF || budget.expired()) {
      const reason = cutOffReason(budget, run.signal, c.name);
      fail(c, "timeout", reason, reason);
      break;
    }
    if (out === null || out === undefined) {
      reasons.push(`${c.name} declined`);
      continue;
    }
    if (typeof out === "object" && typeof (out as { decline?: unknown }).decline === "string") {
      reasons.push(`${c.name} declined: ${(out as { decline: string }).decline}`);
      continue;
    }
    const r = out as CompressorResultV2;
    const problem = await validateResult(unit.text, r, run.allowLossy);
    if (problem) {
      fail(c, "validate", problem, `${c.name}: ${problem}`);
      continue;
    }
    const accepted = await accept(unit, c.name, r, run, report);
    if (accepted === true) return r;
    reasons.push(accepted);
  }
  report.reason = reasons.join("; ") || "no gain";
  return null;
}

function cutOffReason(budget: UnitBudget, caller: AbortSignalLike | undefined, who: string): string {
  return caller?.aborted ? `${who}: cancelled by the caller` : `${who}: cut off at the ${budget.budgetMs} ms time budget`;
}

/**
 * Tokens of a result's text: the compressor's own `outputTokens` when it gave a plausible one (it
 * already counted its final text with the same tokenizer; `checkCompressor` verifies the number in
 * tests), else counted here. Trusting it saves a full count of every output.
 */
export function outputTokens(r: CompressorResultV2, tokenizer: Tokenizer): number {
  const n = r.outputTokens;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0) return n;
  return r.text ? tokenizer.count(r.text) : 0;
}

/** Never inflate, then store the originals (put before emit). Returns true, or why the result is refused. */
async function accept(unit: UnitV2, name: string, r: CompressorResultV2, run: RunState, report: UnitReport): Promise<true | string> {
  let after: number;
  try {
    after = r.text === unit.text ? report.tokensBefore : outputTokens(r, run.tokenizer);
  } catch (e) {
    run.errors.push({ unitId: unit.id, compressor: name, stage: "tokenize", message: errMsg(e) });
    return `${name}: tokenizer failed`;
  }
  if (after >= report.tokensBefore) return `${name}: no gain`;
  const ttl = run.settings.ttlSeconds;
  try {
    for (const orig of r.originals ?? [])
      await run.store!.put(orig.key, orig.content, { ...(ttl !== undefined ? { ttlSeconds: ttl } : {}), ...(orig.meta ? { meta: orig.meta } : {}) });
  } catch (e) {
    run.errors.push({ unitId: unit.id, compressor: name, stage: "store", message: errMsg(e) });
    return `${name}: store failed`;
  }
  report.status = "compressed";
  report.compressor = name;
  report.tokensAfter = after;
  report.lossless = r.lossless;
  report.transforms = r.transforms?.length ? [...r.transforms] : [name];
  report.ccrHashes = findMarkerHashes(r.text);
  delete report.reason;
  return true;
}

/**
 * Lets a compressor hand a piece of its input (a section of a mixed text, a log inside a JSON string) to
 * the best compressor for that piece's kind, within the unit's time budget. Results are validated like
 * top-level ones; nothing is stored here: the originals travel back inside the returned result. A
 * delegated compressor that fails is reported (the delegating one keeps the piece as it was).
 */
function makeDelegate(unit: UnitV2, parent: CompressContextV2, a: Attempt) {
  const { run } = a;
  return async (text: string, detection?: DetectionV2): Promise<CompressorResultV2 | null> => {
    const d = detection ?? runDetectors(run.detectors, text, unit.source, run.errors, unit.id);
    if (!d) return null;
    const before = parent.tokenizer.count(text);
    const sub: UnitV2 = { ...unit, text };
    for (const c of run.compressors) {
      if (!c.kinds.includes(d.kind) || a.budget.expired()) continue;
      const ctx: CompressContextV2 = { ...contextFor(c, sub, { ...a, detection: d }, before) };
      delete ctx.delegate;
      let r: unknown;
      try {
        r = await a.budget.race(c.compress(sub, ctx));
      } catch (e) {
        if (!isAbortError(e, a.budget.signal)) run.errors.push({ unitId: unit.id, compressor: c.name, stage: "compress", message: `delegated: ${errMsg(e)}` });
        continue;
      }
      if (r === CUT_OFF || r === null || r === undefined || (typeof r === "object" && "decline" in r)) continue;
      const res = r as CompressorResultV2;
      if (await validateResult(text, res, run.allowLossy)) continue;
      if (outputTokens(res, parent.tokenizer) < before) return res;
    }
    return null;
  };
}
