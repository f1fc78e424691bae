// @headroom/image installed beside the proxy is discovered and shrinks base64 images on their way up.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import { chatCompletion, pagePng } from "./testing/fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const mock = new MockUpstream();
let proxy: RunningProxy;
let install: string;

beforeAll(async () => {
  // A user's install: node_modules/@headroom/image (the workspace package, built).
  install = mkdtempSync(join(tmpdir(), "headroom-image-"));
  mkdirSync(join(install, "node_modules", "@headroom"), { recursive: true });
  symlinkSync(resolve(here, "../../image"), join(install, "node_modules", "@headroom", "image"), "dir");
  await mock.start();
  // A generous budget: the first request also starts a worker (discovery, sharp) on a loaded machine.
  proxy = await startProxy({ port: 0, openaiBaseUrl: mock.url, anthropicBaseUrl: mock.url, store: new MemoryStore(), pluginsFrom: install, compressionTimeoutMs: 60_000 });
});
afterAll(async () => {
  await proxy.close();
  await mock.stop();
  rmSync(install, { recursive: true, force: true });
});

describe("image compressor discovered by the proxy", () => {
  it("an OpenAI chat request with a large PNG data URL reaches the upstream smaller", async () => {
    const png = pagePng(2400, 1600);
    const url = `data:image/png;base64,${png.toString("base64")}`;
    const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: [{ type: "text", text: "What is on this page?" }, { type: "image_url", image_url: { url } }] }] });
    mock.reply({ kind: "json", body: chatCompletion({ content: "A page." }) });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-test" }, body });
    expect(res.status).toBe(200);
    const sent = mock.requests[0]!;
    // Screenshots are sent as lossless WebP (@headroom/image `lossyScreenshots: false`): this noisy
    // fixture shrinks in pixels (fewer tokens, see the note below) more than in bytes.
    expect(sent.raw.length).toBeLessThan(body.length * 0.8);
    const part = sent.json.messages[0].content[1];
    expect(part.type).toBe("image_url");
    expect(part.image_url.url).toMatch(/^data:image\/(webp|png|jpeg);base64,/);
    expect(part.image_url.url.length).toBeLessThan(url.length * 0.8);
    expect(sent.json.messages[0].content[0]).toEqual({ type: "text", text: "What is on this page?" });
    // Smaller than the provider keeps (a lossy size, the store holds the original): a marker note follows.
    expect(sent.json.messages[0].content[2].text).toMatch(/^\[image 2400×1600 sent as \d+×\d+ .*Retrieve more: hash=[0-9a-f]{24}\]$/);
    // The token saving is in pixels: the image sent upstream has under half the original's pixels.
    const [, w, h] = /sent as (\d+)×(\d+)/.exec(sent.json.messages[0].content[2].text)!;
    expect(Number(w) * Number(h)).toBeLessThan((2400 * 1600) / 2);
  });
});
