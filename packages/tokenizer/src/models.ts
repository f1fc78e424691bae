/** The tiktoken encodings Headroom counts with. */
export type EncodingName = "o200k_base" | "cl100k_base";

/** Which encoding a model uses, and whether counts for it are only an estimate. */
export interface ModelEncoding {
  encoding: EncodingName;
  /** True for models whose own tokenizer is not public (Claude, Gemini, unknown models). */
  estimated: boolean;
}

const CL100K = /^(gpt-4(?!o|\.[1-9]|-o)|gpt-3\.5|text-embedding-(3|ada)|davinci|babbage)/;
const O200K = /^(gpt-4o|gpt-4\.[1-9]|gpt-5|gpt-oss|o[1-9]|chatgpt-4o|codex|computer-use)/;

/** Maps a model id (provider prefixes like `openai/` are ignored) to its encoding. */
export function encodingForModel(model: string): ModelEncoding {
  const m = model.toLowerCase().replace(/^.*\//, "");
  if (O200K.test(m)) return { encoding: "o200k_base", estimated: false };
  if (CL100K.test(m)) return { encoding: "cl100k_base", estimated: false };
  // Claude and Gemini tokenizers are not public: o200k_base is the closest public proxy.
  return { encoding: "o200k_base", estimated: true };
}

/** Special-token strings inside content are ordinary text to us, never control tokens. */
export const NO_SPECIALS = { disallowedSpecial: new Set<string>() };
