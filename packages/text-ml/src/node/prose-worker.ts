/**
 * Worker entry for the prose fallback: `@headroom/prose` run off the event loop, with the same token
 * counter the pipeline uses (rebuilt here from its name and encoding), so the bytes equal what the
 * in-thread prose compressor would produce.
 */
import { parentPort } from "node:worker_threads";
import { asCompressorV2, estimateTokenizer, type AnyCompressor, type CompressContextV2, type Tokenizer } from "@headroom/core";
import { createProseCompressor } from "@headroom/prose";
import { resultOf, type ProseReply, type ProseRequest, type TokenizerId } from "./fallback.js";

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
      const prose = asCompressorV2(createProseCompressor(m.options) as AnyCompressor);
      // The main thread keeps the time budget (it abandons this worker); here nothing cuts off.
      const ctx: CompressContextV2 = {
        model: m.model,
        tokenizer,
        allowLossy: true,
        inputTokens: m.inputTokens ?? tokenizer.count(m.unit.text),
        aggressiveness: m.bias,
        signal: new AbortController().signal,
        timeBudgetMs: Number.POSITIVE_INFINITY,
        report: () => undefined,
      };
      const unit = { ...m.unit, ...(m.query ? { query: m.query } : {}) };
      post({ id: m.id, result: resultOf(await prose.compress(unit, ctx)) });
    } catch (e) {
      post({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
