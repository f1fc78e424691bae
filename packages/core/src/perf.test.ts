import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { ccrKey, ccrKeyAsync, createOriginals, createPipeline, marker, type CompressorV2, type Tokenizer } from "./index.js";
import { SHA256_IMPLEMENTATION, sha256Hex, sha256HexAsync, sha256HexJs, sha256HexWebCrypto } from "./sha256.js";
import { checkCompressor, createMapStore } from "./testing/index.js";

const nodeCrypto = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
const reference = (s: string) => createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex");

/** A tokenizer (one token per 4 chars) that records every text it counts. */
function countingTokenizer(): Tokenizer & { texts: string[] } {
  const texts: string[] = [];
  return { name: "counting", encoding: "chars4", estimated: true, texts, count(t) {
      texts.push(t);
      return Math.ceil(t.length / 4);
    },
  };
}

const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: the service answered request ${i} in ${(i * 37) % 900} ms`).join("\n");

/** Keeps the first 5 lines, stores the input, and says how many tokens its text has (`lie` adds to it). */
function head(lie = 0): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "head",
    kinds: ["*"],
    compress(u, ctx) {
      if (!ctx.allowLossy) return { decline: "lossy only" };
      const o = createOriginals();
      const text = `${u.text.split("\n").slice(0, 5).join("\n")}\n${marker("rest stored", o.stash(u.text))}`;
      return { text, lossless: false, originals: o.list(), outputTokens: ctx.tokenizer.count(text) + lie };
    },
  };
}

afterEach(() => vi.restoreAllMocks());

describe("sha256 implementations", () => {
  it("pure JS, the sync default and the async (WebCrypto) path all match node:crypto", async () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(sha256HexJs(s)).toBe(reference(s));
        expect(sha256Hex(s)).toBe(reference(s));
      }),
      { numRuns: 200 },
    );
    const big = `${"é😀x".repeat(30_000)}\ud800`;
    expect(sha256HexJs(big)).toBe(reference(big));
    expect(await sha256HexAsync(big)).toBe(reference(big));
    expect(await sha256HexWebCrypto(big)).toBe(reference(big));
    expect(await ccrKeyAsync(big)).toBe(reference(big).slice(0, 24));
    // Node 20 offers process.getBuiltinModule: the native hash is used without importing node:crypto.
    expect(SHA256_IMPLEMENTATION).toBe("native");
  });
});

describe("hash once per original", () => {
  it("the pipeline's key check does not hash an original the compressor just stashed", async () => {
    const spy = vi.spyOn(nodeCrypto, "createHash");
    const text = `${lines}\nunique ${Math.random()}`;
    const r = await createPipeline({ compressors: [head()], store: createMapStore(), minTokens: 0 }).compressText(text);
    expect(r.units[0]?.status).toBe("compressed");
    // One hash: the stash. The pipeline's check found the key by the string's identity.
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("a key that does not match its content is still refused", async () => {
    const forger: CompressorV2 = {
      specificationVersion: "v2",
      name: "forger",
      kinds: ["*"],
      compress(u) {
        const key = ccrKey(u.text);
        return { text: `short\n${marker("rest", key)}`, lossless: false, originals: [{ key, content: `${u.text} changed` }] };
      },
    };
    const r = await createPipeline({ compressors: [forger], store: createMapStore(), minTokens: 0 }).compressText(lines);
    expect(r.units[0]?.status).toBe("unchanged");
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/does not match its key/)]);
  });
});

describe("outputTokens", () => {
  it("the pipeline trusts a compressor's outputTokens instead of counting its output again", async () => {
    const tok = countingTokenizer();
    const r = await createPipeline({ compressors: [head()], store: createMapStore(), minTokens: 0, tokenizer: tok }).compressText(lines);
    expect(r.units[0]?.status).toBe("compressed");
    const out = r.text;
    // Counted: the input once (the pipeline), the output once (by the compressor itself), nothing else.
    expect(tok.texts.filter((t) => t === out)).toHaveLength(1);
    expect(tok.texts.filter((t) => t === lines)).toHaveLength(1);
    expect(r.tokensAfter).toBe(Math.ceil(out.length / 4));
  });

  it("checkCompressor catches a wrong outputTokens and passes a right one", async () => {
    const ok = await checkCompressor(head(), [{ text: lines, expect: "compressed" }]);
    expect(ok.problems).toEqual([]);
    const bad = await checkCompressor(head(-3), [{ name: "lines", text: lines }]);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([expect.stringMatching(/^lines \(with store\): outputTokens is \d+ but the text has \d+ tokens$/), expect.stringMatching(/outputTokens/)]);
  });
});
