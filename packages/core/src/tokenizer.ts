import type { Tokenizer } from "./types.js";

/**
 * Fallback tokenizer: about four characters per token. Labelled `estimated`; install
 * `@headroom/tokenizer` for real tiktoken counts.
 */
export const estimateTokenizer: Tokenizer = {
  name: "estimate",
  encoding: "chars/4",
  estimated: true,
  count: (text: string) => Math.ceil(text.length / 4),
};
