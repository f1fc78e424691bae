// `headroom compress` on messages with image parts: @headroom/image installed where the user runs it is
// discovered, and the image comes back smaller with its original in the store.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import { memoryIO } from "./testing.js";

/** A real RGB PNG: a light page with lines of stroke "glyphs" (28 px high), written with zlib only. */
function pagePng(w: number, h: number): Buffer {
  const stride = w * 3 + 1;
  const rows = Buffer.alloc(stride * h, 0xf4);
  let seed = 11;
  for (let y = 0; y < h; y++) {
    rows[y * stride] = 0;
    for (let x = 0; x < w && y % 56 < 28; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      if ((x % 9 < 2 || (y % 56) % 9 < 2) && seed >>> 29 < 6) rows.fill(0x30 + (seed & 0x3f), y * stride + 1 + x * 3, y * stride + 4 + x * 3);
    }
  }
  const chunk = (type: string, d: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(d.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), d]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([head, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 1 })), chunk("IEND", Buffer.alloc(0))]);
}

describe("headroom compress with @headroom/image installed", () => {
  it("shrinks a base64 image part of a Claude conversation and stores the original", async () => {
    const a = memoryIO();
    mkdirSync(join(a.cwd, "node_modules", "@headroom"), { recursive: true });
    symlinkSync(resolve(__dirname, "../../../packages/image"), join(a.cwd, "node_modules", "@headroom", "image"), "dir");
    const data = pagePng(2400, 1600).toString("base64");
    const messages = [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }, { type: "text", text: "What does the page say?" }] }];
    writeFileSync(join(a.cwd, "conv.json"), JSON.stringify({ model: "claude-sonnet-4-5", messages }));
    expect(await main(["compress", "conv.json", "--json", "--model", "claude-sonnet-4-5", "--store", join(a.cwd, "ccr.sqlite")], a)).toBe(0);
    const out = JSON.parse(a.out);
    expect(out.images).toHaveLength(1);
    expect(out.images[0]).toMatchObject({ status: "compressed", compressor: "image" });
    expect(out.images[0].tokensAfter).toBeLessThan(out.images[0].tokensBefore / 2);
    const block = out.messages[0].content[0];
    expect(block.type).toBe("image");
    // Lossless WebP for screenshots (@headroom/image): this noisy fixture loses more tokens than bytes.
    expect(block.source.data.length).toBeLessThan(data.length * 0.8);
    expect(out.messages[0].content[1].text).toMatch(/Retrieve more: hash=[0-9a-f]{24}\]$/);
    expect(out.ccrHashes).toHaveLength(1);

    const b = memoryIO();
    Object.assign(b, { cwd: a.cwd });
    expect(await main(["compress", "conv.json", "--model", "claude-sonnet-4-5", "--store", join(a.cwd, "ccr.sqlite")], b)).toBe(0);
    expect(b.out).toMatch(/ {2}images: 1, \d+ → \d+ image tokens \(1 compressed\)/);
  });
});
