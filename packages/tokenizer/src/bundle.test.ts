import { existsSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { getTokenizer } from "./index.js";
import { cl100kBase, count as cl100kCount } from "./cl100k_base.js";
import { o200kBase, o200kTokenizer } from "./o200k_base.js";

const dist = join(__dirname, "..", "dist");
const built = existsSync(join(dist, "index.js"));

/** Bundles `code` for the browser the way an app would, with tiktoken NOT installed. */
async function bundle(code: string): Promise<string> {
  const r = await esbuild.build({
    stdin: { contents: code, resolveDir: dist },
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    logLevel: "silent",
    plugins: [{ name: "no-tiktoken", setup: (b) => b.onResolve({ filter: /^tiktoken$/ }, () => ({ errors: [{ text: "tiktoken is not installed" }] })) }],
  });
  return r.outputFiles[0]!.text;
}

describe("@headroom/tokenizer entries", () => {
  it("the per-encoding entries count like the root entry", async () => {
    const texts = ["hello world", "The quick brown fox 🦊 jumps", "<|endoftext|> is plain text here"];
    const a = await getTokenizer("gpt-4o");
    const b = await getTokenizer("gpt-4");
    for (const t of texts) {
      expect(o200kBase.count(t)).toBe(a.count(t));
      expect(cl100kCount(t)).toBe(b.count(t));
    }
    expect(cl100kBase).toMatchObject({ encoding: "cl100k_base", estimated: false });
    expect(await o200kTokenizer("gpt-5")).toBe(o200kBase);
    expect(await o200kTokenizer("claude-sonnet-4-5")).toMatchObject({ encoding: "o200k_base", estimated: true });
  });
});

describe.skipIf(!built)("@headroom/tokenizer in a bundler (esbuild, tiktoken absent)", () => {
  it("the root entry bundles without tiktoken installed and still counts", async () => {
    const out = await bundle(`export { getTokenizer, loadEncoding } from "./index.js";`);
    expect(out).not.toMatch(/get_encoding\s*\(\s*["']/); // tiktoken's code is not pulled in
    const mod = await import(`data:text/javascript;base64,${Buffer.from(out).toString("base64")}`);
    expect((await mod.getTokenizer("gpt-4o")).count("hello world")).toBe(2);
    await expect(mod.loadEncoding("o200k_base", "tiktoken")).rejects.toThrow(/tiktoken/);
  }, 60_000);

  it("a per-encoding entry carries one encoding, not both", async () => {
    const o200k = await bundle(`export { o200kBase } from "./o200k_base.js";`);
    const cl100k = await bundle(`export { cl100kBase } from "./cl100k_base.js";`);
    const both = await bundle(`export { getTokenizer } from "./index.js";`);
    expect(o200k.length).toBeLessThan(3.2e6);
    expect(cl100k.length).toBeLessThan(1.3e6);
    expect(o200k.length + cl100k.length).toBeLessThan(both.length * 1.05);
    const mod = await import(`data:text/javascript;base64,${Buffer.from(cl100k).toString("base64")}`);
    expect(mod.cl100kBase.count("hello world")).toBe(2);
  }, 60_000);
});
