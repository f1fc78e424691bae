import { ccrKeyAsync, findMarkerHashes } from "./markers.js";
import type { CompressorResultV2 } from "./spec/v2/index.js";

/**
 * The rules every compressor result must satisfy before the pipeline emits it; the core README lists
 * them. Returns the first rule broken, or `undefined`. (Never-inflate is checked afterwards, on the
 * token count.) Keys are checked with `ccrKeyAsync`: an original the compressor stashed with `ccrKey` moments
 * ago is not hashed again, others are hashed with WebCrypto where it exists.
 */
export async function validateResult(input: string, r: unknown, allowLossy: boolean): Promise<string | undefined> {
  if (typeof r !== "object" || r === null) return "result is not an object";
  const res = r as Partial<CompressorResultV2>;
  if (typeof res.text !== "string") return "result text is not a string";
  if (typeof res.lossless !== "boolean") return "result has no boolean lossless flag";
  if (res.originals !== undefined && !Array.isArray(res.originals)) return "result originals is not an array";
  if (res.transforms !== undefined && !(Array.isArray(res.transforms) && res.transforms.every((t) => typeof t === "string")))
    return "result transforms is not an array of strings";
  if (!res.lossless && !allowLossy) return "lossy result without a store (lossless mode)";
  const originals = res.originals ?? [];
  if (originals.length > 0 && !allowLossy) return "originals returned without a store";
  const stored = new Set<string>();
  for (const orig of originals) {
    if (typeof orig !== "object" || orig === null || typeof orig.content !== "string" || (await ccrKeyAsync(orig.content)) !== orig.key)
      return `original ${String(orig?.key)} does not match its key`;
    stored.add(orig.key);
  }
  const already = new Set(findMarkerHashes(input));
  let fresh = 0;
  for (const h of findMarkerHashes(res.text)) {
    if (already.has(h)) continue;
    if (!stored.has(h)) return `marker ${h} has no stored original`;
    fresh++;
  }
  // Lossy output must point at what it dropped: no marker, no lossy result.
  if (!res.lossless && fresh === 0) return "lossy result carries no marker to its stored original";
  return undefined;
}
