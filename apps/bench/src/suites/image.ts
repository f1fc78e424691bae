import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { MemoryStore } from "@headroom/ccr";
import { compress, type ImageReport } from "@headroom/core";
import { FINE_PEAK, finePeakDifference, fingerprint, imageCompressor, type ImageCompressorOptions, nearIdentical } from "@headroom/image/node";
import sharp from "sharp";
import type { CorpusCase } from "../corpus.js";
import { charRecall, ocr, ocrWorker, wordRecall } from "../datasets/ocr.js";
import { CHROMIUM, DEVICES, dashboardPage, docPage, launch, photoPage, render, terminalPage, type Shot } from "../datasets/screenshots.js";
import { median } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

/** One model per cost formula. */
const MODELS = [
  ["OpenAI tiles", "gpt-4o"],
  ["OpenAI patches", "gpt-4.1-mini"],
  ["Anthropic", "claude-sonnet-4-5"],
  ["Gemini", "gemini-2.5-flash"],
] as const;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const kb = (n: number) => (n / 1024).toFixed(0);

function pick(cases: CorpusCase[], kind: string, d2: boolean): CorpusCase | undefined {
  return cases.filter((c) => c.kind === kind && c.id.startsWith("d2-") === d2 && (c.content?.length ?? 0) > 3000).sort((a, b) => a.id.localeCompare(b.id))[0];
}

/**
 * Devices to render: `HEADROOM_IMAGE_DEVICES` (comma-separated name prefixes, e.g. `desktop,laptop`)
 * picks a subset — every page type and provider still runs — else `--quick` takes the first two.
 */
function pickDevices(quick: boolean) {
  const want = process.env.HEADROOM_IMAGE_DEVICES?.split(",").map((x) => x.trim()).filter(Boolean);
  if (want?.length) return DEVICES.filter((d) => want.some((w) => d.name.startsWith(w)));
  return quick ? DEVICES.slice(0, 2) : DEVICES;
}

/** `HEADROOM_IMAGE_OPTIONS` (JSON, e.g. `{"minTextPx":9}`): options of the screenshot runs, to compare settings. */
const screenOptions = (): ImageCompressorOptions => JSON.parse(process.env.HEADROOM_IMAGE_OPTIONS ?? "{}") as ImageCompressorOptions;

/** `HEADROOM_IMAGE_SCREENS_ONLY=1`: only the screenshot and photo tables (no duplicate, pair or edge tables). */
const screensOnly = () => process.env.HEADROOM_IMAGE_SCREENS_ONLY === "1";

/** Size of the original region the compressed image shows: the trimmed box when borders were cropped. */
function shownSize(msgs: unknown, width: number): number {
  const note = JSON.stringify(msgs).match(/cropped to (\d+)×(\d+)/);
  return note ? Number(note[1]) : width;
}

async function shots(cases: CorpusCase[], quick: boolean, progress: (l: string, d: number, t: number) => void): Promise<Shot[]> {
  const pages: [string, string][] = [];
  // One text case from each half of the corpus (original and d2-), a terminal capture of a log, a dashboard.
  for (const c of [pick(cases, "text", false), pick(cases, "text", true)]) if (c) pages.push([`doc ${c.id}`, docPage(c)]);
  const log = pick(cases, "logs", false);
  if (log) pages.push([`terminal ${log.id}`, terminalPage(log)]);
  pages.push(["dashboard", dashboardPage()]);
  const devices = pickDevices(quick);
  const { browser, close } = await launch();
  const out: Shot[] = [];
  try {
    let i = 0;
    for (const [name, html] of pages)
      for (const d of devices) {
        progress(`render ${name}`, i++, pages.length * devices.length);
        out.push({ name, device: d.name, kind: "screenshot", png: await render(browser, html, d) });
      }
    for (const [seed, w, h] of [[7, 1600, 1000], [11, 1200, 1600]] as const)
      out.push({ name: `photo-like ${w}×${h} (synthetic)`, device: "canvas", kind: "photo", png: await sharp(await render(browser, photoPage(seed, w, h), { name: "", width: w, height: h, scale: 1 })).jpeg({ quality: 90 }).toBuffer() });
  } finally {
    await close();
  }
  return out;
}

const one = (b64: string, type: string) => [{ role: "user", content: [{ type: "text", text: "What does this show?" }, { type: "image_url", image_url: { url: `data:${type};base64,${b64}` } }] }];
const imageOut = (msgs: unknown): Buffer => {
  const url = (msgs as { content: { image_url?: { url: string } }[] }[])[0]!.content[1]!.image_url!.url;
  return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
};

async function edgeCases(): Promise<Table> {
  const solid = (w: number, h: number, c: string) => sharp({ create: { width: w, height: h, channels: 3, background: c } });
  const frame = (c: string) => sharp({ create: { width: 600, height: 400, channels: 4, background: c } }).png().toBuffer();
  const list: [string, string, () => Promise<Buffer>][] = [
    ["1×1 PNG", "image/png", () => solid(1, 1, "#000").png().toBuffer()],
    ["huge 8000×6000 PNG", "image/png", () => solid(8000, 6000, "#dde3ea").png().toBuffer()],
    ["transparent PNG", "image/png", () => sharp({ create: { width: 1800, height: 1200, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.3 } } }).png().toBuffer()],
    ["animated GIF", "image/gif", async () => sharp([await frame("#f00"), await frame("#0f0"), await frame("#00f")], { join: { animated: true } }).gif().toBuffer()],
    ["CMYK JPEG", "image/jpeg", () => solid(2400, 1600, "#3366cc").toColourspace("cmyk").jpeg().toBuffer()],
    ["corrupt bytes", "image/png", async () => Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d4948445200000400000003000802", "hex"), Buffer.alloc(4096, 7)])],
    ["zero bytes", "image/png", async () => Buffer.alloc(0)],
    ["100 MB", "image/png", async () => Buffer.alloc(100 * 1024 * 1024)],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, type, make] of list) {
    const b64 = (await make()).toString("base64");
    const r = await compress(one(b64, type), { model: "claude-sonnet-4-5", compressors: [imageCompressor()], store: new MemoryStore() });
    const rep = r.images![0]!;
    rows.push([name, rep.status, `${rep.tokensBefore} → ${rep.tokensAfter}`, `${kb(rep.bytesBefore)} → ${kb(rep.bytesAfter)}`, rep.reason ?? rep.transforms.join(", ")]);
  }
  return { title: "Edge cases (sharp-generated; claude-sonnet-4-5)", columns: ["image", "status", "tokens", "KB", "reason / transforms"], rows };
}

async function duplicates(shot: Shot): Promise<Table> {
  const b64 = shot.png.toString("base64");
  const jpg = (await sharp(shot.png).jpeg({ quality: 90 }).toBuffer()).toString("base64");
  const turn = (data: string, type: string) => ({ role: "user", content: [{ type: "image_url", image_url: { url: `data:${type};base64,${data}` } }] });
  const msgs = [turn(b64, "image/png"), { role: "assistant", content: "Clicked." }, turn(b64, "image/png"), { role: "assistant", content: "Clicked." }, turn(jpg, "image/jpeg")];
  const rows = [];
  for (const [label, model] of MODELS) {
    const r = await compress(msgs, { model, compressors: [imageCompressor()], store: new MemoryStore() });
    const before = r.images!.reduce((s, i) => s + i.tokensBefore, 0);
    const after = r.images!.reduce((s, i) => s + i.tokensAfter, 0);
    rows.push([label, before, after, pct(1 - after / before), r.images!.map((i) => i.transforms.find((t) => t.includes("duplicate")) ?? i.transforms.filter((t) => t !== "fit-provider-limit")[0] ?? i.status).join(" / ")]);
  }
  return { title: `Duplicates (default options): the same screenshot 3× (3rd re-encoded as JPEG) — ${shot.name}, ${shot.device}`, columns: ["provider", "image tokens before", "after (incl. reference text)", "saved", "per image"], rows };
}

/**
 * Near-duplicate decision on rendered pairs: copies (re-encoded, resized) must be references; screens of
 * the same app where any text changed must not. Prints the coarse pre-filter (hash bits, block) and the
 * fine check's peak against FINE_PEAK.
 */
async function nearDuplicatePairs(cases: CorpusCase[]): Promise<Table> {
  const clock = (html: string, t: string) => html.replace("</body>", `<div style="position:fixed;top:8px;right:16px;font:12px sans-serif;color:#fff;background:#24292f">${t}</div></body>`);
  const dash = dashboardPage();
  const [docA, docB, log] = [pick(cases, "text", false), pick(cases, "text", true), pick(cases, "logs", false)];
  const { browser, close } = await launch();
  const rows: (string | number)[][] = [];
  try {
    for (const d of DEVICES.slice(0, 2)) {
      const shot = (h: string) => render(browser, h, d);
      const base = await shot(clock(dash, "12:04"));
      const w = d.width * d.scale;
      const pairs: [string, string, Buffer, Buffer][] = [
        ["copy", "JPEG q75 re-encode", base, await sharp(base).jpeg({ quality: 75 }).toBuffer()],
        ["copy", "resized to 90%", base, await sharp(base).resize(Math.round(w * 0.9)).png().toBuffer()],
        ["copy", "resized to 75%, WebP q80", base, await sharp(base).resize(Math.round(w * 0.75)).webp({ quality: 80 }).toBuffer()],
        ["changed", "clock 12:04 → 12:05", base, await shot(clock(dash, "12:05"))],
        ["changed", "KPI 48,213 → 48,219", base, await shot(clock(dash.replace("48,213", "48,219"), "12:04"))],
        ["changed", "one status healthy → degraded", base, await shot(clock(dash.replace(/healthy/, "degraded"), "12:04"))],
        ["changed", "version v2.0.0 → v2.0.1", base, await shot(clock(dash.replace("v2.0.0", "v2.0.1"), "12:04"))],
      ];
      if (docA && docB) pairs.push(["changed", "two doc pages, same template", await shot(docPage(docA)), await shot(docPage(docB))]);
      if (log) pairs.push(["changed", "terminal, one more line (scrolled)", await shot(terminalPage(log)), await shot(terminalPage({ ...log, content: `03-17 16:13:38.800  1702  2395 D WindowManager: one more line\n${log.content}` }))]);
      for (const [want, name, a, b] of pairs) {
        const lim = { maxPixels: 1e8 };
        const [fa, fb] = [await fingerprint(a, lim), await fingerprint(b, lim)];
        let bits = 0;
        for (let i = 0; i < 256; i++) bits += fa.dhash[i] === fb.dhash[i] ? 0 : 1;
        const coarse = nearIdentical(fa, fb);
        const peak = await finePeakDifference(a, b, lim);
        const ref = coarse && peak <= FINE_PEAK;
        rows.push([d.name, want, name, bits, coarse ? "passes" : "fails", peak, ref ? "reference" : "kept", (want === "copy") === ref ? "ok" : want === "copy" ? "missed copy" : "FALSE POSITIVE"]);
      }
    }
  } finally {
    await close();
  }
  return { title: `Near duplicates: rendered pairs (dashboard, docs, terminal), fine peak limit ${FINE_PEAK}`, columns: ["device", "pair", "change", "hash bits", "coarse check (old rule alone)", "fine peak", "decision", "verdict"], rows, notes: ["The coarse check alone (hash ≤ 64 bits, no 8×8 block > 10 grey levels) was the old rule: it passes every changed screen of the same app. The fine check (grey grid ≤ 1024 px, light blur, peak difference) separates them."] };
}

export const suite: BenchSuite = {
  name: "image",
  description: "image tokens per provider on Chromium screenshots and photos; OCR legibility (tesseract.js)",
  async run(ctx) {
    // Screenshots need Debian's chromium; without it the suite says so instead of failing the whole bench.
    if (!existsSync(CHROMIUM)) return { tables: [{ title: "Skipped", columns: ["reason"], rows: [[`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`]] }] };
    const all = await shots(ctx.cases, ctx.quick, ctx.progress);
    const worker = await ocrWorker();
    const detail: (string | number)[][] = [];
    const agg = new Map<string, { n: number; tb: number; ta: number; bb: number; ba: number; wr: number[]; cr: number[]; ms: number[] }>();
    const photoAgg = new Map<string, { tb: number; ta: number; how: Set<string> }>();
    const data: unknown[] = [];
    try {
      let step = 0;
      for (const s of all) {
        const meta = await sharp(s.png).metadata();
        const type = s.kind === "photo" ? "image/jpeg" : "image/png";
        const before = s.kind === "screenshot" ? await ocr(worker, s.png) : "";
        const ocrCache = new Map<string, string>();
        for (const [label, model] of MODELS) {
          ctx.progress(`image ${s.name} ${s.device} ${model}`, step++, all.length * MODELS.length);
          const t0 = performance.now();
          const r = await compress(one(s.png.toString("base64"), type), { model, compressors: [imageCompressor(screenOptions())], store: new MemoryStore() });
          const ms = performance.now() - t0;
          const rep: ImageReport = r.images![0]!;
          const out = imageOut(r.messages);
          const om = await sharp(out).metadata();
          if (s.kind === "photo") {
            const p = photoAgg.get(label) ?? { tb: 0, ta: 0, how: new Set<string>() };
            p.tb += rep.tokensBefore;
            p.ta += rep.tokensAfter;
            for (const t of rep.transforms) p.how.add(t);
            photoAgg.set(label, p);
            continue;
          }
          const key = createHash("sha256").update(out).digest("hex");
          const after = ocrCache.get(key) ?? (await ocr(worker, out, shownSize(r.messages, meta.width!)));
          ocrCache.set(key, after);
          const wr = wordRecall(before, after);
          const cr = charRecall(before, after);
          const a = agg.get(label) ?? { n: 0, tb: 0, ta: 0, bb: 0, ba: 0, wr: [], cr: [], ms: [] };
          Object.assign(a, { n: a.n + 1, tb: a.tb + rep.tokensBefore, ta: a.ta + rep.tokensAfter, bb: a.bb + rep.bytesBefore, ba: a.ba + rep.bytesAfter });
          a.wr.push(wr);
          a.cr.push(cr);
          a.ms.push(ms);
          agg.set(label, a);
          detail.push([s.name, s.device, model, `${meta.width}×${meta.height} → ${om.width}×${om.height}`, `${rep.tokensBefore} → ${rep.tokensAfter}`, pct(1 - rep.tokensAfter / rep.tokensBefore), `${kb(rep.bytesBefore)} → ${kb(rep.bytesAfter)}`, wr.toFixed(3), cr.toFixed(3)]);
          data.push({ page: s.name, device: s.device, model, tokensBefore: rep.tokensBefore, tokensAfter: rep.tokensAfter, bytesBefore: rep.bytesBefore, bytesAfter: rep.bytesAfter, wordRecall: wr, charRecall: cr, ms, transforms: rep.transforms });
        }
      }
    } finally {
      await worker.terminate();
    }
    const summary: (string | number)[][] = [...agg].map(([label, a]) => [label, a.n, a.tb, a.ta, pct(1 - a.ta / a.tb), `${kb(a.bb)} → ${kb(a.ba)}`, (a.wr.reduce((x, y) => x + y, 0) / a.n).toFixed(3), (a.cr.reduce((x, y) => x + y, 0) / a.n).toFixed(3), Math.min(...a.cr).toFixed(3), median(a.ms).toFixed(0)]);
    const photos: (string | number)[][] = [...photoAgg].map(([label, p]) => [label, p.tb, p.ta, pct(1 - p.ta / p.tb), [...p.how].join(", ")]);
    const firstShot = all.find((s) => s.kind === "screenshot" && s.device.includes("@1x")) ?? all[0]!;
    return {
      tables: [
        { title: "Screenshots per provider (default options, MemoryStore attached)", columns: ["provider", "images", "tokens before", "tokens after", "saved", "KB before → after", "word recall (mean)", "char recall (mean)", "char recall (min)", "p50 ms / image"], rows: summary, notes: ["Goal: ≥ 50% fewer image tokens per provider at ≥ 95% recall. Recall: tesseract.js OCR of the compressed image brought back to the original width, against OCR of the original. Tokens after include the marker note's text tokens."] },
        { title: "Photo-like images (synthetic fractal noise drawn by Chromium, JPEG)", columns: ["provider", "tokens before", "tokens after", "saved", "transforms"], rows: photos, notes: ["Goal: ≥ 70% fewer at the provider's low-detail equivalent (OpenAI tile models: detail low; others have no detail switch and get its size, a 512-px long edge, when the question needs no detail)."] },
        { title: "Every screenshot", columns: ["page", "device", "model", "pixels", "tokens", "saved", "KB", "word recall", "char recall"], rows: detail },
        ...(screensOnly() ? [] : [await duplicates(firstShot), await nearDuplicatePairs(ctx.cases), await edgeCases()]),
      ],
      data,
    };
  },
};
