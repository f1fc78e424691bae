import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { chromium } from "playwright-core";
import { createWorker, OEM } from "tesseract.js";
import { compress, type Store } from "@headroom/core";
import { imageCompressor } from "./compressor.js";

// A real Chromium screenshot and real OCR (tesseract.js with the npm-shipped English data, no download).
// CI installs Debian's chromium in .ci/run; locally the test is skipped when it is missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const require = createRequire(import.meta.url);

const PAGE = `<html><body style="margin:24px;font:15px/1.5 'DejaVu Sans',sans-serif">
<h2>Release checklist</h2>
<p>Before tagging a release, run the full test suite on every supported Node version and confirm that the
changelog lists each user-visible change with a link to its pull request.</p>
<p>Publish packages in dependency order: core first, then router, then the compressors, and the proxy last.
Verify the tarballs install into an empty project and that the command line tool prints its version.</p>
<pre style="font:13px 'DejaVu Sans Mono',monospace">pnpm install --frozen-lockfile
pnpm exec turbo run build test
pnpm changeset publish</pre></body></html>`;

const words = (t: string) => (t.toLowerCase().match(/[a-z0-9][a-z0-9._-]{2,}/g) ?? []).join(" ");
function charRecall(before: string, after: string): number {
  const a = words(before);
  const b = words(after);
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return a.length ? prev[b.length]! / a.length : 1;
}
const mapStore = (): Store => {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), put: async (k, v) => void m.set(k, v), has: async (k) => m.has(k), delete: async (k) => m.delete(k) };
};

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)("legibility on a Chromium screenshot (OCR)", () => {
  it("a 2× screenshot: ≥ 50% fewer tokens for Anthropic and Gemini, OCR char recall ≥ 95%", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    let png: Buffer;
    try {
      const ctx = await browser.newContext({ viewport: { width: 1000, height: 560 }, deviceScaleFactor: 2 });
      const page = await ctx.newPage();
      await page.setContent(PAGE);
      png = await page.screenshot({ type: "png" });
    } finally {
      await browser.close();
    }
    const worker = await createWorker("eng", OEM.LSTM_ONLY, { langPath: join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int"), gzip: true, cacheMethod: "none" });
    try {
      const read = async (img: Buffer) => (await worker.recognize(await sharp(img).resize({ width: 2000 }).png().toBuffer())).data.text;
      const before = await read(png);
      expect(words(before).length).toBeGreaterThan(200);
      for (const model of ["claude-sonnet-4-5", "gemini-2.5-flash"]) {
        const msgs = [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } }] }];
        const r = await compress(msgs, { model, compressors: [imageCompressor()], store: mapStore() });
        const rep = r.images![0]!;
        expect(1 - rep.tokensAfter / rep.tokensBefore, model).toBeGreaterThanOrEqual(0.5);
        const url: string = (r.messages[0] as any).content[0].image_url.url;
        const recall = charRecall(before, await read(Buffer.from(url.slice(url.indexOf(",") + 1), "base64")));
        expect(recall, model).toBeGreaterThanOrEqual(0.95);
      }
    } finally {
      await worker.terminate();
    }
  });
});
