import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { compress, type ImageReport, type Store } from "@headroom/core";
import { imageCompressor } from "./compressor.js";
import { imageRetrieveContent } from "./info.js";

function mapStore(): Store & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, get: async (k) => map.get(k), put: async (k, v) => void map.set(k, v), has: async (k) => map.has(k), delete: async (k) => map.delete(k) };
}
const chat = (...images: { b64: string; type?: string; detail?: string }[]) => [
  { role: "user", content: [{ type: "text", text: "what is on the screen?" }, ...images.map((i) => ({ type: "image_url", image_url: { url: `data:${i.type ?? "image/png"};base64,${i.b64}`, ...(i.detail ? { detail: i.detail } : {}) } }))] },
];
const only = (r: { images?: ImageReport[] }) => r.images![0]!;

/** A text-heavy "screenshot" drawn by sharp (SVG text through librsvg): lines of 14-px text on white. */
async function textImage(width: number, height: number, lines: string[], scale = 1, background = "#fff"): Promise<Buffer> {
  const body = lines.map((l, i) => `<text x="${20 * scale}" y="${(30 + i * 22) * scale}" font-family="DejaVu Sans" font-size="${14 * scale}">${l}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
const LINES = Array.from({ length: 30 }, (_, i) => `line ${i}: the deployment of service number ${i * 7} finished with status ok`);

describe("bad images are left unchanged with a reason", () => {
  const cases: [string, () => Promise<{ b64: string; type?: string }>, RegExp][] = [
    ["zero bytes", async () => ({ b64: "" }), /empty image/],
    ["corrupt bytes behind a PNG signature", async () => ({ b64: Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452000004000000030008020000", "hex"), Buffer.alloc(5000, 7)]).toString("base64") }), /left unchanged: .+/],
    ["unsupported type (SVG)", async () => ({ b64: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>").toString("base64"), type: "image/svg+xml" }), /unsupported or corrupt/],
    ["100 MB", async () => ({ b64: Buffer.alloc(100 * 1024 * 1024).toString("base64") }), /too large \(100\.0 MB > 20\.0 MB\)/],
    [
      "animated GIF",
      async () => {
        const f = (c: string) => sharp({ create: { width: 600, height: 400, channels: 4, background: c } }).png().toBuffer();
        return { b64: (await sharp([await f("#f00"), await f("#0f0"), await f("#00f")], { join: { animated: true } }).gif().toBuffer()).toString("base64"), type: "image/gif" };
      },
      /animated image \(3 frames\)/,
    ],
  ];
  for (const [name, make, reason] of cases)
    it(name, async () => {
      const msgs = chat(await make());
      const r = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
      expect(r.messages).toBe(msgs);
      expect(only(r).status).toBe("unchanged");
      expect(only(r).reason).toMatch(reason);
    });
});

describe("floors", () => {
  it("a 1×1 image: under the pipeline's minTokens (priced from its header, never decoded), else under our floor", async () => {
    const msgs = chat({ b64: (await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } }).png().toBuffer()).toString("base64") });
    const r = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    expect(r.messages).toBe(msgs);
    expect(only(r)).toMatchObject({ status: "skipped", reason: "below minTokens", tokensBefore: 1 });
    const r2 = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5", minTokens: 0 });
    expect(only(r2)).toMatchObject({ status: "unchanged", reason: "image: under the floor (1 < 150 tokens)" });
  });
});

describe("imageTokens: the price from the header alone", () => {
  it("prices PNG and JPEG (also behind a 100 KB APP segment), and nothing for bytes that are no image", async () => {
    const c = imageCompressor();
    const unit = (data: string, mediaType = "image/png") => ({ id: "x", kind: "image" as const, role: "user" as const, messageIndex: 0, ordinal: 0, mediaType, data });
    const png = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: "#fff" } }).png().toBuffer();
    expect(c.imageTokens!(unit(png.toString("base64")), "claude-sonnet-4-5")).toBe(1334);
    const jpg = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: "#fff" } }).jpeg().toBuffer();
    // SOI, then a 100 KB COM segment (in two parts: a segment holds ≤ 65533 bytes), then the rest.
    const com = (n: number) => Buffer.concat([Buffer.from([0xff, 0xfe, (n + 2) >> 8, (n + 2) & 0xff]), Buffer.alloc(n, 0x20)]);
    const padded = Buffer.concat([jpg.subarray(0, 2), com(60000), com(40000), jpg.subarray(2)]);
    expect(c.imageTokens!(unit(padded.toString("base64"), "image/jpeg"), "claude-sonnet-4-5")).toBe(1334);
    expect(c.imageTokens!(unit(Buffer.alloc(4096, 7).toString("base64")), "gpt-4o")).toBeUndefined();
    expect(c.imageTokens!(unit(""), "gpt-4o")).toBeUndefined();
  });
});

describe("sharp-generated edge cases that are handled", () => {
  it("huge image: downscaled to what Anthropic keeps (same tokens, far fewer bytes), lossless without a note", async () => {
    const png = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: "#e0e4ea" } }).png().toBuffer();
    const r = await compress(chat({ b64: png.toString("base64") }), { compressors: [imageCompressor()], model: "claude-sonnet-4-5" });
    const part = (r.messages[0] as any).content[1];
    const out = Buffer.from(part.image_url.url.split(",")[1], "base64");
    const m = await sharp(out).metadata();
    expect(Math.max(m.width!, m.height!)).toBeLessThanOrEqual(1568);
    expect(only(r).transforms).toContain("fit-provider-limit");
    expect((r.messages[0] as any).content).toHaveLength(2); // no marker note: nothing the model would see was lost
  });

  it("transparent PNG keeps its alpha (never JPEG)", async () => {
    const png = await textImage(1400, 900, LINES, 1, "rgba(255,255,255,0.4)");
    const r = await compress(chat({ b64: png.toString("base64") }), { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    const url: string = (r.messages[0] as any).content[1].image_url.url;
    expect(url).not.toMatch(/^data:image\/jpeg/);
    expect((await sharp(Buffer.from(url.split(",")[1]!, "base64")).metadata()).hasAlpha).toBe(true);
  });

  it("CMYK JPEG with EXIF comes out as sRGB without metadata", async () => {
    const jpg = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: "#3366cc" } }).toColourspace("cmyk").withExif({ IFD0: { Copyright: "someone", Software: "camera 1.0" } }).jpeg().toBuffer();
    expect((await sharp(jpg).metadata()).exif).toBeDefined();
    const r = await compress(chat({ b64: jpg.toString("base64"), type: "image/jpeg" }), { compressors: [imageCompressor()], store: mapStore(), model: "gpt-4o" });
    expect(only(r).status).toBe("compressed");
    const url: string = (r.messages[0] as any).content[1].image_url.url;
    const out = await sharp(Buffer.from(url.split(",")[1]!, "base64")).metadata();
    expect(out.space).toBe("srgb");
    expect(out.exif).toBeUndefined(); // metadata stripped
  });
});

describe("screenshots: legibility-bounded downscale, reversible, deterministic", () => {
  it("a 2× text screenshot loses ≥ 50% of its tokens for each provider, the original stored", async () => {
    const png = await textImage(2560, 1600, LINES, 2);
    for (const model of ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"]) {
      const store = mapStore();
      const msgs = chat({ b64: png.toString("base64") });
      const r = await compress(msgs, { compressors: [imageCompressor()], store, model });
      const rep = only(r);
      expect(rep.status, model).toBe("compressed");
      expect(1 - rep.tokensAfter / rep.tokensBefore, model).toBeGreaterThanOrEqual(0.5);
      const note = (r.messages[0] as any).content[2].text as string;
      const key = /hash=([a-f0-9]{24})/.exec(note)![1]!;
      expect(store.map.get(key)).toBe((msgs[0]!.content[1] as { image_url: { url: string } }).image_url.url);
      const again = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model });
      expect(JSON.stringify(again.messages)).toBe(JSON.stringify(r.messages));
    }
  });

  it("maxTokensPerImage caps the cost; bias > 1 shrinks further than the default", async () => {
    const png = await textImage(2560, 1600, LINES, 2);
    const b64 = png.toString("base64");
    const capped = await compress(chat({ b64 }), { compressors: [imageCompressor({ maxTokensPerImage: 300 })], store: mapStore(), model: "claude-sonnet-4-5" });
    expect(only(capped).tokensAfter).toBeLessThanOrEqual(300 + 60); // + the marker note's text tokens
    const normal = await compress(chat({ b64 }), { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    const biased = await compress(chat({ b64 }), { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5", bias: 1.5 });
    expect(only(biased).tokensAfter).toBeLessThan(only(normal).tokensAfter);
  });

  it("a downscaled screenshot is encoded lossless unless lossyScreenshots (tokens do not depend on bytes)", async () => {
    const b64 = (await textImage(2560, 1600, LINES, 2)).toString("base64");
    const plain = only(await compress(chat({ b64 }), { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" }));
    expect(plain.transforms).toContain("downscale-legible");
    expect(plain.transforms.at(-1)).toBe("encode-webp-lossless");
    const lossy = only(await compress(chat({ b64 }), { compressors: [imageCompressor({ lossyScreenshots: true })], store: mapStore(), model: "claude-sonnet-4-5" }));
    expect(lossy.tokensAfter).toBe(plain.tokensAfter);
    expect(lossy.bytesAfter).toBeLessThan(plain.bytesAfter);
    expect(lossy.transforms.at(-1)).toMatch(/^encode-(webp|jpeg)-q85$/);
  });

  it("without a store only lossless changes happen (no marker, no lossy encoding)", async () => {
    const png = await textImage(2560, 1600, LINES, 2);
    const r = await compress(chat({ b64: png.toString("base64") }), { compressors: [imageCompressor()], model: "gpt-4o" });
    expect((r.messages[0] as any).content).toHaveLength(2);
    expect(only(r).transforms).toEqual(["fit-provider-limit", "encode-webp-lossless"]);
    expect(only(r).tokensAfter).toBe(only(r).tokensBefore);
  });

  it("keeps the event loop responsive: sharp work runs on the libuv pool", async () => {
    const png = await textImage(2880, 1800, LINES, 2);
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    await compress(chat({ b64: png.toString("base64") }), { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    h.disable();
    // Only our own JS (text measurement on ≤ 1.3 MP, base64, hashing) runs on the loop.
    expect(h.max / 1e6).toBeLessThan(400);
  });
});

describe("time budget", () => {
  it("past the pipeline's timeBudgetMs the image is left unchanged (reported), and the loop never stalls", async () => {
    const png = await textImage(2880, 1800, LINES, 2);
    const msgs = chat({ b64: png.toString("base64") });
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    const r = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5", timeBudgetMs: 20 });
    const wall = performance.now() - t0;
    h.disable();
    expect(r.messages).toBe(msgs);
    expect(only(r).status).toBe("unchanged");
    expect(only(r).reason).toMatch(/cut off at the 20 ms time budget|timed out after 20 ms/);
    // Waiting ends at the budget; what remains is our own JS on the loop (base64, hashing), never sharp.
    expect(wall).toBeLessThan(20 + 400);
    expect(h.max / 1e6).toBeLessThan(400);
  });
});

describe("duplicates and photos", () => {
  it("a later identical copy becomes a short reference; the first stays; prefix-stable", async () => {
    const b64 = (await textImage(1400, 900, LINES)).toString("base64");
    const one = [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${b64}` } }] }];
    const two = [...one, { role: "assistant", content: "ok" }, { role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${b64}` } }] }];
    const opts = { compressors: [imageCompressor()], store: mapStore(), model: "gpt-4o" };
    const r1 = await compress(one, opts);
    const r2 = await compress(two, opts);
    expect(JSON.stringify(r2.messages[0])).toBe(JSON.stringify(r1.messages[0]));
    expect((r2.messages[2] as any).content[0]).toMatchObject({ type: "text" });
    expect((r2.messages[2] as any).content[0].text).toMatch(/^\[image: identical to the earlier image messages\[0\]\.content\[0\] \(1400×900 png\), not repeated. Retrieve more: hash=[a-f0-9]{24}\]$/);
  });

  it("near duplicates (on by default): re-encoded and resized copies are; one changed line or digit is not", async () => {
    const png = await textImage(1400, 900, LINES);
    const jpg = await sharp(png).jpeg({ quality: 90 }).toBuffer();
    const smaller = await sharp(png).resize(1260).webp({ quality: 80 }).toBuffer();
    const changed = await textImage(1400, 900, LINES.map((l, i) => (i === 12 ? "line 12: FAILED — rollback started on node-7" : l)));
    // One digit: the block pre-filter passes it (as it passes JPEG noise); the fine check does not.
    const digit = await textImage(1400, 900, LINES.map((l, i) => (i === 12 ? l.replace("number 84", "number 89") : l)));
    const msgs = chat({ b64: png.toString("base64") }, { b64: jpg.toString("base64"), type: "image/jpeg" }, { b64: smaller.toString("base64"), type: "image/webp" }, { b64: changed.toString("base64") }, { b64: digit.toString("base64") });
    const r = await compress(msgs, { compressors: [imageCompressor()], store: mapStore(), model: "gpt-4o" });
    expect(r.images!.map((i) => i.transforms.includes("near-duplicate-reference"))).toEqual([false, true, true, false, false]);
    const ref = (r.messages[0] as any).content.find((p: any) => p.type === "text" && p.text.includes("nearly identical"));
    expect(ref.text).toMatch(/^\[image: nearly identical to the earlier image messages\[0\]\.content\[1\] \(1400×900 jpeg\), not repeated. Retrieve more: hash=[a-f0-9]{24}\]$/);
    const off = await compress(msgs, { compressors: [imageCompressor({ nearDuplicates: false })], store: mapStore(), model: "gpt-4o" });
    expect(off.images!.some((i) => i.transforms.includes("near-duplicate-reference"))).toBe(false);
  });

  it("OpenAI photos go to detail low (≥ 70% fewer tokens) unless the query asks for detail", async () => {
    // Photo-like: smooth noise, no flat background (a real photo's statistics, not its content).
    const noise = await sharp({ create: { width: 160, height: 100, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } } }).png().toBuffer();
    const photo = await sharp(noise).resize(1600, 1000, { kernel: "cubic" }).blur(3).jpeg({ quality: 90 }).toBuffer();
    const b64 = photo.toString("base64");
    const r = await compress(chat({ b64, type: "image/jpeg" }), { compressors: [imageCompressor()], store: mapStore(), model: "gpt-4o" });
    expect((r.messages[0] as any).content[1].image_url.detail).toBe("low");
    expect(1 - only(r).tokensAfter / only(r).tokensBefore).toBeGreaterThanOrEqual(0.7);
    const asks = [{ role: "user", content: [{ type: "text", text: "read the small text on the sign" }, { type: "image_url", image_url: { url: `data:image/jpeg;base64,${b64}` } }] }];
    const r2 = await compress(asks, { compressors: [imageCompressor()], store: mapStore(), model: "gpt-4o" });
    expect(JSON.stringify(r2.messages)).not.toContain('"detail":"low"');
    const off = await compress(chat({ b64, type: "image/jpeg" }), { compressors: [imageCompressor({ lowDetailPhotos: false })], store: mapStore(), model: "gpt-4o" });
    expect(JSON.stringify(off.messages)).not.toContain('"detail":"low"');
  });

  it("providers without a detail switch get photos at the low-detail size (512-px long edge) unless the query asks for detail", async () => {
    const noise = await sharp({ create: { width: 160, height: 100, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } } }).png().toBuffer();
    const photo = await sharp(noise).resize(1600, 1000, { kernel: "cubic" }).blur(3).jpeg({ quality: 90 }).toBuffer();
    const b64 = photo.toString("base64");
    const anthropic = [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: b64 } }] }];
    const r = await compress(anthropic, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    const sent = await sharp(Buffer.from((r.messages[0] as any).content[0].source.data, "base64")).metadata();
    expect(Math.max(sent.width!, sent.height!)).toBe(512);
    expect(1 - only(r).tokensAfter / only(r).tokensBefore).toBeGreaterThanOrEqual(0.7);
    const asks = [{ role: "user", content: [{ type: "text", text: "read the small text on the sign" }, ...anthropic[0]!.content] }];
    const r2 = await compress(asks, { compressors: [imageCompressor()], store: mapStore(), model: "claude-sonnet-4-5" });
    const kept = await sharp(Buffer.from((r2.messages[0] as any).content[1].source.data, "base64")).metadata();
    expect(Math.max(kept.width!, kept.height!)).toBeGreaterThanOrEqual(768);
  });
});

describe("retrieve answers for stored images", () => {
  it("Anthropic gets an image block; Chat and Responses a sentence with size, never base64", async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#123456" } }).png().toBuffer();
    const value = `data:image/png;base64,${png.toString("base64")}`;
    const a = imageRetrieveContent("0123456789abcdef01234567", value, "anthropic") as any[];
    expect(a[1]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: png.toString("base64") } });
    const t = imageRetrieveContent("0123456789abcdef01234567", value, "openai-chat") as string;
    expect(t).toMatch(/^Original image 0123456789abcdef01234567: 640×480 image\/png, \d+ (B|KB)\./);
    expect(t).not.toContain(png.toString("base64").slice(0, 20));
    expect(imageRetrieveContent("x", "plain text", "anthropic")).toBeUndefined();
  });
});
