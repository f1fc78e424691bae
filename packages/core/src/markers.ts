import { sha256Hex, sha256HexAsync } from "./sha256.js";
import type { CompressorResultV2 as CompressorResult, StoredOriginalV2 as StoredOriginal } from "./spec/v2/index.js";

/** Length of a CCR key in hex characters (96 bits). */
export const CCR_KEY_LENGTH = 24;

/**
 * The wire pattern: the key inside any marker, as LiteLLM's headroom guardrail extracts it. Every marker we
 * emit matches it, but so does real content (a URL's `?hash=<40 hex>` query parameter), so never use it to
 * decide whether a text carries one of our markers — use {@link MARKER_PATTERN}.
 */
export const MARKER_HASH_PATTERN = /hash=([a-f0-9]{24})/g;

/**
 * Our markers by their whole form: every marker ends in `Retrieve more: hash=<24 hex>]` (see
 * {@link marker}). A bare `hash=` substring — a URL parameter, a longer hex digest — is not a marker.
 */
export const MARKER_PATTERN = /Retrieve more: hash=([a-f0-9]{24})\]/g;

/** CCR key of an original: the first 24 lowercase hex characters of SHA-256 of its UTF-8 bytes. */
export function ccrKey(original: string): string {
  const known = recentKey(original);
  if (known !== undefined) return known;
  const key = sha256Hex(original).slice(0, CCR_KEY_LENGTH);
  remember(original, key);
  return key;
}

/** `ccrKey` computed asynchronously (WebCrypto where available): what the pipeline uses to check keys. */
export async function ccrKeyAsync(original: string): Promise<string> {
  const known = recentKey(original);
  if (known !== undefined) return known;
  const key = (await sha256HexAsync(original)).slice(0, CCR_KEY_LENGTH);
  remember(original, key);
  return key;
}

// Hash once per original: a compressor stashes an original (hashing it), then the pipeline checks the key
// of the very same string. The last few large originals' keys are remembered, so the check finds the
// key by string identity instead of hashing again (a key is a pure function of the text, so a remembered
// one is never wrong). Short texts are cheap to hash and not worth holding on to.
const MEMO_MIN_CHARS = 2048;
const MEMO_SIZE = 8;
/** At most this many characters are held (the strings are the originals a store keeps anyway). */
const MEMO_MAX_CHARS = 32 * 1024 * 1024;
const memo: { text: string; key: string }[] = [];
let memoChars = 0;

function recentKey(text: string): string | undefined {
  if (text.length < MEMO_MIN_CHARS) return undefined;
  // Identity first (the common case, O(1)); equal strings of the same length compare by content.
  for (const m of memo) if (m.text === text) return m.key;
  return undefined;
}

function remember(text: string, key: string): void {
  if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS) return;
  memo.push({ text, key });
  memoChars += text.length;
  while (memo.length > MEMO_SIZE || memoChars > MEMO_MAX_CHARS) memoChars -= memo.shift()!.text.length;
}

/** True when `key` has the shape of a CCR key. */
export function isCcrKey(key: string): boolean {
  return /^[a-f0-9]{24}$/.test(key);
}

/**
 * A marker a model can read: `[<summary>. Retrieve more: hash=<key>]`.
 * Example: `marker("85 items compressed to 15", key)` → `[85 items compressed to 15. Retrieve more: hash=…]`.
 */
export function marker(summary: string, key: string): string {
  return `[${summary}. Retrieve more: hash=${key}]`;
}

/** Every CCR key of a marker (whole form, see {@link MARKER_PATTERN}) in `text`, in order of first appearance, without duplicates. */
export function findMarkerHashes(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of text.matchAll(MARKER_PATTERN)) {
    const k = m[1]!;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  }
  return out;
}

/** True when `text` already carries a marker (already compressed: never compress it again). */
export function hasMarker(text: string): boolean {
  return /Retrieve more: hash=[a-f0-9]{24}\]/.test(text);
}

/**
 * Helper for compressors: remember an original and get its key. Call `originals()` to return them with
 * the result, so the pipeline stores them before the marker is emitted.
 */
export function createOriginals(): { stash(content: string, meta?: StoredOriginal["meta"]): string; list(): StoredOriginal[] } {
  const byKey = new Map<string, StoredOriginal>();
  return {
    stash(content, meta) {
      const key = ccrKey(content);
      if (!byKey.has(key)) byKey.set(key, meta ? { key, content, meta } : { key, content });
      return key;
    },
    list: () => [...byKey.values()],
  };
}

/**
 * The lossy result of a compressor that stores its whole input: a marker line (`summary` and the input's
 * key) followed by `body`, with the input as the one original. `null` when that is not shorter than the
 * input, so the caller declines rather than inflates.
 */
export function markWhole(original: string, summary: string, body: string, meta: StoredOriginal["meta"], transform: string): CompressorResult | null {
  const originals = createOriginals();
  const text = `${marker(summary, originals.stash(original, meta))}\n${body}`;
  if (text.length >= original.length) return null;
  return { text, lossless: false, originals: originals.list(), transforms: [transform] };
}
