/**
 * Worker entry for the prose fallback: `@headroom/prose` run off the event loop, with the same token
 * counter the pipeline uses (rebuilt here from its name and encoding), so the bytes equal what the
 * in-thread prose compressor would produce.
 */
import { parentPort } from "node:worker_threads";
import { estimateTokenizer, type Tokenizer } from "@headroom/core";
import { createProseCompressor } from "@headroom/prose";
import { runProse, type ProseReply, type ProseRequest, type TokenizerId } from "./fallback.js";

const port = parentPort!;
const post = (m: ProseReply) => port.postMessage(m);

async function tokenizerFor(t: TokenizerId): Promise<Tokenizer | undefined> {
  if (t.name === estimateTokenizer.name && t.encoding === estimateTokenizer.encoding) return estimateTokenizer;
  if ((t.name === "gpt-tokenizer" || t.name === "tiktoken") && (t.encoding === "o200k_base" || t.encoding === "cl100k_base")) {
    try {
      const { loadEncoding } = (await import("@headroom/tokenizer")) as typeof import("@headroom/tokenizer");
      return await loadEncoding(t.encoding, t.name, t.estimated);
    } catch {
      return undefined; // @headroom/tokenizer not installed: the caller runs prose in its own thread
    }
  }
  return undefined;
}

port.on("message", (m: ProseRequest) => {
  void (async () => {
    try {
      const tokenizer = await tokenizerFor(m.tokenizer);
      if (!tokenizer) return post({ id: m.id, unsupported: true });
      const prose = createProseCompressor(m.options);
      const r = await runProse(prose, m.unit, { model: m.model, tokenizer, reversible: true, bias: m.bias, ...(m.inputTokens !== undefined ? { inputTokens: m.inputTokens } : {}), ...(m.query ? { query: m.query } : {}) });
      post({ id: m.id, result: r });
    } catch (e) {
      post({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
