/**
 * The image compressor (Node, sharp): plugs into `compress()` / `createPipeline()` of @headroom/core as
 * an image-capable compressor. Per image: duplicates become a short reference to the earlier copy; bad
 * images are declined with a reason; the rest is planned (cost model + legibility) and re-encoded.
 */
import { createHash } from "node:crypto";
import { ccrKey, SPECIFICATION_VERSION, type ImageCompressor, type ImageContext, type ImageDecline, type ImageResult, type ImageUnit, type Role } from "@headroom/core";
import { type Analysis, analyzeImage, FINE_PEAK, finePeakDifference, fingerprint, nearIdentical, type Fingerprint } from "./analyze.js";
import { imageCost, type ImageDetail } from "./cost.js";
import { ACCEPTED_TYPES, encodeCandidates } from "./encode.js";
import { base64Size, formatBytes, readImageHeader } from "./info.js";
import { DEFAULT_RULES, planSize, type PlanRules, type SizePlan } from "./plan.js";
import { contentBox, type Box } from "./trim.js";

/** Options of `imageCompressor`. Every one has a default; see the README for the rules. */
export interface ImageCompressorOptions extends Partial<Omit<PlanRules, "bias">> {
  /** Images cheaper than this many tokens are left alone. Default 150. */
  minTokens?: number;
  /** Replace later copies of an identical image by a reference. Default true. */
  dedupe?: boolean;
  /**
   * Also near-identical copies: re-encoded or resized (perceptual hash and block pre-filter, then a fine
   * pixel check; needs a store). Default true: the fine check tells copies from screens where any text
   * changed (a number, a word, a clock), measured on Chromium screenshots (see `FINE_PEAK`).
   */
  nearDuplicates?: boolean;
  /** Output media types allowed. Default PNG, JPEG, WebP (all three providers accept them). */
  formats?: string[];
  /** Images larger than this are left unchanged. Default 20 MB. */
  maxInputBytes?: number;
  /** Decoding refuses more pixels than this (decompression bombs). Default 100 MP. */
  maxInputPixels?: number;
  /** Per-image budget for the sharp work; past it the image is left unchanged. Default 8000 ms. */
  timeoutMs?: number;
  /** Crop uniform borders (with a store) when that reaches a lower cost step or keeps text larger. Default true. */
  trim?: boolean;
  /**
   * Lossy WebP/JPEG candidates for screenshots too. Default false: tokens do not depend on bytes, and
   * lossy WebP (always 4:2:0 chroma) blurs small coloured text such as status labels; measured by OCR on
   * the bench's phone dashboard at a 0.24 downscale, word recall 0.70 (WebP q85) vs 0.86 (lossless).
   * Photos keep their lossy candidates.
   */
  lossyScreenshots?: boolean;
  /** Roles whose images are handled. Default user and tool. */
  roles?: Role[];
}

/** Upper bound of the marker note's text tokens: a crop must save more when nothing else needs a note. */
const NOTE_TOKENS = 80;
const DETAILS = new Set(["low", "high", "auto"]);
const HANDLED = new Set(["png", "jpeg", "gif", "webp"]);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

/**
 * Creates the image compressor. Register it with the text compressors:
 * `compress(messages, { compressors: [imageCompressor()], store, model })`.
 */
export function imageCompressor(options: ImageCompressorOptions = {}): ImageCompressor {
  const o = {
    minTokens: options.minTokens ?? 150,
    dedupe: options.dedupe ?? true,
    nearDuplicates: options.nearDuplicates ?? true,
    formats: options.formats ?? [...ACCEPTED_TYPES],
    maxInputBytes: options.maxInputBytes ?? 20 * 1024 * 1024,
    maxPixels: options.maxInputPixels ?? 100_000_000,
    timeoutMs: options.timeoutMs ?? 8000,
    trim: options.trim ?? true,
    lossyScreenshots: options.lossyScreenshots ?? false,
    roles: new Set(options.roles ?? ["user", "tool"]),
  };
  const rules = (bias: number): PlanRules => ({
    minTextPx: options.minTextPx ?? DEFAULT_RULES.minTextPx,
    minMonoTextPx: options.minMonoTextPx ?? DEFAULT_RULES.minMonoTextPx,
    minPhotoEdge: options.minPhotoEdge ?? DEFAULT_RULES.minPhotoEdge,
    lowDetailPhotos: options.lowDetailPhotos ?? DEFAULT_RULES.lowDetailPhotos,
    bias,
    ...(options.maxTokensPerImage !== undefined ? { maxTokensPerImage: options.maxTokensPerImage } : {}),
  });
  // Fingerprints of earlier images, by content hash; insertion-ordered eviction keeps it bounded.
  const prints = new Map<string, Promise<Fingerprint | null>>();
  const printOf = (u: ImageUnit): Promise<Fingerprint | null> => {
    const k = createHash("sha256").update(u.data).digest("hex");
    let p = prints.get(k);
    if (!p) {
      p = fingerprint(Buffer.from(u.data, "base64"), { maxPixels: o.maxPixels }).catch(() => null);
      prints.set(k, p);
      if (prints.size > 128) prints.delete(prints.keys().next().value!);
    }
    return p;
  };

  async function duplicateOf(u: ImageUnit, ctx: ImageContext): Promise<{ of: ImageUnit; exact: boolean } | undefined> {
    if (!o.dedupe) return undefined;
    const exact = ctx.earlier.find((e) => e.data === u.data);
    if (exact) return { of: exact, exact: true };
    if (!o.nearDuplicates || !ctx.reversible || !ctx.earlier.length) return undefined;
    const mine = await printOf(u);
    if (!mine) return undefined;
    for (const e of ctx.earlier) {
      const theirs = await printOf(e);
      // The coarse pre-filter cannot see one changed number; the fine check can (only candidates pay it).
      if (theirs && nearIdentical(mine, theirs) && (await finePeakDifference(Buffer.from(u.data, "base64"), Buffer.from(e.data, "base64"), { maxPixels: o.maxPixels })) <= FINE_PEAK) return { of: e, exact: false };
    }
    return undefined;
  }

  async function compressImage(u: ImageUnit, ctx: ImageContext): Promise<ImageResult | ImageDecline> {
    if (!o.roles.has(u.role)) return { declined: `${u.role} images are not handled (roles option)` };
    const bytes = base64Size(u.data);
    if (bytes <= 0) return { declined: "empty image (zero bytes)" };
    if (bytes > o.maxInputBytes) return { declined: `image too large (${formatBytes(bytes)} > ${formatBytes(o.maxInputBytes)})` };
    const buf = Buffer.from(u.data, "base64");
    const header = readImageHeader(buf);
    if (!header || !HANDLED.has(header.format)) return { declined: `unsupported or corrupt image (${u.mediaType}: not a readable PNG, JPEG, GIF or WebP)` };
    const detail = u.detail && DETAILS.has(u.detail) ? (u.detail as ImageDetail) : undefined;
    const before = header.width > 0 && header.height > 0 ? imageCost(ctx.model, header.width, header.height, detail ?? "auto") : undefined;
    if (!before) return { declined: "zero-size image" };
    const estimated = before.model.estimated;
    // The pipeline's budget bounds the wait too (it stops waiting at it); ours may be shorter.
    const limit = Math.min(o.timeoutMs, ctx.timeBudgetMs ?? Infinity);
    const dup = await withTimeout(duplicateOf(u, ctx), limit, "duplicate check").catch(() => undefined);
    if (dup) return reference(u, dup, ctx, header, before.tokens, estimated);
    if (before.tokens < o.minTokens) return { declined: `under the floor (${before.tokens} < ${o.minTokens} tokens)`, tokens: before.tokens, estimated };
    try {
      return await withTimeout(shrink(u, ctx, buf, bytes, detail), limit, "image work");
    } catch (e) {
      return { declined: `image left unchanged: ${msg(e)}`, tokens: before.tokens, estimated };
    }
  }

  function reference(u: ImageUnit, dup: { of: ImageUnit; exact: boolean }, ctx: ImageContext, h: { format: string; width: number; height: number }, tokens: number, estimated: boolean): ImageResult {
    const what = `${dup.exact ? "identical" : "nearly identical"} to the earlier image ${dup.of.id} (${h.width}×${h.height} ${h.format}), not repeated`;
    const base = { tokensBefore: tokens, tokensAfter: 0, estimated, transforms: [dup.exact ? "duplicate-reference" : "near-duplicate-reference"] };
    if (!ctx.reversible) return { ...base, replacement: { kind: "text", text: `[image: ${what}]` }, lossless: true };
    const original = `data:${u.mediaType};base64,${u.data}`;
    const key = ccrKey(original);
    const meta = { kind: "image", mediaType: u.mediaType, width: h.width, height: h.height };
    return { ...base, replacement: { kind: "text", text: `[image: ${what}. Retrieve more: hash=${key}]` }, lossless: dup.exact, originals: [{ key, content: original, meta }] };
  }

  async function shrink(u: ImageUnit, ctx: ImageContext, buf: Buffer, bytes: number, detail: ImageDetail | undefined): Promise<ImageResult | ImageDecline> {
    const a = await analyzeImage(buf, { maxPixels: o.maxPixels });
    // Between phases: no encoding starts once the budget is spent (a pending sharp call cannot be stopped).
    ctx.signal?.throwIfAborted();
    const costNow = imageCost(ctx.model, a.width, a.height, detail ?? "auto");
    if (a.frames > 1) return { declined: `animated image (${a.frames} frames) left unchanged`, tokens: costNow.tokens, estimated: costNow.model.estimated };
    const full = planSize(ctx.model, a, detail, u.query, rules(ctx.bias), ctx.reversible);
    const { plan, box } = ctx.reversible && o.trim && !full.detail ? await withTrim(buf, a, full, detail, u.query, ctx) : { plan: full, box: undefined };
    const shown = box ?? { left: 0, top: 0, width: a.width, height: a.height };
    const resize = plan.width !== shown.width || plan.height !== shown.height;
    // Same tokens (provider-fit only): only lossless encodings, so that no marker note costs tokens.
    // Screenshots stay lossless unless asked (`lossyScreenshots`): bytes do not buy tokens, artefacts cost text.
    const lossy = ctx.reversible && !plan.fitOnly && (a.kind === "photo" || o.lossyScreenshots);
    const [enc] = await encodeCandidates(buf, { width: plan.width, height: plan.height, ...(box ? { extract: box } : {}), resize, kind: a.kind, hasAlpha: a.hasAlpha, lossy, formats: o.formats, maxPixels: o.maxPixels });
    if (!enc) return { declined: "no accepted output format", tokens: plan.tokensBefore, estimated: plan.model.estimated };
    if (!box && !resize && !plan.detail && enc.data.length >= bytes) return { declined: "no gain (already as small as it gets)", tokens: plan.tokensBefore, estimated: plan.model.estimated };
    const lossless = plan.fitOnly && enc.lossless && !plan.detail;
    const transforms = [...plan.transforms, `encode-${enc.label}`];
    const result: ImageResult = {
      replacement: { kind: "image", mediaType: enc.mediaType, data: enc.data.toString("base64"), ...(plan.detail ? { detail: plan.detail } : {}) },
      lossless,
      tokensBefore: plan.tokensBefore,
      tokensAfter: plan.tokensAfter,
      estimated: plan.model.estimated,
      transforms,
      bytesBefore: bytes,
      bytesAfter: enc.data.length,
    };
    if (lossless) return result;
    const original = `data:${u.mediaType};base64,${u.data}`;
    const key = ccrKey(original);
    result.originals = [{ key, content: original, meta: { kind: "image", mediaType: u.mediaType, width: a.width, height: a.height } }];
    const low = plan.detail ? " at detail low" : "";
    // The crop box is in the note so that positions (clicks, coordinates) map back to the original.
    const crop = box ? ` cropped to ${box.width}×${box.height} at (${box.left},${box.top}) (uniform borders),` : "";
    result.note = `[image ${a.width}×${a.height}${crop} sent as ${plan.width}×${plan.height}${low} (~${plan.tokensAfter} of ~${plan.tokensBefore} tokens). Retrieve more: hash=${key}]`;
    return result;
  }

  /**
   * Re-plans on the image without its uniform borders (same text height: borders hold no text). Kept
   * when it reaches a lower cost step, or the same step below the original's cost with more pixels per
   * text line; otherwise the full image's plan stands.
   */
  async function withTrim(buf: Buffer, a: Analysis, full: SizePlan, detail: ImageDetail | undefined, query: string | undefined, ctx: ImageContext): Promise<{ plan: SizePlan; box?: Box }> {
    const box = await contentBox(buf, { maxPixels: o.maxPixels });
    ctx.signal?.throwIfAborted();
    if (!box) return { plan: full };
    const cut = planSize(ctx.model, { ...a, width: box.width, height: box.height }, detail, query, rules(ctx.bias), true);
    // Without another lossy change the crop alone brings the note: it must pay for it.
    const cost = full.fitOnly ? cut.tokensAfter + NOTE_TOKENS : cut.tokensAfter;
    const better = cost < full.tokensAfter || (!full.fitOnly && cut.tokensAfter === full.tokensAfter && cut.width / box.width > full.width / a.width);
    if (!better || cut.detail) return { plan: full };
    return { box, plan: { ...cut, tokensBefore: full.tokensBefore, fitOnly: false, transforms: ["trim", ...cut.transforms] } };
  }

  /** Price from the header alone (no decoding): what the pipeline counts for `minTokens` and `tokenBudget`. */
  function imageTokens(u: ImageUnit, model: string): number | undefined {
    const bytes = base64Size(u.data);
    if (bytes <= 0 || bytes > o.maxInputBytes) return undefined;
    // A PNG/GIF/WebP header is in the first bytes; a JPEG frame header can sit after a large EXIF block.
    const head = Buffer.from(u.data.slice(0, 65536), "base64");
    const jpeg = head[0] === 0xff && head[1] === 0xd8;
    const header = readImageHeader(head) ?? (jpeg ? readImageHeader(Buffer.from(u.data, "base64")) : undefined);
    if (!header || header.width <= 0 || header.height <= 0) return undefined;
    const detail = u.detail && DETAILS.has(u.detail) ? (u.detail as ImageDetail) : "auto";
    return imageCost(model, header.width, header.height, detail).tokens;
  }

  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: "image",
    kinds: [],
    compress: () => null,
    compressImage,
    imageTokens,
  };
}
