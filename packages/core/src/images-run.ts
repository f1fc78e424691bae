/**
 * The image pass of the pipeline: prices images (for `minTokens` and `tokenBudget`), runs hooks and image
 * compressors within the time budget, validates their results and writes accepted replacements in place.
 */
import { setAtPath } from "./adapters.js";
import { CUT_OFF, isAbortError, startBudget } from "./budget.js";
import { isImageCompressor, scanImages, type FoundImage, type ImageCompressor, type ImageContext, type ImageDecline, type ImageReplacement, type ImageReport, type ImageResult, type ImageTextReplacement, type ImageUnit, type Obj, type Path } from "./images.js";
import { ccrKey, findMarkerHashes } from "./markers.js";
import type { AbortSignalLike, HookV2, UnitV2 } from "./spec/v2/index.js";
import type { CompressError, MessageFormat, Store, Tokenizer } from "./types.js";
import { RETRIEVE_TOOL_NAME } from "./unit.js";

/** The part that replaces `f.part`: same type and fields, new bytes (or a text part). */
function rebuild(f: FoundImage, r: ImageReplacement | ImageTextReplacement, format: MessageFormat): Obj {
  if (r.kind === "text") return textPart(r.text, format, f.part);
  const url = `data:${r.mediaType};base64,${r.data}`;
  if (format === "anthropic") return { ...f.part, source: { ...(f.part.source as Obj), media_type: r.mediaType, data: r.data } };
  if (format === "openai-chat") {
    const iu: Obj = { ...(f.part.image_url as Obj), url };
    if (r.detail) iu.detail = r.detail;
    return { ...f.part, image_url: iu };
  }
  return r.detail ? { ...f.part, image_url: url, detail: r.detail } : { ...f.part, image_url: url };
}

function textPart(text: string, format: MessageFormat, from?: Obj): Obj {
  const p: Obj = { type: format === "openai-responses" ? "input_text" : "text", text };
  // A cache breakpoint on the replaced block stays where it was.
  if (format === "anthropic" && from && from.cache_control !== undefined) p.cache_control = from.cache_control;
  return p;
}

/** Checks an image result against the invariants; returns a problem or undefined. */
function validateImage(r: ImageResult, reversible: boolean, unit: ImageUnit): string | undefined {
  const rep = r.replacement;
  if (!rep || (rep.kind !== "image" && rep.kind !== "text")) return "result has no replacement";
  if (rep.kind === "image" && (typeof rep.data !== "string" || !/^image\/[a-z0-9.+-]+$/.test(rep.mediaType))) return "replacement image is malformed";
  if (rep.kind === "text" && typeof rep.text !== "string") return "replacement text is not a string";
  if (!Number.isFinite(r.tokensBefore) || !Number.isFinite(r.tokensAfter)) return "token counts are not numbers";
  if (!r.lossless && !reversible) return "lossy result without a store (lossless mode)";
  if ((r.originals?.length ?? 0) > 0 && !reversible) return "originals returned without a store";
  const stored = new Set<string>();
  for (const o of r.originals ?? []) {
    if (typeof o.content !== "string" || ccrKey(o.content) !== o.key) return `original ${o.key} does not match its key`;
    stored.add(o.key);
  }
  const text = `${rep.kind === "text" ? rep.text : ""}\n${r.note ?? ""}`;
  const hashes = findMarkerHashes(text);
  for (const h of hashes) if (!stored.has(h)) return `marker ${h} has no stored original`;
  if (!r.lossless && hashes.length === 0) return "lossy result carries no marker to its stored original";
  if (rep.kind === "image" && rep.data === unit.data && rep.detail === unit.detail) return "replacement is the original";
  return undefined;
}

/** The request's images and their costs, known before any compression (for `tokenBudget`). */
export interface ImagePrescan {
  found: FoundImage[];
  /** Per image: tokens from the first compressor's `imageTokens`, undefined when none answers. */
  costs: (number | undefined)[];
  /** Sum of the known costs. */
  tokens: number;
}

/** Finds the request's base64 images and prices them with the compressors' `imageTokens` (cheap, no decoding). */
export function prescanImages(messages: readonly unknown[], format: MessageFormat, compressors: readonly unknown[], model: string): ImagePrescan {
  const cs = compressors.filter(isImageCompressor);
  const found = scanImages(messages, format);
  const costs = found.map((f) => {
    for (const c of cs) {
      try {
        const t = c.imageTokens?.(f.unit, model);
        if (typeof t === "number" && Number.isFinite(t) && t >= 0) return t;
      } catch (e) {
        // A broken price is no price: the image is still handled, only without a pre-count.
        if (!(e instanceof Error)) throw e;
      }
    }
    return undefined;
  });
  return { found, costs, tokens: costs.reduce<number>((a, b) => a + (b ?? 0), 0) };
}

/** What the pipeline passes to `compressImages`. */
export interface ImageRunOptions {
  compressors: readonly unknown[];
  store?: Store;
  model: string;
  bias: number;
  reversible: boolean;
  ttlSeconds?: number;
  protectFrom: number;
  excluded: RegExp[];
  tokenizer: Tokenizer;
  /** Images cheaper than this are left alone (the pipeline's `minTokens`). */
  minTokens?: number;
  /** The pipeline's `tokenBudget`: images are left alone while the request's total is within it. */
  tokenBudget?: number;
  /** The request's running token total so far, including the prescan's image costs. */
  total?: number;
  /** `beforeUnit` hooks see each image (a unit with empty `text`, the image in `info.image`). */
  hooks?: readonly HookV2[];
  /** From `prescanImages` (scanned again when absent). */
  prescan?: ImagePrescan;
  /** Per-image time budget (the pipeline's `timeBudgetMs`), shared by the compressors tried on it. */
  timeBudgetMs?: number;
  /** The caller's cancellation signal. */
  signal?: AbortSignalLike;
}

/** Outcome of the image pass over a request. */
export interface ImagePass<M> {
  messages: M;
  reports: ImageReport[];
  tokensBefore: number;
  tokensAfter: number;
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Why an image is not even offered to a compressor, or undefined. */
function skipImage(u: ImageUnit, cost: number | undefined, total: number, o: ImageRunOptions): string | undefined {
  if (u.messageIndex >= o.protectFrom) return "protected (recent)";
  if (u.toolName === RETRIEVE_TOOL_NAME) return "retrieval result";
  if (u.toolName && o.excluded.some((r) => r.test(u.toolName!))) return "excluded tool";
  if (cost !== undefined && o.minTokens !== undefined && cost < o.minTokens) return "below minTokens";
  if (o.tokenBudget !== undefined && total <= o.tokenBudget) return "within token budget";
  return undefined;
}

/** Runs `beforeUnit` hooks on an image; returns its bias, or undefined when a hook vetoed it (reason in `rep`). */
async function imageHooks(u: ImageUnit, o: ImageRunOptions, errors: CompressError[], rep: ImageReport): Promise<number | undefined> {
  let bias = o.bias;
  if (!o.hooks?.some((h) => h.beforeUnit)) return bias;
  const view: UnitV2 = { id: u.id, text: "", role: u.role, messageIndex: u.messageIndex, source: u.toolName ? { toolName: u.toolName } : {}, ...(u.query !== undefined ? { query: u.query } : {}) };
  for (const h of o.hooks) {
    if (!h.beforeUnit) continue;
    try {
      const d = await h.beforeUnit(view, { image: u });
      if (d?.skip) {
        rep.reason = typeof d.skip === "string" ? `vetoed by ${h.name}: ${d.skip}` : `vetoed by ${h.name}`;
        return undefined;
      }
      const a = d?.aggressiveness;
      if (typeof a === "number" && Number.isFinite(a) && a > 0) bias *= a;
    } catch (e) {
      errors.push({ unitId: u.id, stage: "hook", message: `${h.name}.beforeUnit: ${errMsg(e)}` });
    }
  }
  return bias;
}

/**
 * Runs image compressors over the request's base64 images (in order, each seeing the earlier originals)
 * and writes accepted replacements into `out` in place. Fail open: a throwing or invalid compressor
 * leaves its image unchanged and is reported in `errors`.
 */
export async function compressImages<M extends readonly unknown[]>(original: M, out: M, format: MessageFormat, o: ImageRunOptions, errors: CompressError[]): Promise<ImagePass<M>> {
  const imageCompressors = o.compressors.filter(isImageCompressor);
  const pre = o.prescan ?? prescanImages(original, format, imageCompressors, o.model);
  const found = pre.found;
  const reports: ImageReport[] = [];
  const accepted: { f: FoundImage; r: ImageResult }[] = [];
  let before = 0;
  let after = 0;
  let total = o.total ?? pre.tokens;
  for (const f of found) {
    const u = f.unit;
    const cost = pre.costs[u.ordinal];
    const bytes = Math.floor((u.data.length * 3) / 4);
    const rep: ImageReport = { id: u.id, messageIndex: u.messageIndex, role: u.role, mediaType: u.mediaType, status: "skipped", tokensBefore: cost ?? 0, tokensAfter: cost ?? 0, estimated: true, bytesBefore: bytes, bytesAfter: bytes, transforms: [], ccrHashes: [] };
    reports.push(rep);
    rep.reason = skipImage(u, cost, total, o);
    const bias = rep.reason ? undefined : await imageHooks(u, o, errors, rep);
    const r = bias === undefined ? null : await firstResult(f, imageCompressors, { model: o.model, format, reversible: o.reversible, bias, earlier: found.slice(0, u.ordinal).map((x) => x.unit) }, o, errors, rep);
    if (!rep.reason) delete rep.reason;
    before += rep.tokensBefore;
    after += rep.tokensAfter;
    total += rep.tokensAfter - (cost ?? 0);
    if (r) accepted.push({ f, r });
  }
  // Back to front, so that an inserted note never shifts a part still to be written.
  let msgs = out;
  for (const { f, r } of accepted.reverse()) {
    const arr = [...(getAt(msgs, f.container) as unknown[])];
    const parts: Obj[] = [rebuild(f, r.replacement, format)];
    if (r.note && r.replacement.kind === "image") parts.push(textPart(r.note, format));
    arr.splice(f.index, 1, ...parts);
    msgs = setAtPath(msgs, f.container, arr);
  }
  return { messages: msgs, reports, tokensBefore: before, tokensAfter: after };
}

async function firstResult(f: FoundImage, cs: ImageCompressor[], ctx: ImageContext, o: ImageRunOptions, errors: CompressError[], rep: ImageReport): Promise<ImageResult | null> {
  const budget = startBudget(o.timeBudgetMs ?? Infinity, o.signal);
  try {
    return await tryImageCompressors(f, cs, { ...ctx, signal: budget.signal, timeBudgetMs: budget.budgetMs }, o, errors, rep, budget);
  } finally {
    budget.dispose();
  }
}

async function tryImageCompressors(f: FoundImage, cs: ImageCompressor[], ctx: ImageContext, o: ImageRunOptions, errors: CompressError[], rep: ImageReport, budget: ReturnType<typeof startBudget>): Promise<ImageResult | null> {
  const u = f.unit;
  const reasons: string[] = [];
  rep.status = "unchanged";
  for (const c of cs) {
    let r: ImageResult | ImageDecline | null | undefined | typeof CUT_OFF;
    try {
      // The pipeline stops waiting at the budget (sharp work runs off the loop; a late result is dropped).
      r = budget.expired() ? CUT_OFF : await budget.race(c.compressImage(u, ctx));
    } catch (e) {
      if (isAbortError(e, budget.signal)) r = CUT_OFF;
      else {
        errors.push({ unitId: u.id, compressor: c.name, stage: "compress", message: errMsg(e) });
        reasons.push(`${c.name} failed`);
        continue;
      }
    }
    if (r === CUT_OFF) {
      const why = o.signal?.aborted ? `${c.name}: cancelled by the caller` : `${c.name}: cut off at the ${budget.budgetMs} ms time budget`;
      errors.push({ unitId: u.id, compressor: c.name, stage: "timeout", message: why });
      rep.reason = why;
      return null;
    }
    if (!r || "declined" in r) {
      reasons.push(r ? `${c.name}: ${r.declined}` : `${c.name} declined`);
      if (r && typeof r.tokens === "number" && !rep.tokensBefore) Object.assign(rep, { tokensBefore: r.tokens, tokensAfter: r.tokens, estimated: r.estimated ?? true });
      continue;
    }
    const problem = validateImage(r, o.reversible, u);
    if (problem) {
      errors.push({ unitId: u.id, compressor: c.name, stage: "validate", message: problem });
      reasons.push(`${c.name}: ${problem}`);
      continue;
    }
    rep.tokensBefore = rep.tokensAfter = r.tokensBefore;
    rep.estimated = r.estimated;
    // Without a prescan price, the floor is applied to the compressor's own count, before anything is stored.
    if (o.minTokens !== undefined && r.tokensBefore < o.minTokens) {
      rep.reason = "below minTokens";
      return null;
    }
    const extra = (r.replacement.kind === "text" ? o.tokenizer.count(r.replacement.text) : 0) + (r.note ? o.tokenizer.count(r.note) : 0);
    const tokens = r.tokensAfter + extra;
    const bytes = r.replacement.kind === "image" ? Math.floor((r.replacement.data.length * 3) / 4) : 0;
    // Never inflate: fewer tokens, or the same tokens in fewer bytes.
    if (tokens > r.tokensBefore || (tokens === r.tokensBefore && bytes >= rep.bytesBefore)) {
      reasons.push(`${c.name}: no gain`);
      continue;
    }
    try {
      for (const orig of r.originals ?? []) await o.store!.put(orig.key, orig.content, { ...(o.ttlSeconds !== undefined ? { ttlSeconds: o.ttlSeconds } : {}), ...(orig.meta ? { meta: orig.meta } : {}) });
    } catch (e) {
      errors.push({ unitId: u.id, compressor: c.name, stage: "store", message: errMsg(e) });
      reasons.push(`${c.name}: store failed`);
      continue;
    }
    Object.assign(rep, { status: "compressed", compressor: c.name, tokensAfter: tokens, bytesAfter: bytes, transforms: r.transforms?.length ? [...r.transforms] : [c.name] });
    rep.ccrHashes = findMarkerHashes(`${r.replacement.kind === "text" ? r.replacement.text : ""}\n${r.note ?? ""}`);
    return r;
  }
  rep.reason = reasons.join("; ") || "no image compressor";
  return null;
}

function getAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const k of path) v = typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[k as string | number] : undefined;
  return v;
}
