import type { CompressResult } from "@headroom/core";

/**
 * The `POST /v1/compress` answer for a compress result — the wire contract LiteLLM's `guardrail: headroom`
 * reads (`messages`, `tokens_before`, `tokens_after`, `tokens_saved`, `compression_ratio`,
 * `transforms_applied`, `ccr_hashes`), plus `errors` as one line each when there were any. One shape for
 * this package's app and the proxy's route.
 */
export function compressReplyBody(r: CompressResult): Record<string, unknown> {
  return {
    messages: r.messages,
    tokens_before: r.tokensBefore,
    tokens_after: r.tokensAfter,
    tokens_saved: r.tokensSaved,
    compression_ratio: r.compressionRatio,
    transforms_applied: r.transformsApplied,
    ccr_hashes: r.ccrHashes,
    ...(r.errors.length ? { errors: r.errors.map((e) => `${e.stage}${e.compressor ? ` ${e.compressor}` : ""}: ${e.message}`) } : {}),
  };
}
