/**
 * What an image is (Node, sharp): decoded size and format, screenshot or photo, the height of its
 * smallest text lines, and a fingerprint for near-duplicate detection. Every sharp call is async and runs
 * on libuv's thread pool; the JS loops here work on at most ~1.3 MP of grayscale, a few milliseconds.
 */
import sharp from "sharp";
import { monospaceScore } from "./mono.js";

/** The result of `analyzeImage`. */
export interface Analysis {
  format: string;
  width: number;
  height: number;
  hasAlpha: boolean;
  frames: number;
  kind: "screenshot" | "photo";
  /** Smallest common text line height, in original pixels (screenshots with text). */
  textHeight?: number;
  /** Share of pixels on their strip's background colour (1 = flat UI, ~0 = photo). */
  flatness: number;
  /** Text line bands found. */
  textLines: number;
  /** Monospaced text (terminal, log, code) dominates: see `mono.ts`; its floor is `minMonoTextPx`. */
  monospace: boolean;
  /** The monospace score (autocorrelation of the column profile at the cell pitch, 0–1). */
  monoScore: number;
}

/** Limits of the analysis. */
export interface AnalyzeLimits {
  /** Decoding refuses images with more pixels (decompression bombs). */
  maxPixels: number;
}

const ANALYSIS_PIXELS = 1_300_000;

/** Decodes and measures an image. Throws a one-line error for corrupt or unsupported input. */
export async function analyzeImage(buf: Buffer, limits: AnalyzeLimits): Promise<Analysis> {
  const meta = await sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels, pages: -1 }).metadata();
  if (!meta.width || !meta.height || !meta.format) throw new Error("image has no size");
  const frames = meta.pages ?? 1;
  const height = meta.pageHeight && frames > 1 ? meta.pageHeight : meta.height;
  // EXIF orientations 5–8 swap the sides of what a viewer (and a provider) shows.
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? height : meta.width;
  const h = swap ? meta.width : height;
  const scale = Math.min(1, Math.sqrt(ANALYSIS_PIXELS / (width * h)));
  const aw = Math.max(1, Math.round(width * scale));
  const ah = Math.max(1, Math.round(h * scale));
  const { data } = await sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels })
    .rotate()
    .flatten({ background: "#ffffff" })
    .grayscale()
    .resize(aw, ah, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const m = measureText(data, aw, ah);
  const screenshot = m.flatness >= 0.35 || (m.lines >= 8 && m.flatness >= 0.2);
  const monospace = screenshot && m.monoScore >= MONO_SCORE;
  const a: Analysis = { format: meta.format, width, height: h, hasAlpha: !!meta.hasAlpha, frames, kind: screenshot ? "screenshot" : "photo", flatness: m.flatness, textLines: m.lines, monospace, monoScore: m.monoScore };
  if (screenshot && m.textHeight !== undefined) a.textHeight = m.textHeight / scale;
  return a;
}

/** What `measureText` finds. */
export interface TextMeasure {
  textHeight?: number;
  lines: number;
  flatness: number;
  /** Monospace score of the text rows (`monospaceScore`). */
  monoScore: number;
}

/**
 * Monospace score from which text counts as monospaced (`mono.ts`). Measured: the bench's terminal
 * captures score 0.59–0.72 at 1×, 2× and 3×, its documentation pages 0.23–0.33 and dashboards 0.10–0.22;
 * sharp-drawn fixtures: a log in DejaVu Sans Mono 0.47, prose in it 0.60, the same texts in DejaVu Sans
 * or Serif 0.26–0.29. 0.4 sits between the two groups.
 */
export const MONO_SCORE = 0.4;

const STRIP = 96;
const INK = 50;

/**
 * Finds text lines: in vertical strips, rows holding pixels far from the strip's background colour form
 * bands; bands of text height with a text-like share of ink are lines. The 20th percentile of their
 * heights is the small text that must stay legible.
 */
export function measureText(gray: Uint8Array, w: number, h: number): TextMeasure {
  const heights: number[] = [];
  const rows = new Uint8Array(h);
  let flat = 0;
  for (let x0 = 0; x0 < w; x0 += STRIP) {
    const x1 = Math.min(w, x0 + STRIP);
    const hist = new Uint32Array(256);
    for (let y = 0; y < h; y++) for (let x = x0; x < x1; x++) hist[gray[y * w + x]!]!++;
    let bg = 0;
    for (let v = 1; v < 256; v++) if (hist[v]! > hist[bg]!) bg = v;
    for (let v = Math.max(0, bg - 2); v <= Math.min(255, bg + 2); v++) flat += hist[v]!;
    let start = -1;
    let ink = 0;
    for (let y = 0; y <= h; y++) {
      let rowInk = 0;
      if (y < h) for (let x = x0; x < x1; x++) if (Math.abs(gray[y * w + x]! - bg) > INK) rowInk++;
      if (rowInk > 0) {
        if (start < 0) {
          start = y;
          ink = 0;
        }
        ink += rowInk;
      } else if (start >= 0) {
        const bh = y - start;
        const share = ink / (bh * (x1 - x0));
        if (bh >= 5 && bh <= 120 && share >= 0.03 && share <= 0.6) {
          heights.push(bh);
          rows.fill(1, start, y);
        }
        start = -1;
      }
    }
  }
  heights.sort((a, b) => a - b);
  const lines = heights.length;
  const out: TextMeasure = { lines, flatness: flat / (w * h), monoScore: 0 };
  if (lines >= 3) {
    out.textHeight = heights[Math.floor(lines * 0.2)]!;
    // A glyph cell is narrower than the line band: lags up to three band heights span a few cells.
    out.monoScore = monospaceScore(gray, w, h, rows, 3 * out.textHeight).score;
  }
  return out;
}

/** A 256-bit difference hash and a 256-px-wide thumbnail, for near-duplicate checks. */
export interface Fingerprint {
  dhash: Uint8Array;
  thumb: Uint8Array;
  tw: number;
  th: number;
  aspect: number;
}

/** Fingerprint of an image (async, thread pool). */
export async function fingerprint(buf: Buffer, limits: AnalyzeLimits): Promise<Fingerprint> {
  const base = () => sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels }).rotate().flatten({ background: "#ffffff" }).grayscale();
  const meta = await sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels }).metadata();
  const aspect = (meta.width ?? 1) / (meta.height ?? 1);
  const th = Math.max(8, Math.round(256 / aspect));
  const [d, t] = await Promise.all([base().resize(17, 16, { fit: "fill" }).raw().toBuffer(), base().resize(256, th, { fit: "fill" }).raw().toBuffer()]);
  const dhash = new Uint8Array(256);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) dhash[y * 16 + x] = d[y * 17 + x]! > d[y * 17 + x + 1]! ? 1 : 0;
  return { dhash, thumb: new Uint8Array(t), tw: 256, th, aspect };
}

/**
 * Near-identical: same aspect (±2%), at most `maxBits` of 256 hash bits differ (a coarse pre-filter:
 * on text screenshots a JPEG copy already flips ~30 bits, the block check is what decides), and no 8×8 block of the
 * 256-px thumbnails differs by more than 10 grey levels on average (measured: a JPEG q90 copy of a text screenshot peaks at ~7, one changed text line at ~18) — so a screenshot where one line of
 * text changed is not a duplicate, while a re-encoded or resized copy is.
 */
export function nearIdentical(a: Fingerprint, b: Fingerprint, maxBits = 64): boolean {
  if (Math.abs(a.aspect - b.aspect) / a.aspect > 0.02 || a.th !== b.th) return false;
  let bits = 0;
  for (let i = 0; i < 256; i++) bits += a.dhash[i] === b.dhash[i] ? 0 : 1;
  if (bits > maxBits) return false;
  for (let by = 0; by < a.th; by += 8)
    for (let bx = 0; bx < a.tw; bx += 8) {
      let diff = 0;
      let n = 0;
      for (let y = by; y < Math.min(a.th, by + 8); y++)
        for (let x = bx; x < bx + 8; x++) {
          diff += Math.abs(a.thumb[y * a.tw + x]! - b.thumb[y * a.tw + x]!);
          n++;
        }
      if (diff / n > 10) return false;
    }
  return true;
}

/** Fine check of a near-duplicate candidate: grey grid at most this wide. */
const FINE_GRID = 1024;
/**
 * Largest grey difference a re-encoded or resized copy shows on the fine grid. Measured on Chromium
 * screenshots (1× and 2×): JPEG q75/q90, WebP q80 and 75–90% resized copies peak at 7–18; a changed
 * clock at 60–89, one changed number, word or version string at 89–203. 40 sits between, so only copies
 * count as near-identical — a changed clock is a changed text like any other.
 */
export const FINE_PEAK = 40;

/**
 * Peak grey difference of two images on one grid (the smaller width, at most 1024 px, same aspect),
 * after a light blur that absorbs resampling and compression noise. Async: sharp does the work.
 */
export async function finePeakDifference(a: Buffer, b: Buffer, limits: AnalyzeLimits): Promise<number> {
  const open = (x: Buffer) => sharp(x, { failOn: "error", limitInputPixels: limits.maxPixels }).rotate();
  const [ma, mb] = await Promise.all([open(a).metadata(), open(b).metadata()]);
  const w = Math.max(8, Math.min(FINE_GRID, ma.width ?? 1, mb.width ?? 1));
  const h = Math.max(8, Math.round((w * (ma.height ?? 1)) / (ma.width ?? 1)));
  const grid = (x: Buffer) => open(x).flatten({ background: "#ffffff" }).grayscale().resize(w, h, { fit: "fill" }).blur(0.8).raw().toBuffer();
  const [ga, gb] = await Promise.all([grid(a), grid(b)]);
  let peak = 0;
  for (let i = 0; i < ga.length; i++) {
    const d = Math.abs(ga[i]! - gb[i]!);
    if (d > peak) peak = d;
  }
  return peak;
}
