import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { MONO_SCORE, measureText } from "./analyze.js";
import { planSize, DEFAULT_RULES } from "./plan.js";

// Our own fixtures: text drawn by sharp (Pango) in a monospaced and a proportional font, dark on white.
const LOG = Array.from({ length: 14 }, (_, i) => `03-17 16:13:${10 + i}.8${i}1  1702  23${i}5 D Service${i}: value=${i * 37} state=ok`).join("\n");
const PROSE = [
  "Before tagging a release, run the full test suite on every supported",
  "Node version and confirm that the changelog lists each user-visible",
  "change with a link to its pull request. Publish packages in order:",
  "core first, then the router, then the compressors, the proxy last.",
  "Verify that the tarballs install into an empty project and that the",
  "command line tool prints its version and exits without an error.",
  "Keep the release notes short; a reader wants to know what changed,",
  "why it changed, and what they have to do about it, in that order.",
].join("\n");

async function gray(text: string, font: string): Promise<{ data: Uint8Array; w: number; h: number }> {
  const glyphs = await sharp({ text: { text, font, dpi: 96, spacing: 6 } }).png().toBuffer();
  // Pango draws white ink on black: negate to dark text on white, with a margin like a page.
  const { data, info } = await sharp(glyphs).negate().extend({ top: 24, bottom: 24, left: 40, right: 40, background: "#ffffff" }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), w: info.width, h: info.height };
}

describe("monospace detection", () => {
  it("scores a monospaced log above the threshold and the same log in a proportional font below it", async () => {
    const mono = await gray(LOG, "DejaVu Sans Mono 10");
    const sans = await gray(LOG, "DejaVu Sans 10");
    const m = measureText(mono.data, mono.w, mono.h);
    const s = measureText(sans.data, sans.w, sans.h);
    expect(m.textHeight).toBeGreaterThan(0);
    expect(m.monoScore).toBeGreaterThanOrEqual(MONO_SCORE);
    expect(s.monoScore).toBeLessThan(MONO_SCORE);
  });

  it("prose in a proportional font is not monospaced; the same prose in a monospaced font is", async () => {
    const sans = await gray(PROSE, "DejaVu Sans 11");
    const mono = await gray(PROSE, "DejaVu Sans Mono 11");
    expect(measureText(sans.data, sans.w, sans.h).monoScore).toBeLessThan(MONO_SCORE);
    expect(measureText(mono.data, mono.w, mono.h).monoScore).toBeGreaterThanOrEqual(MONO_SCORE);
  });

  it("keeps monospaced text at minMonoTextPx: a smaller scale floor than prose of the same height", () => {
    const facts = { width: 2880, height: 1800, kind: "screenshot" as const, textHeight: 20 };
    const prose = planSize("gemini-2.5-flash", facts, undefined, undefined, DEFAULT_RULES, true);
    const mono = planSize("gemini-2.5-flash", { ...facts, monospace: true }, undefined, undefined, DEFAULT_RULES, true);
    expect((prose.width / 2880) * 20).toBeGreaterThanOrEqual(DEFAULT_RULES.minTextPx);
    expect((mono.width / 2880) * 20).toBeGreaterThanOrEqual(DEFAULT_RULES.minMonoTextPx);
    expect(mono.tokensAfter).toBeGreaterThan(prose.tokensAfter);
  });
});
