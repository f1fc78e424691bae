/**
 * Image token cost per provider, from each provider's published formula. Pure and edge-safe.
 *
 * Sources (read 2026-12):
 * - OpenAI, "Images and vision" guide, section "Calculating costs" (platform.openai.com/docs/guides/images-vision):
 *   tile models: `detail: "low"` costs the base tokens; high: fit in 2048×2048, then scale down so the
 *   shortest side is 768, then base + tile tokens × 512-px tiles (gpt-4o: 85 + 170 per tile;
 *   1024×1024 → 765, 2048×4096 → 1105). Patch models (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini,
 *   gpt-5-nano): 32-px patches, images over 1536 patches shrunk to fit, × a per-model multiplier
 *   (1024×1024 → 1024 patches, 1800×2400 → 1452 patches).
 * - Anthropic, "Vision" guide (docs.anthropic.com/en/docs/build-with-claude/vision): tokens ≈ width × height
 *   / 750; an image whose long edge exceeds 1568 px or that exceeds about 1,600 tokens (~1.15 MP) is
 *   first scaled down keeping its aspect ratio (1092×1092 is the largest square kept, ≈ 1590 tokens).
 * - Google, Gemini API "Understand and count tokens" (ai.google.dev/gemini-api/docs/tokens): with
 *   Gemini 2.0, an image with both sides ≤ 384 px is 258 tokens; a larger one is cropped and scaled into
 *   768×768 tiles of 258 tokens each.
 */

/** The `detail` of an OpenAI image part. */
export type ImageDetail = "low" | "high" | "auto";

/** Which formula prices an image. */
export type CostFormula = "openai-tiles" | "openai-patches" | "anthropic-area" | "gemini-tiles";

/** The cost model a model name picks. */
export interface CostModel {
  provider: "openai" | "anthropic" | "gemini" | "unknown";
  formula: CostFormula;
  /** True when the model is not in the tables and the numbers are a labelled estimate. */
  estimated: boolean;
  /** Tile formula: base and per-tile tokens. */
  base?: number;
  tile?: number;
  /** Patch formula: tokens per patch. */
  multiplier?: number;
  /** True when the provider honours `detail` (OpenAI tile models only). */
  detail: boolean;
}

/** What an image costs and the size the provider actually keeps. */
export interface ImageCost {
  tokens: number;
  /** Size the provider resizes the image to before billing (what the model sees). */
  width: number;
  height: number;
  model: CostModel;
}

const TILE_MODELS: [RegExp, number, number][] = [
  [/^gpt-4o-mini/, 2833, 5667],
  [/^gpt-5/, 70, 140],
  [/^(o1|o3)/, 75, 150],
  [/^computer-use/, 65, 129],
  [/^(gpt-4o|chatgpt-4o|gpt-4\.1(?!-(mini|nano))|gpt-4\.5|gpt-4-turbo|gpt-4-vision)/, 85, 170],
];
const PATCH_MODELS: [RegExp, number][] = [
  [/^(gpt-4\.1-mini|gpt-5(\.\d+)?-mini)/, 1.62],
  [/^(gpt-4\.1-nano|gpt-5(\.\d+)?-nano)/, 2.46],
  [/^o4-mini/, 1.72],
];

/** Picks the cost model for a model name (provider prefixes such as `openai/` or `anthropic.` are ignored). */
export function costModelFor(model: string): CostModel {
  const lower = model.toLowerCase();
  const m = lower.slice(lower.lastIndexOf("/") + 1).replace(/^((us|eu|apac|global)\.)?(anthropic|google|openai)\./, "");
  for (const [re, multiplier] of PATCH_MODELS) if (re.test(m)) return { provider: "openai", formula: "openai-patches", estimated: false, multiplier, detail: false };
  for (const [re, base, tile] of TILE_MODELS) if (re.test(m)) return { provider: "openai", formula: "openai-tiles", estimated: false, base, tile, detail: true };
  if (/^claude/.test(m)) return { provider: "anthropic", formula: "anthropic-area", estimated: false, detail: false };
  if (/^gemini-(1\.5|2\.)/.test(m)) return { provider: "gemini", formula: "gemini-tiles", estimated: false, detail: false };
  if (/^gemini/.test(m)) return { provider: "gemini", formula: "gemini-tiles", estimated: true, detail: false };
  if (/^(gpt-|o\d)/.test(m)) return { provider: "openai", formula: "openai-tiles", estimated: true, base: 85, tile: 170, detail: true };
  // Unknown: Anthropic's area rule is the middle of the three providers' prices for screenshots.
  return { provider: "unknown", formula: "anthropic-area", estimated: true, detail: false };
}

/** Anthropic's limits: long edge and pixel area above which the API downscales (≈ 1,600 tokens). */
export const ANTHROPIC_MAX_EDGE = 1568;
export const ANTHROPIC_MAX_PIXELS = 1092 * 1092;
/** OpenAI patch models: patch side and the most patches kept. */
export const OPENAI_PATCH = 32;
export const OPENAI_MAX_PATCHES = 1536;

const fit = (w: number, h: number, s: number) => ({ width: Math.max(1, Math.floor(w * s)), height: Math.max(1, Math.floor(h * s)) });

/** Size OpenAI tile models keep: 512-px box at low detail; else 2048-px box, then shortest side 768. */
function openaiTilesSize(w: number, h: number, low: boolean): { width: number; height: number } {
  if (low) return fit(w, h, Math.min(1, 512 / Math.max(w, h)));
  let s = Math.min(1, 2048 / Math.max(w, h));
  const short = Math.min(w, h) * s;
  if (short > 768) s *= 768 / short;
  return fit(w, h, s);
}

/** Size OpenAI patch models keep: shrunk to at most 1536 32-px patches, snapped to whole patches in one side. */
function openaiPatchesSize(w: number, h: number): { width: number; height: number } {
  const patches = Math.ceil(w / OPENAI_PATCH) * Math.ceil(h / OPENAI_PATCH);
  if (patches <= OPENAI_MAX_PATCHES) return { width: w, height: h };
  let s = Math.sqrt((OPENAI_PATCH * OPENAI_PATCH * OPENAI_MAX_PATCHES) / (w * h));
  const pw = (w * s) / OPENAI_PATCH;
  const ph = (h * s) / OPENAI_PATCH;
  s *= Math.min(Math.floor(pw) / pw, Math.floor(ph) / ph);
  // The tiny epsilon keeps 1056.0000001 from becoming 1057 px through float error.
  return { width: Math.max(1, Math.floor(w * s + 1e-6)), height: Math.max(1, Math.floor(h * s + 1e-6)) };
}

/** Size Anthropic keeps: long edge ≤ 1568 and area ≤ 1092². */
function anthropicSize(w: number, h: number): { width: number; height: number } {
  const s = Math.min(1, ANTHROPIC_MAX_EDGE / Math.max(w, h), Math.sqrt(ANTHROPIC_MAX_PIXELS / (w * h)));
  return s < 1 ? fit(w, h, s) : { width: w, height: h };
}

/**
 * Tokens an image of `width`×`height` costs for `model` at `detail` (OpenAI tile models; `auto` is priced
 * as `high`, the upper bound, since the API does not say which it picks).
 */
export function imageCost(model: string | CostModel, width: number, height: number, detail: ImageDetail = "auto"): ImageCost {
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) throw new RangeError(`image size must be positive, got ${width}x${height}`);
  const cm = typeof model === "string" ? costModelFor(model) : model;
  if (cm.formula === "openai-tiles") {
    const low = detail === "low";
    const size = openaiTilesSize(width, height, low);
    const tiles = low ? 0 : Math.ceil(size.width / 512) * Math.ceil(size.height / 512);
    return { tokens: cm.base! + cm.tile! * tiles, ...size, model: cm };
  }
  if (cm.formula === "openai-patches") {
    const size = openaiPatchesSize(width, height);
    const patches = Math.min(OPENAI_MAX_PATCHES, Math.ceil(size.width / OPENAI_PATCH) * Math.ceil(size.height / OPENAI_PATCH));
    return { tokens: Math.round(patches * cm.multiplier!), ...size, model: cm };
  }
  if (cm.formula === "gemini-tiles") {
    const tokens = width <= 384 && height <= 384 ? 258 : Math.ceil(width / 768) * Math.ceil(height / 768) * 258;
    return { tokens, width, height, model: cm };
  }
  const size = anthropicSize(width, height);
  return { tokens: Math.ceil((size.width * size.height) / 750), ...size, model: cm };
}
