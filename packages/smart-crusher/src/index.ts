import type { CompressorV2 } from "@headroom/core";
import { crush, type CrushOptions } from "./crush.js";
import { xmlDetector } from "./xml.js";

export { crush, encode, JSON_CURVE } from "./crush.js";
export { longStringType } from "./measure.js";
export type { CrushOptions, CrushResult } from "./crush.js";
export { decode, decodeToJson, decodeTree } from "./decode.js";
export { parseJson, toJson, toValue, fromValue, maxNesting, JObj, RawNum, JsonSyntaxError, MAX_DEPTH } from "./ast.js";
export type { JVal } from "./ast.js";
export { selectItems, changePoints, TROUBLE } from "./select.js";
export { parseJsonLines, discriminator, entityField } from "./lines.js";
export { crushXml, parseXml, repeatedItems, xmlDetector } from "./xml.js";
export type { XmlElement } from "./xml.js";
export type { JsonLines } from "./lines.js";
/** Query terms as the selection uses them (re-exported from @headroom/text). */
export { queryTerms } from "@headroom/text";
export type { SelectOptions, Selection, Reason } from "./select.js";
export { isBare } from "./table.js";

/** Options of the smart-crusher plugin (the per-call context supplies tokenizer, query and bias). */
export type SmartCrusherOptions = Pick<CrushOptions, "minItems" | "longString" | "blobString" | "lossyFormat" | "keepShare"> & {
  /** Priority among JSON compressors. Default 10 (ahead of the router's json-minify at -100). */
  priority?: number;
};

/** True when the first non-blank line of `text` is a JSON object or array (a log that may be JSON lines). */
function firstLineIsJson(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== "{" && text[start] !== "[")) return false;
  const end = text.indexOf("\n", start);
  try {
    JSON.parse(text.slice(start, end < 0 ? text.length : end));
    return true;
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
}

/**
 * Creates the JSON compressor (spec v2): lossless table encoding, and lossy anomaly-keeping selection
 * when the context allows lossy output (a store is attached). Without `@headroom/router`, core's own
 * JSON detector routes JSON documents and JSON lines to it.
 */
export function createSmartCrusher(options: SmartCrusherOptions = {}): CompressorV2 {
  const { priority = 10, ...crushOptions } = options;
  return {
    specificationVersion: "v2",
    name: "smart-crusher",
    // `log` too: the router calls time-stamped JSON lines (`go test -json`, Logpush) a log; they are
    // records, selected by structure here. Any other log is declined at its first character.
    kinds: ["json", "log", "xml"],
    priority,
    detectors: [xmlDetector],
    compress(unit, ctx) {
      if (ctx.detection?.kind === "log" && !firstLineIsJson(unit.text)) return { decline: "a log that is not JSON lines" };
      if (ctx.detection?.kind === "xml" && !ctx.allowLossy) return { decline: "XML reports are only thinned with a store" };
      const r = crush(unit.text, {
        ...crushOptions,
        count: (t) => ctx.tokenizer.count(t),
        reversible: ctx.allowLossy,
        bias: ctx.aggressiveness,
        ...(unit.query !== undefined ? { query: unit.query } : {}),
        ...(unit.source.toolArgs !== undefined ? { toolArgs: unit.source.toolArgs } : {}),
      });
      if (!r) return { decline: "not JSON, or already in its shortest form" };
      return { text: r.text, lossless: r.lossless, originals: r.originals, transforms: r.transforms, ...(r.tokens !== undefined ? { outputTokens: r.tokens } : {}) };
    },
  };
}

/** Plugin entry point the router discovers through `"headroom": {"kinds": ["json"]}` in package.json. */
export function headroomPlugin(options?: SmartCrusherOptions): CompressorV2 {
  return createSmartCrusher(options);
}

export default headroomPlugin;
