/**
 * Choosing the size (and OpenAI detail) an image is sent at. Pure: it only needs the pixel size, what the
 * analysis found (screenshot or photo, smallest text height) and the cost model.
 */
import { costModelFor, imageCost, type CostModel, type ImageDetail } from "./cost.js";
import { normalizeBias } from "@headroom/text";

/** Rules the planner follows; every field has a documented default. */
export interface PlanRules {
  /** Smallest text height kept after resizing: the 20th percentile of text-line band heights (px; about the cap or digit height). Default 7 (chosen by OCR character recall, see README). */
  minTextPx: number;
  /**
   * Smallest text height kept for monospaced text (terminals, logs, code; see `mono.ts`): its tokens are
   * digits, hashes and identifiers where one misread glyph breaks the token. Default 9 (OCR, see README).
   */
  minMonoTextPx: number;
  /**
   * A photo's long edge is not taken below this (px) when the question needs detail, or with
   * `lowDetailPhotos: false`. Default 768.
   */
  minPhotoEdge: number;
  /** Hard cap on one image's tokens: shrink further (below the legibility floor if need be). */
  maxTokensPerImage?: number;
  /**
   * Unless the query asks for detail: OpenAI tile models get photos at `detail: "low"`, other providers
   * (no detail switch) the same size, a long edge of {@link LOW_DETAIL_EDGE} (512 px). Default true.
   */
  lowDetailPhotos: boolean;
  /** > 1 keeps less (smaller text floor), < 1 keeps more. Default 1. */
  bias: number;
}

/** Long edge of OpenAI's `detail: "low"` image (fitted in 512×512): the low-detail equivalent elsewhere. */
export const LOW_DETAIL_EDGE = 512;

export const DEFAULT_RULES: PlanRules = { minTextPx: 7, minMonoTextPx: 9, minPhotoEdge: 768, lowDetailPhotos: true, bias: 1 };

/** What the analysis says about an image. */
export interface ImageFacts {
  width: number;
  height: number;
  kind: "screenshot" | "photo";
  /** Smallest common text line height in px, for screenshots where text was found. */
  textHeight?: number;
  /** Monospaced text dominates (terminal, log, code): `minMonoTextPx` applies instead of `minTextPx`. */
  monospace?: boolean;
}

/** The chosen size. */
export interface SizePlan {
  width: number;
  height: number;
  detail?: "low";
  tokensBefore: number;
  tokensAfter: number;
  /** True when the size is only what the provider would keep anyway (same tokens, fewer bytes). */
  fitOnly: boolean;
  transforms: string[];
  model: CostModel;
}

/**
 * Words that say the question needs fine detail of an image (reading text, counting, small parts). A
 * photo asked about with any of them keeps `detail: "high"`.
 */
export const DETAIL_QUERY = /\b(read|reads|text|ocr|transcri\w*|small|tiny|detail\w*|zoom|count|how many|exact\w*|number\w*|digits?|labels?|caption|written|writing|says?|fine print|spell\w*|serial|plate|sign|font|pixel\w*)\b/i;

/** True when the query asks for fine detail (see `DETAIL_QUERY`). */
export function queryNeedsDetail(query: string | undefined): boolean {
  return query !== undefined && DETAIL_QUERY.test(query);
}

/**
 * Plans the size of one image: first what the provider keeps (never send more pixels than it bills),
 * then the largest size at the lowest cost step that keeps the smallest text at least `minTextPx` high
 * (screenshots) or the long edge at least `minPhotoEdge` (photos); when the query does not need detail,
 * OpenAI tile models get photos at `detail: "low"` and other providers at its size (a 512-px long edge);
 * `maxTokensPerImage` caps the result.
 */
export function planSize(model: string, facts: ImageFacts, detail: ImageDetail | undefined, query: string | undefined, rules: PlanRules, lossyAllowed: boolean): SizePlan {
  const cm = costModelFor(model);
  const { width: W, height: H } = facts;
  const before = imageCost(cm, W, H, detail ?? "auto");
  const fitW = before.width;
  const base: SizePlan = { width: before.width, height: before.height, tokensBefore: before.tokens, tokensAfter: before.tokens, fitOnly: true, transforms: fitW < W ? ["fit-provider-limit"] : [], model: cm };
  if (!lossyAllowed) return base;
  const bias = normalizeBias(rules.bias);
  // Photos at low detail unless the question needs detail: `detail: "low"` where the provider has it.
  const lowDetail = facts.kind === "photo" && rules.lowDetailPhotos && !queryNeedsDetail(query);
  if (lowDetail && cm.detail && detail !== "low") {
    const low = imageCost(cm, W, H, "low");
    if (low.tokens < before.tokens) return { ...base, width: low.width, height: low.height, detail: "low", tokensAfter: low.tokens, fitOnly: false, transforms: ["detail-low"] };
  }
  let minScale: number;
  // A provider without a detail switch gets the low-detail equivalent instead: OpenAI's low detail is
  // the photo fitted in 512×512, so the long edge may go down to that.
  const photoEdge = lowDetail ? Math.min(rules.minPhotoEdge, LOW_DETAIL_EDGE) : rules.minPhotoEdge;
  if (facts.kind === "photo") minScale = Math.min(1, photoEdge / bias / Math.max(W, H));
  else if (facts.textHeight) minScale = Math.min(1, Math.max(4, (facts.monospace ? rules.minMonoTextPx : rules.minTextPx) / bias) / facts.textHeight);
  else minScale = fitW / W; // No text found in a screenshot: no evidence that a smaller size stays legible.
  const minW = Math.max(1, Math.ceil(W * minScale));
  let best = { w: fitW, h: before.height, tokens: before.tokens };
  for (let w = fitW - 1; w >= minW; w--) {
    const h = Math.max(1, Math.round((w * H) / W));
    const t = imageCost(cm, w, h, detail ?? "auto").tokens;
    if (t < best.tokens) best = { w, h, tokens: t };
  }
  const transforms = [...base.transforms];
  if (best.tokens < before.tokens) transforms.push(facts.kind === "photo" ? "downscale-photo" : "downscale-legible");
  const cap = rules.maxTokensPerImage;
  if (cap !== undefined && best.tokens > cap) {
    for (let w = best.w - 1; w >= 1; w--) {
      const h = Math.max(1, Math.round((w * H) / W));
      const t = imageCost(cm, w, h, detail ?? "auto").tokens;
      if (t <= cap) {
        best = { w, h, tokens: t };
        transforms.push("max-tokens-per-image");
        break;
      }
    }
  }
  if (best.w === fitW) return base;
  return { ...base, width: best.w, height: best.h, tokensAfter: best.tokens, fitOnly: false, transforms };
}
