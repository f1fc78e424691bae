import { SPECIFICATION_VERSION_V2, type CompressorV2, type StoredOriginalV2 } from "@headroom/core";
import { splitSections } from "./detect.js";

/**
 * Handles `mixed` texts section by section: each section goes to the best installed compressor for its
 * own kind (through the pipeline's delegate), and sections nobody compresses stay verbatim.
 */
export function createMixedCompressor(): CompressorV2 {
  return {
    specificationVersion: SPECIFICATION_VERSION_V2,
    name: "mixed",
    kinds: ["mixed"],
    async compress(unit, ctx) {
      if (!ctx.delegate) return null;
      const sections = splitSections(unit.text);
      if (sections.length < 2) return null;
      let text = "";
      let lossless = true;
      let changed = false;
      const originals: StoredOriginalV2[] = [];
      const transforms: string[] = [];
      for (const s of sections) {
        const r = await ctx.delegate(s.text, { kind: s.kind, confidence: 0.8, ...(s.language ? { language: s.language } : {}) });
        if (!r) {
          text += s.text;
          continue;
        }
        changed = true;
        // Keep the section boundary: a compressor may drop the trailing newline of its piece.
        text += r.text + (s.text.endsWith("\n") && !r.text.endsWith("\n") ? "\n" : "");
        lossless &&= r.lossless;
        originals.push(...(r.originals ?? []));
        for (const t of r.transforms ?? []) if (!transforms.includes(t)) transforms.push(t);
      }
      if (!changed) return null;
      return { text, lossless, originals, transforms: ["mixed", ...transforms] };
    },
  };
}
