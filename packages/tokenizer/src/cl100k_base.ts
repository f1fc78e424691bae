/**
 * `@headroom/tokenizer/cl100k_base`: the cl100k_base encoding alone (GPT-4, GPT-3.5, embeddings),
 * loaded statically, so a bundle that imports this entry carries this one encoding (~1 MB) and no other.
 */
import type { Tokenizer } from "@headroom/core";
import api, { countTokens } from "gpt-tokenizer/encoding/cl100k_base";
import { NO_SPECIALS } from "./models.js";
import { counters } from "./segments.js";

// Our loop over the same split pattern and ranks (see segments.ts); gpt-tokenizer's own if its internals moved.
const fast = counters(api);

/** Counts cl100k_base tokens; special-token strings in the text count as ordinary text. */
export const count = fast ? fast.count : (text: string): number => countTokens(text, NO_SPECIALS);

/** Counts of the pieces of `text` between `cuts` in one pass (see `Tokenizer.countSegments`); undefined if unavailable. */
export const countSegments = fast?.countSegments;

/** The cl100k_base tokenizer (exact counts). */
export const cl100kBase: Tokenizer = { name: "gpt-tokenizer", encoding: "cl100k_base", estimated: false, count, ...(countSegments ? { countSegments } : {}) };
