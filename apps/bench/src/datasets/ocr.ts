/**
 * Legibility by OCR: tesseract.js with the English data of the npm package `@tesseract.js-data/eng`
 * (its LSTM `4.0.0_best_int` model, loaded from the package folder; nothing is downloaded).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { createWorker, OEM, type Worker } from "tesseract.js";

const require = createRequire(import.meta.url);

/** Folder of the eng traineddata shipped by `@tesseract.js-data/eng`. */
export function engLangPath(): string {
  return join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

/** A tesseract worker reading English from the packaged data, no cache written, no network. */
export async function ocrWorker(): Promise<Worker> {
  return createWorker("eng", OEM.LSTM_ONLY, { langPath: engLangPath(), gzip: true, cacheMethod: "none" });
}

/**
 * OCR text of an image. The image is first brought to `width` px wide (the original's width) so that
 * before/after are read at the same scale: the question is whether the pixels still carry the text, not
 * whether tesseract likes small glyphs (models read patches at their own scale).
 */
export async function ocr(worker: Worker, image: Buffer, width?: number): Promise<string> {
  const png = await sharp(image).flatten({ background: "#ffffff" }).resize(width ? { width, kernel: "lanczos3" } : undefined).png().toBuffer();
  const { data } = await worker.recognize(png);
  return data.text;
}

/** Words of an OCR text: 3+ letters or digits, lower-cased. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9][a-z0-9._-]{2,}/g) ?? []).map((w) => w.replace(/[._-]+$/, ""));
}

/**
 * Word recall: the share of the words OCR read in the original that it also reads in the compressed image
 * (multiset: a word read 3 times before must be read 3 times after).
 */
export function wordRecall(before: string, after: string): number {
  const want = words(before);
  if (!want.length) return 1;
  const have = new Map<string, number>();
  for (const w of words(after)) have.set(w, (have.get(w) ?? 0) + 1);
  let hit = 0;
  for (const w of want) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      hit++;
      have.set(w, n - 1);
    }
  }
  return hit / want.length;
}

/**
 * Character-level recall of the original's words: the longest common subsequence of the two word
 * streams' characters (words joined by one space), over the original's length. A word with one misread
 * letter still counts for its other letters.
 */
export function charRecall(before: string, after: string): number {
  const a = words(before).join(" ");
  const b = words(after).join(" ");
  if (!a.length) return 1;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) cur[j] = ca === b.charCodeAt(j - 1) ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]! / a.length;
}
