import { describe, expect, it } from "vitest";
import { costModelFor, imageCost } from "./cost.js";

describe("OpenAI tile models (documented examples)", () => {
  it("1024×1024 high costs 765 and is seen at 768×768", () => {
    expect(imageCost("gpt-4o", 1024, 1024, "high")).toMatchObject({ tokens: 765, width: 768, height: 768 });
  });
  it("2048×4096 high costs 1105 (1024×2048 → 768×1536, 6 tiles)", () => {
    expect(imageCost("gpt-4o-2024-08-06", 2048, 4096, "high")).toMatchObject({ tokens: 1105, width: 768, height: 1536 });
  });
  it("low detail is the base price at any size", () => {
    expect(imageCost("gpt-4o", 4096, 8192, "low").tokens).toBe(85);
    expect(imageCost("gpt-4.1", 300, 200, "low").tokens).toBe(85);
  });
  it("per-model base and tile prices", () => {
    expect(imageCost("gpt-4o-mini", 1024, 1024, "high").tokens).toBe(2833 + 4 * 5667);
    expect(imageCost("o3", 1024, 1024, "high").tokens).toBe(75 + 4 * 150);
    expect(imageCost("gpt-5", 1024, 1024, "high").tokens).toBe(70 + 4 * 140);
    expect(imageCost("computer-use-preview", 512, 512, "high").tokens).toBe(65 + 129);
  });
  it("a typical 1280×800 screenshot: 1229×768 → 3×2 tiles = 1105", () => {
    expect(imageCost("gpt-4o", 1280, 800, "auto")).toMatchObject({ tokens: 1105, width: 1228, height: 768 });
  });
});

describe("OpenAI patch models (documented examples)", () => {
  it("1024×1024 is 1024 patches, times the model multiplier", () => {
    expect(imageCost("gpt-4.1-mini", 1024, 1024).tokens).toBe(Math.round(1024 * 1.62));
    expect(imageCost("gpt-4.1-nano", 1024, 1024).tokens).toBe(Math.round(1024 * 2.46));
    expect(imageCost("o4-mini", 1024, 1024).tokens).toBe(Math.round(1024 * 1.72));
  });
  it("1800×2400 shrinks to 1056×1408 = 33×44 = 1452 patches", () => {
    const c = imageCost("gpt-5-mini", 1800, 2400);
    expect([c.width, c.height]).toEqual([1056, 1408]);
    expect(c.tokens).toBe(Math.round(1452 * 1.62));
  });
  it("never exceeds 1536 patches", () => {
    expect(imageCost("gpt-4.1-mini", 4000, 1474).tokens).toBeLessThanOrEqual(Math.round(1536 * 1.62));
  });
});

describe("Anthropic (documented examples)", () => {
  it("tokens ≈ w·h/750: 200×200 ≈ 54, 1000×1000 ≈ 1334, 1092×1092 ≈ 1590", () => {
    expect(imageCost("claude-sonnet-4-5", 200, 200).tokens).toBe(54);
    expect(imageCost("claude-3-5-sonnet-20241022", 1000, 1000).tokens).toBe(1334);
    expect(imageCost("anthropic/claude-opus-4-1", 1092, 1092)).toMatchObject({ tokens: 1590, width: 1092, height: 1092 });
  });
  it("downscales above 1568 px long edge or ~1.15 MP", () => {
    const c = imageCost("claude-haiku-4-5", 3000, 2000);
    expect(c.width * c.height).toBeLessThanOrEqual(1092 * 1092);
    expect(c.tokens).toBeLessThanOrEqual(1600);
    expect(imageCost("claude-sonnet-4", 4000, 500).width).toBe(1568);
  });
  it("Bedrock ids pick the Anthropic formula", () => {
    expect(costModelFor("us.anthropic.claude-3-7-sonnet-20250219-v1:0").formula).toBe("anthropic-area");
  });
});

describe("Gemini (documented examples)", () => {
  it("258 for both sides ≤ 384, else 258 per 768-px tile", () => {
    expect(imageCost("gemini-2.0-flash", 384, 384).tokens).toBe(258);
    expect(imageCost("gemini-2.5-pro", 600, 400).tokens).toBe(258);
    expect(imageCost("gemini-2.5-flash", 1920, 1080).tokens).toBe(3 * 2 * 258);
  });
});

describe("model picking", () => {
  it("unknown models get a labelled estimate", () => {
    expect(costModelFor("llama-3.2-vision")).toMatchObject({ provider: "unknown", estimated: true });
    expect(costModelFor("gemini-3-pro-preview").estimated).toBe(true);
    expect(costModelFor("gpt-4o").estimated).toBe(false);
  });
  it("rejects impossible sizes with a clear error", () => {
    expect(() => imageCost("gpt-4o", 0, 10)).toThrow(/positive/);
  });
});
