import { describe, expect, it } from "vitest";
import { encodingForModel, getTokenizer, loadEncoding, tiktokenTokenizer, tokenizerForModel } from "./index.js";

describe("@headroom/tokenizer", () => {
  it("tokenizerForModel (old name tiktokenTokenizer) counts the model's encoding with gpt-tokenizer", async () => {
    expect(tiktokenTokenizer).toBe(tokenizerForModel);
    const t = await tokenizerForModel("gpt-4o");
    expect([t.name, t.encoding, t.estimated, t.count("hello world")]).toEqual(["gpt-tokenizer", "o200k_base", false, 2]);
  });

  it("maps models to encodings and labels estimates", () => {
    expect(encodingForModel("gpt-4o-mini")).toEqual({ encoding: "o200k_base", estimated: false });
    expect(encodingForModel("openai/gpt-5")).toEqual({ encoding: "o200k_base", estimated: false });
    expect(encodingForModel("o3-mini")).toEqual({ encoding: "o200k_base", estimated: false });
    expect(encodingForModel("gpt-4.1")).toEqual({ encoding: "o200k_base", estimated: false });
    expect(encodingForModel("gpt-4-turbo")).toEqual({ encoding: "cl100k_base", estimated: false });
    expect(encodingForModel("gpt-3.5-turbo")).toEqual({ encoding: "cl100k_base", estimated: false });
    expect(encodingForModel("claude-sonnet-4-5")).toEqual({ encoding: "o200k_base", estimated: true });
    expect(encodingForModel("gemini-2.5-pro")).toEqual({ encoding: "o200k_base", estimated: true });
  });

  it("counts real tokens, identically in both backends, with special tokens as text", async () => {
    const a = await getTokenizer("gpt-4o");
    const b = await loadEncoding("o200k_base", "tiktoken");
    const c = await getTokenizer("gpt-4");
    const texts = ["hello world", "The quick brown fox 🦊 jumps", "<|endoftext|> is plain text here", "\ud800 lone surrogate", ""];
    for (const t of texts) expect(a.count(t)).toBe(b.count(t));
    expect(a.count("hello world")).toBe(2);
    expect(c.encoding).toBe("cl100k_base");
    expect(c.count("hello world")).toBe(2);
    expect((await getTokenizer("claude-opus-4")).estimated).toBe(true);
  });

  it("loads each encoding once", async () => {
    const a = await getTokenizer("gpt-4o");
    const b = await getTokenizer("gpt-4o");
    expect(a.count).toBe(b.count);
  });
});
