/**
 * Re-encoding with sharp (async, libuv thread pool): resize, auto-orient, strip metadata (sharp writes
 * none unless asked), and keep the smallest of the encodings the provider accepts.
 */
import sharp from "sharp";
import type { Box } from "./trim.js";

/** Media types every supported provider accepts for input images. */
export const ACCEPTED_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type OutputType = (typeof ACCEPTED_TYPES)[number];

/** One encoding request. */
export interface EncodeRequest {
  width: number;
  height: number;
  /** Region of the auto-oriented image to keep (uniform borders cropped), before the resize. */
  extract?: Box;
  /** Resize needed (else only re-encoded). */
  resize: boolean;
  kind: "screenshot" | "photo";
  hasAlpha: boolean;
  /** Lossy encodings (WebP/JPEG at quality, PNG palettes) allowed: a store holds the original. */
  lossy: boolean;
  formats: readonly string[];
  maxPixels: number;
  /** Quality for lossy WebP/JPEG. Screenshots default 85 (crisp text edges), photos 80. */
  quality?: number;
}

/** An encoded image. */
export interface Encoded {
  mediaType: OutputType;
  data: Buffer;
  lossless: boolean;
  label: string;
}

/**
 * Decodes and resizes once to raw pixels, then encodes every candidate from them at once (in parallel on
 * the pool) and returns them smallest first. PNG is a candidate only when WebP is not allowed: lossless
 * WebP is smaller for screenshots and cheaper than PNG at high compression.
 */
export async function encodeCandidates(buf: Buffer, r: EncodeRequest): Promise<Encoded[]> {
  let p = sharp(buf, { failOn: "error", limitInputPixels: r.maxPixels }).rotate().toColourspace("srgb");
  // After rotate() in the chain: the box is in the oriented image's coordinates.
  if (r.extract) p = p.extract(r.extract);
  if (r.resize) p = p.resize(r.width, r.height, { fit: "fill", kernel: "lanczos3" });
  p = r.hasAlpha ? p.ensureAlpha() : p.removeAlpha();
  const { data, info } = await p.raw().toBuffer({ resolveWithObject: true });
  const raw = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const q = r.quality ?? (r.kind === "screenshot" ? 85 : 80);
  const jobs: Promise<Encoded>[] = [];
  const want = (t: OutputType) => r.formats.includes(t);
  const job = (mediaType: OutputType, lossless: boolean, label: string, enc: Promise<Buffer>) => jobs.push(enc.then((d) => ({ mediaType, data: d, lossless, label })));
  if (want("image/webp")) job("image/webp", true, "webp-lossless", raw().webp({ lossless: true, effort: 2 }).toBuffer());
  else if (want("image/png")) job("image/png", true, "png", raw().png({ compressionLevel: 6 }).toBuffer());
  if (r.lossy && want("image/webp")) job("image/webp", false, `webp-q${q}`, raw().webp({ quality: q, effort: 2, smartSubsample: r.kind === "photo" }).toBuffer());
  // JPEG has no alpha channel: a transparent image would change, so it is not a candidate.
  if (r.lossy && want("image/jpeg") && !r.hasAlpha) job("image/jpeg", false, `jpeg-q${q}`, raw().jpeg({ quality: q, chromaSubsampling: r.kind === "screenshot" ? "4:4:4" : "4:2:0" }).toBuffer());
  const out = await Promise.all(jobs);
  // Ties (same length) keep the candidate order, so the choice is deterministic.
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.data.length - b.e.data.length || a.i - b.i).map((x) => x.e);
}
