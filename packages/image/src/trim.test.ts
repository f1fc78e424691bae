import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { compress, type Store } from "@headroom/core";
import { imageCompressor } from "./compressor.js";
import { contentBox, findContentBox, TRIM_MAX_PIXELS, TRIM_TOLERANCE } from "./trim.js";

/** Raw RGB of `w×h` in `bg`, with `ink` pixels set. */
function raw(w: number, h: number, bg: number, ink: [number, number, number][]): Uint8Array {
  const px = new Uint8Array(w * h * 3).fill(bg);
  for (const [x, y, v] of ink) px.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return px;
}
const block = (x0: number, y0: number, x1: number, y1: number, v = 0): [number, number, number][] => {
  const out: [number, number, number][] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push([x, y, v]);
  return out;
};
const mapStore = (): Store => {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), put: async (k, v) => void m.set(k, v), has: async (k) => m.has(k), delete: async (k) => m.delete(k) };
};

describe("findContentBox", () => {
  it("crops the uniform margins and keeps the padding around the content", () => {
    const box = findContentBox(raw(400, 300, 255, block(100, 50, 200, 120)), 400, 300, 3, TRIM_TOLERANCE, 4);
    expect(box).toEqual({ left: 96, top: 46, width: 108, height: 78 });
  });
  it("never crops a 1-px line just above the tolerance near the edge", () => {
    const faint = 255 - TRIM_TOLERANCE - 1;
    const line: [number, number, number][] = Array.from({ length: 30 }, (_, i) => [397, 200 + i, faint]);
    const box = findContentBox(raw(400, 300, 255, [...block(100, 50, 200, 120), ...line]), 400, 300, 3, TRIM_TOLERANCE, 4)!;
    expect(box.left + box.width).toBe(400);
    expect(box.top + box.height).toBeGreaterThanOrEqual(230);
  });
  it("treats noise within the tolerance as background", () => {
    const noise: [number, number, number][] = Array.from({ length: 50 }, (_, i) => [(i * 37) % 400, (i * 53) % 300, 255 - (i % TRIM_TOLERANCE)]);
    expect(findContentBox(raw(400, 300, 255, [...noise, ...block(100, 50, 200, 120)]), 400, 300, 3, TRIM_TOLERANCE, 0)).toEqual({ left: 100, top: 50, width: 100, height: 70 });
  });
  it("leaves one-colour images and images without borders alone", () => {
    expect(findContentBox(raw(50, 40, 30, []), 50, 40, 3)).toBeUndefined();
    expect(findContentBox(raw(50, 40, 255, [[0, 0, 0], [49, 39, 0]]), 50, 40, 3)).toBeUndefined();
  });
  it("keeps a bar of another colour that spans the content width (each side's colour is fixed)", () => {
    // A dark bar on rows 10–11 across the content columns only: after the side crop it spans the remaining width.
    const px = raw(100, 60, 255, [...block(20, 10, 80, 12, 40), ...block(20, 20, 80, 40)]);
    const box = findContentBox(px, 100, 60, 3, TRIM_TOLERANCE, 0)!;
    expect(box.top).toBe(10);
  });
});

describe("trim in the compressor", () => {
  // A desktop-width page whose text sits in a narrow column, with one short thin line at the far bottom right.
  async function page(edgeX: number): Promise<Buffer> {
    const lines = Array.from({ length: 24 }, (_, i) => `<text x="40" y="${40 + i * 22}" font-family="DejaVu Sans" font-size="14">line ${i}: the deployment of service ${i * 7} finished with status ok</text>`).join("");
    const edge = `<text x="${edgeX}" y="1494" font-family="DejaVu Sans" font-size="9" fill="#555">v1.2.3</text>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2480" height="1500"><rect width="100%" height="100%" fill="#fff"/>${lines}${edge}</svg>`;
    return sharp(Buffer.from(svg)).png().toBuffer();
  }
  it("a thin line of text at the edge stops the crop", async () => {
    const box = (await contentBox(await page(2440), { maxPixels: 1e8 }))!;
    expect(box.left + box.width).toBe(2480);
    expect(box.top + box.height).toBe(1500);
  });
  it("reports trim, states the crop box in the note, stores the original", async () => {
    const png = await page(40);
    const box = (await contentBox(png, { maxPixels: 1e8 }))!;
    expect(box.width).toBeLessThan(800); // the empty right half is gone
    expect(box.top + box.height).toBe(1500); // the thin bottom line is kept
    const store = mapStore();
    const msgs = [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } }] }];
    const plain = await compress(msgs, { model: "claude-sonnet-4-5", compressors: [imageCompressor({ trim: false })], store: mapStore() });
    const r = await compress(msgs, { model: "claude-sonnet-4-5", compressors: [imageCompressor()], store });
    const rep = r.images![0]!;
    expect(rep.transforms).toContain("trim");
    expect(rep.tokensAfter).toBeLessThanOrEqual(plain.images![0]!.tokensAfter);
    const note = JSON.stringify(r.messages).match(/cropped to (\d+)×(\d+) at \((\d+),(\d+)\).*?hash=([0-9a-f]{24})/)!;
    expect(Number(note[1])).toBe(box.width);
    expect(await store.get(note[5]!)).toContain(png.toString("base64").slice(0, 200));
  });
  it("does not crop without a store (cropping is lossy)", async () => {
    const png = await page(40);
    const msgs = [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } }] }];
    const r = await compress(msgs, { model: "claude-sonnet-4-5", compressors: [imageCompressor()] });
    expect(r.images![0]!.transforms).not.toContain("trim");
  });
});

describe("contentBox limits", () => {
  it("does not scan images above TRIM_MAX_PIXELS", async () => {
    const side = Math.ceil(Math.sqrt(TRIM_MAX_PIXELS)) + 1;
    const big = await sharp({ create: { width: side, height: side, channels: 3, background: "#fff" } }).composite([{ input: { create: { width: 50, height: 50, channels: 3, background: "#000" } }, left: 10, top: 10 }]).png({ compressionLevel: 1 }).toBuffer();
    expect(await contentBox(big, { maxPixels: 1e8 })).toBeUndefined();
    const small = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#fff" } }).composite([{ input: { create: { width: 50, height: 50, channels: 3, background: "#000" } }, left: 10, top: 10 }]).png().toBuffer();
    expect(await contentBox(small, { maxPixels: 1e8 })).toEqual({ left: 6, top: 6, width: 58, height: 58 });
  });
});
