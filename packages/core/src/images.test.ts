import { describe, expect, it } from "vitest";
import { ccrKey, compress, scanImages, SPECIFICATION_VERSION, type HookV2, type ImageCompressor } from "./index.js";
import { createMapStore } from "./testing/index.js";

// A small real plugin: halves the base64 payload (stands in for a re-encoded image) and stores the original.
const halver: ImageCompressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "halver",
  kinds: [],
  compress: () => null,
  compressImage(u, ctx) {
    const dup = ctx.earlier.find((e) => e.data === u.data);
    if (dup) return { replacement: { kind: "text", text: `[same image as ${dup.id}]` }, lossless: true, tokensBefore: 1000, tokensAfter: 0, estimated: true };
    if (!ctx.reversible) return null;
    const original = `data:${u.mediaType};base64,${u.data}`;
    const key = ccrKey(original);
    return {
      replacement: { kind: "image", mediaType: "image/webp", data: u.data.slice(0, u.data.length / 2), detail: "low" },
      note: `[image downscaled. Retrieve more: hash=${key}]`,
      lossless: false,
      originals: [{ key, content: original }],
      tokensBefore: 1000,
      tokensAfter: 400,
      estimated: false,
    };
  },
};

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk";
const chat = [
  { role: "user", content: [{ type: "text", text: "what is on screen?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
  { role: "assistant", content: "Let me look again." },
  { role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
];

describe("image units", () => {
  it("scans base64 images of all three dialects and never URL images", () => {
    expect(scanImages(chat, "openai-chat").map((f) => [f.unit.id, f.unit.mediaType, f.unit.detail ?? null, f.unit.query])).toEqual([
      ["messages[0].content[1]", "image/png", "high", "what is on screen?"],
      ["messages[2].content[0]", "image/png", null, "what is on screen?"],
    ]);
    const anthropic = [
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "screenshot", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: PNG } }] }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] },
    ];
    expect(scanImages(anthropic, "anthropic").map((f) => [f.unit.id, f.unit.role, f.unit.toolName])).toEqual([["messages[1].content[0].content[0]", "tool", "screenshot"]]);
    const responses = [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }, { type: "input_image", image_url: `data:image/gif;base64,${PNG}`, detail: "auto" }, { type: "input_image", file_id: "file-1" }] }];
    expect(scanImages(responses, "openai-responses").map((f) => [f.unit.id, f.unit.mediaType, f.unit.detail])).toEqual([["input[0].content[1]", "image/gif", "auto"]]);
  });

  it("is off without an image compressor: same objects, no images report", async () => {
    const r = await compress(chat, { roles: ["user"], minTokens: 1 });
    expect(r.messages[0]).toBe(chat[0]);
    expect(r.images).toBeUndefined();
  });

  it("writes replacements in place, adds the marker note, keeps URL images and other messages", async () => {
    const store = createMapStore();
    const before = JSON.stringify(chat);
    const r = await compress(chat, { compressors: [halver], store });
    expect(JSON.stringify(chat)).toBe(before);
    expect(r.messages[1]).toBe(chat[1]);
    const parts = (r.messages[0] as { content: any[] }).content;
    expect(parts.map((p) => p.type)).toEqual(["text", "image_url", "text", "image_url"]);
    expect(parts[1].image_url).toEqual({ url: `data:image/webp;base64,${PNG.slice(0, PNG.length / 2)}`, detail: "low" });
    expect(parts[2].text).toMatch(/hash=[a-f0-9]{24}/);
    expect(parts[3]).toBe(chat[0]!.content[2]);
    expect((r.messages[2] as { content: any[] }).content).toEqual([{ type: "text", text: "[same image as messages[0].content[1]]" }]);
    expect(store.map.get(r.images![0]!.ccrHashes[0]!)).toBe(`data:image/png;base64,${PNG}`);
    expect(r.images!.map((i) => i.status)).toEqual(["compressed", "compressed"]);
    expect(r.tokensBefore - r.tokensAfter).toBeGreaterThan(1000);
  });

  it("Anthropic: cache_control moves onto a text replacement; lossy results need a store", async () => {
    const block = { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } };
    const msgs = [
      { role: "user", content: [block] },
      { role: "user", content: [{ ...block, cache_control: { type: "ephemeral" } }] },
    ];
    const r = await compress(msgs, { compressors: [halver] });
    expect(r.messages[0]).toBe(msgs[0]); // no store: the lossy downscale declines
    expect((r.messages[1] as any).content[0]).toEqual({ type: "text", text: "[same image as messages[0].content[0]]", cache_control: { type: "ephemeral" } });
  });

  it("Responses: input_image gets the new data URL and detail, the note is an input_text part", async () => {
    const items = [{ type: "message", role: "user", content: [{ type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" }, { type: "input_text", text: "and this?" }] }];
    const r = await compress(items, { compressors: [halver], store: createMapStore() });
    const parts = (r.messages[0] as any).content;
    expect(parts.map((p: any) => p.type)).toEqual(["input_image", "input_text", "input_text"]);
    expect(parts[0]).toEqual({ type: "input_image", image_url: `data:image/webp;base64,${PNG.slice(0, PNG.length / 2)}`, detail: "low" });
    expect(parts[1].text).toMatch(/hash=[a-f0-9]{24}/);
    expect(parts[2]).toBe(items[0]!.content[1]);
  });

  it("fails open: a throwing or lying compressor leaves the image unchanged and reports why", async () => {
    const thrower: ImageCompressor = { ...halver, name: "thrower", compressImage: () => { throw new Error("boom"); } };
    const liar: ImageCompressor = { ...halver, name: "liar", compressImage: () => ({ replacement: { kind: "image", mediaType: "image/png", data: "AA" }, note: "[image. Retrieve more: hash=0123456789abcdef01234567]", lossless: false, tokensBefore: 9, tokensAfter: 1, estimated: true }) };
    const r = await compress(chat, { compressors: [thrower, liar], store: createMapStore() });
    expect(r.messages).toBe(chat);
    expect(r.errors.map((e) => `${e.compressor}:${e.stage}`)).toContain("thrower:compress");
    expect(r.errors.map((e) => e.message)).toContain("marker 0123456789abcdef01234567 has no stored original");
    expect(r.images![0]!.status).toBe("unchanged");
  });

  it("minTokens: an image priced under the floor is left alone, before and without a price", async () => {
    const priced: ImageCompressor = { ...halver, name: "priced", imageTokens: () => 120 };
    const r = await compress(chat, { compressors: [priced], store: createMapStore(), minTokens: 200 });
    expect(r.messages).toBe(chat);
    expect(r.images!.map((i) => [i.status, i.reason, i.tokensBefore])).toEqual([["skipped", "below minTokens", 120], ["skipped", "below minTokens", 120]]);
    // No price: the compressor's own count (1000) decides, against a floor above it.
    const r2 = await compress(chat, { compressors: [halver], store: createMapStore(), minTokens: 2000 });
    expect(r2.messages).toBe(chat);
    expect(r2.images!.map((i) => i.reason)).toEqual(["below minTokens", "below minTokens"]);
  });

  it("a beforeUnit hook sees each image and can skip it or change its bias", async () => {
    const seen: string[] = [];
    let bias = 0;
    const probe: ImageCompressor = { ...halver, name: "probe", compressImage: (u, ctx) => {
        bias = ctx.bias;
        return halver.compressImage(u, ctx);
      },
    };
    const hook: HookV2 = {
      specificationVersion: "v2",
      name: "no-second",
      beforeUnit: (u, info) => {
        seen.push(`${u.id}:${info.image?.mediaType}:${u.text.length}`);
        return u.messageIndex === 2 ? { skip: "keep the latest screen" } : { aggressiveness: 2 };
      },
    };
    const r = await compress(chat, { compressors: [probe], hooks: [hook], store: createMapStore() });
    expect(seen).toEqual(["messages[0].content[1]:image/png:0", "messages[2].content[0]:image/png:0"]);
    expect(bias).toBe(2);
    expect(r.images!.map((i) => [i.status, i.reason])).toEqual([["compressed", undefined], ["skipped", "vetoed by no-second: keep the latest screen"]]);
    expect(r.messages[2]).toBe(chat[2]);
  });

  it("tokenBudget counts image tokens: within it images stay, over it they are compressed", async () => {
    const priced: ImageCompressor = { ...halver, name: "priced", imageTokens: () => 1000 };
    const within = await compress(chat, { compressors: [priced], store: createMapStore(), tokenBudget: 5000 });
    expect(within.messages).toBe(chat);
    expect(within.images!.map((i) => i.reason)).toEqual(["within token budget", "within token budget"]);
    expect(within.tokensBefore).toBeGreaterThan(2000);
    // 2 images × 1000 + text is over 1500: the first image is compressed (→ 400 + note), the total then
    // fits, so the second (a duplicate) stays.
    const over = await compress(chat, { compressors: [priced], store: createMapStore(), tokenBudget: 1500 });
    expect(over.images!.map((i) => i.status)).toEqual(["compressed", "skipped"]);
    expect(over.images![1]!.reason).toBe("within token budget");
    expect(over.tokensAfter).toBeLessThanOrEqual(1500);
    expect(over.tokensBefore - over.tokensAfter).toBe(1000 - over.images![0]!.tokensAfter);
  });

  it("timeBudgetMs: the pipeline stops waiting for a slow image compressor and leaves the image unchanged", async () => {
    let seen: { budget?: number; aborted?: boolean } = {};
    const slow: ImageCompressor = {
      ...halver,
      name: "slow",
      compressImage: async (u, ctx) => {
        await new Promise((r) => setTimeout(r, 400));
        seen = { budget: ctx.timeBudgetMs, aborted: ctx.signal?.aborted };
        return halver.compressImage(u, ctx);
      },
    };
    const t0 = performance.now();
    const r = await compress(chat.slice(0, 1), { compressors: [slow], store: createMapStore(), timeBudgetMs: 50 });
    expect(performance.now() - t0).toBeLessThan(350);
    expect(r.messages[0]).toBe(chat[0]);
    expect(r.images![0]).toMatchObject({ status: "unchanged", reason: "slow: cut off at the 50 ms time budget" });
    expect(r.errors).toContainEqual({ unitId: "messages[0].content[1]", compressor: "slow", stage: "timeout", message: "slow: cut off at the 50 ms time budget" });
    await new Promise((res) => setTimeout(res, 450));
    expect(seen).toEqual({ budget: 50, aborted: true });
  });
});
