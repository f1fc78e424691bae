/**
 * Word tokens for matching and scoring: lower-cased runs of letters, digits and `_`, with identifiers
 * also split at their inner boundaries (`lookupKeyRead` → `lookup`, `key`, `read`; `max_retry_count` →
 * `max`, `retry`, `count`; `HTTPServer` → `http`, `server`), so that both the identifier and the words a
 * person would type find it. Pure and deterministic: tokens come in text order.
 */
import { stem as lightStem } from "./relevance.js";

// A word has an inner boundary: `_`, lower/digit → upper (`keyRead`, `v2Api`), or an acronym before a
// word (`HTTPServer`). Most words have none, and testing first skips the splitting work (it dominates on
// big texts).
const SPLITTABLE = /_|[\p{Ll}\p{N}]\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;
const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Parts of an identifier, in their original case: split at `_`, at lower/digit → upper changes and
 * before the last capital of an acronym (`parseHTTPHeader` → `parse`, `HTTP`, `Header`). A word without
 * inner boundaries is its only part; empty parts (`__init__`) are dropped.
 */
export function splitIdentifier(word: string): string[] {
  if (!SPLITTABLE.test(word)) return word ? [word] : [];
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .split(/[\s_]+/)
    .filter(Boolean);
}

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Emit each identifier whole (lower-cased) as well as its parts. Default true. */
  whole?: boolean;
  /** Emit the parts of a splittable identifier. Default true. */
  parts?: boolean;
  /** Tokens shorter than this are dropped. Default 1. */
  minLength?: number;
  /** Tokens in this set (lower case, checked before stemming) are dropped. Default none. */
  stopwords?: ReadonlySet<string>;
  /** Stem every token: `true` for {@link stem}, or a function of the lower-cased token. Default none. */
  stem?: boolean | ((word: string) => string);
}

/**
 * Lower-cased word tokens of `text`. With the defaults an identifier is kept whole (`lookupkeyread`)
 * and also split into its parts (`lookup`, `key`, `read`); a word with no inner boundary appears once.
 * With `whole: false` only the parts are emitted (an unsplittable word is its own part).
 */
export function tokenize(text: string, o: TokenizeOptions = {}): string[] {
  const whole = o.whole ?? true;
  const parts = o.parts ?? true;
  const min = o.minLength ?? 1;
  const stop = o.stopwords;
  const stemFn = o.stem === true ? lightStem : typeof o.stem === "function" ? o.stem : undefined;
  const out: string[] = [];
  const emit = (w: string): void => {
    if (w.length < min || stop?.has(w)) return;
    out.push(stemFn ? stemFn(w) : w);
  };
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    const split = parts ? splitIdentifier(w) : [w];
    if (split.length <= 1) {
      // No inner boundary (or only a leading/trailing `_`): one token.
      const t = whole ? w : split[0];
      if (t) emit(t.toLowerCase());
      continue;
    }
    if (whole) emit(w.toLowerCase());
    for (const p of split) emit(p.toLowerCase());
  }
  return out;
}

/**
 * True when the UTF-16 code `c` is JavaScript's `\s` (what `trim` removes and `/\s+/` matches): a scan by
 * char code that needs no regular expression per character.
 */
export function isSpaceCode(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
