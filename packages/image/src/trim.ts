/**
 * Cropping uniform borders (Node, sharp): docs and READMEs at desktop width have empty margins,
 * terminals and dashboards an empty bottom. Rows and columns that are one colour (within a small
 * tolerance) carry no content; removing them keeps text at full scale while cutting pixels, so the
 * downscale needed to reach a cost step is smaller. Our own scan instead of sharp's `trim()`: libvips'
 * find_trim median-filters first, which can erase a 1-px rule or a thin glyph stroke near the edge.
 */
import sharp from "sharp";

/** A region of the (auto-oriented) image. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Largest channel difference still counted as background. Measured on the bench's Chromium screenshots
 * (docs, terminal, dashboard; 3 devices) and their JPEG q75/q90 copies at 4, 8, 16 and 24: at 4–8 JPEG
 * ringing moves a copy's crop up to 9 px from the PNG's; at 16 the q90 crop equals the PNG's and q75 is
 * within 7 px (inside the padding); at 24 a terminal's 1-px window edge starts to go. Faint UI ink stops
 * it (#d0d7de card borders are 47 levels from white); a #f6f8fa code-block fill (9) counts as background.
 */
export const TRIM_TOLERANCE = 16;

/** Border kept around the content: 1% of the long edge, at least 4 px (text never touches the cut). */
export const trimPadding = (w: number, h: number) => Math.max(4, Math.round(0.01 * Math.max(w, h)));

/** True when every pixel of the span is within `tol` of the colour `bg` (per channel). */
function uniform(px: Uint8Array, ch: number, start: number, step: number, n: number, bg: number[], tol: number): boolean {
  for (let i = 0, o = start; i < n; i++, o += step) for (let c = 0; c < ch; c++) if (Math.abs(px[o + c]! - bg[c]!) > tol) return false;
  return true;
}

/**
 * The content box of raw interleaved pixels: from each side, lines within `tol` of that side's outermost
 * pixel colour are border. Top and bottom first, then left and right over the remaining rows, repeated
 * until stable (a full-width header bar stops the side crop only where it is). `undefined` when nothing
 * would be removed or the image is one colour (nothing to keep in view).
 */
export function findContentBox(px: Uint8Array, w: number, h: number, ch: number, tol = TRIM_TOLERANCE, pad = trimPadding(w, h)): Box | undefined {
  let [l, t, r, b] = [0, 0, w, h]; // half-open [l, r) × [t, b)
  const at = (x: number, y: number) => Array.from(px.subarray((y * w + x) * ch, (y * w + x) * ch + ch));
  // Each side's background is its outermost line's colour, fixed once: later rounds only remove more
  // lines of that colour (never a one-colour rule or bar that merely spans the remaining width).
  const bg: number[][] = [at(0, 0), at(0, h - 1), at(0, 0), at(w - 1, 0)];
  for (let round = 0; round < 4; round++) {
    const before = [l, t, r, b].join();
    while (t < b && uniform(px, ch, (t * w + l) * ch, ch, r - l, bg[0]!, tol)) t++;
    if (t === b) return undefined;
    while (b > t && uniform(px, ch, ((b - 1) * w + l) * ch, ch, r - l, bg[1]!, tol)) b--;
    while (l < r && uniform(px, ch, (t * w + l) * ch, w * ch, b - t, bg[2]!, tol)) l++;
    while (r > l && uniform(px, ch, (t * w + r - 1) * ch, w * ch, b - t, bg[3]!, tol)) r--;
    if ([l, t, r, b].join() === before) break;
  }
  [l, t, r, b] = [Math.max(0, l - pad), Math.max(0, t - pad), Math.min(w, r + pad), Math.min(h, b + pad)];
  if (l === 0 && t === 0 && r === w && b === h) return undefined;
  return { left: l, top: t, width: r - l, height: b - t };
}

/**
 * Images above this are not scanned: the scan reads full-resolution RGB (a thin line must not fade in a
 * downscale), 48 MB and at worst ~100 ms of the event loop at 16 MP; a 5K screen is 14.7 MP.
 */
export const TRIM_MAX_PIXELS = 16_000_000;

/** Decodes the auto-oriented image (transparency on white) on the thread pool and finds its content box. */
export async function contentBox(buf: Buffer, limits: { maxPixels: number }, tol = TRIM_TOLERANCE): Promise<Box | undefined> {
  const meta = await sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels }).metadata();
  if ((meta.width ?? 0) * (meta.height ?? 0) > TRIM_MAX_PIXELS) return undefined;
  const { data, info } = await sharp(buf, { failOn: "error", limitInputPixels: limits.maxPixels }).rotate().flatten({ background: "#ffffff" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return findContentBox(data, info.width, info.height, info.channels, tol);
}
