import { SPECIFICATION_VERSION, type CompressorV1 as Compressor } from "@headroom/core";
import { crush, type CrushOptions } from "./crush.js";

export { crush, encode, longStringType } from "./crush.js";
export type { CrushOptions, CrushResult } from "./crush.js";
export { decode, decodeToJson, decodeTree } from "./decode.js";
export { parseJson, toJson, toValue, fromValue, maxNesting, JObj, RawNum, JsonSyntaxError, MAX_DEPTH } from "./ast.js";
export type { JVal } from "./ast.js";
export { selectItems, queryTerms, changePoints, TROUBLE } from "./select.js";
export type { SelectOptions, Selection, Reason } from "./select.js";
export { isBare } from "./table.js";

/** Options of the smart-crusher plugin (the per-call context supplies tokenizer, query and bias). */
export type SmartCrusherOptions = Pick<CrushOptions, "minItems" | "longString" | "blobString" | "lossyFormat" | "keepShare"> & {
  /** Priority among JSON compressors. Default 10 (ahead of the router's json-minify at -100). */
  priority?: number;
};

/**
 * Creates the JSON compressor: lossless table encoding, and lossy anomaly-keeping selection when the
 * context is reversible (a store is attached).
 */
export function createSmartCrusher(options: SmartCrusherOptions = {}): Compressor {
  const { priority = 10, ...crushOptions } = options;
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: "smart-crusher",
    kinds: ["json"],
    priority,
    compress(unit, ctx) {
      const r = crush(unit.text, {
        ...crushOptions,
        count: (t) => ctx.tokenizer.count(t),
        reversible: ctx.reversible,
        query: unit.query ?? ctx.query,
        bias: ctx.bias,
      });
      if (!r) return null;
      return { text: r.text, lossless: r.lossless, originals: r.originals, transforms: r.transforms };
    },
  };
}

/** Plugin entry point the router discovers through `"headroom": {"kinds": ["json"]}` in package.json. */
export function headroomPlugin(options?: SmartCrusherOptions): Compressor {
  return createSmartCrusher(options);
}

export default headroomPlugin;
