import { describe, expect, it } from "vitest";
import { ccrKey, compress, scanImages, SPECIFICATION_VERSION, type ImageCompressor, type Store } from "./index.js";

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

function mapStore(): Store & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    put: async (k, v) => void map.set(k, v),
    has: async (k) => map.has(k),
    delete: async (k) => map.delete(k),
  };
}

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
    const store = mapStore();
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
    const r = await compress(items, { compressors: [halver], store: mapStore() });
    const parts = (r.messages[0] as any).content;
    expect(parts.map((p: any) => p.type)).toEqual(["input_image", "input_text", "input_text"]);
    expect(parts[0]).toEqual({ type: "input_image", image_url: `data:image/webp;base64,${PNG.slice(0, PNG.length / 2)}`, detail: "low" });
    expect(parts[1].text).toMatch(/hash=[a-f0-9]{24}/);
    expect(parts[2]).toBe(items[0]!.content[1]);
  });

  it("fails open: a throwing or lying compressor leaves the image unchanged and reports why", async () => {
    const thrower: ImageCompressor = { ...halver, name: "thrower", compressImage: () => { throw new Error("boom"); } };
    const liar: ImageCompressor = { ...halver, name: "liar", compressImage: () => ({ replacement: { kind: "image", mediaType: "image/png", data: "AA" }, note: "[image. Retrieve more: hash=0123456789abcdef01234567]", lossless: false, tokensBefore: 9, tokensAfter: 1, estimated: true }) };
    const r = await compress(chat, { compressors: [thrower, liar], store: mapStore() });
    expect(r.messages).toBe(chat);
    expect(r.errors.map((e) => `${e.compressor}:${e.stage}`)).toContain("thrower:compress");
    expect(r.errors.map((e) => e.message)).toContain("marker 0123456789abcdef01234567 has no stored original");
    expect(r.images![0]!.status).toBe("unchanged");
  });
});
