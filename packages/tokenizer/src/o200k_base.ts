/**
 * `@headroom/tokenizer/o200k_base`: the o200k_base encoding alone (GPT-4o, GPT-4.1, GPT-5, o-series),
 * loaded statically, so a bundle that imports this entry carries this one encoding (~2.2 MB) and no other.
 */
import type { Tokenizer, TokenizerFactory } from "@headroom/core";
import api, { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { encodingForModel, NO_SPECIALS } from "./models.js";
import { counters } from "./segments.js";

// Our loop over the same split pattern and ranks (see segments.ts); gpt-tokenizer's own if its internals moved.
const fast = counters(api);

/** Counts o200k_base tokens; special-token strings in the text count as ordinary text. */
export const count = fast ? fast.count : (text: string): number => countTokens(text, NO_SPECIALS);

/** Counts of the pieces of `text` between `cuts` in one pass (see `Tokenizer.countSegments`); undefined if unavailable. */
export const countSegments = fast?.countSegments;

/** The o200k_base tokenizer (exact counts). */
export const o200kBase: Tokenizer = { name: "gpt-tokenizer", encoding: "o200k_base", estimated: false, count, ...(countSegments ? { countSegments } : {}) };

/**
 * A `TokenizerFactory` that counts every model with o200k_base: exact for o200k models, and labelled
 * `estimated: true` for the rest (Claude, Gemini, cl100k models), like `getTokenizer` does.
 */
export const o200kTokenizer: TokenizerFactory = (model) => {
  const { encoding, estimated } = encodingForModel(model);
  return encoding === "o200k_base" && !estimated ? o200kBase : { ...o200kBase, estimated: true };
};
