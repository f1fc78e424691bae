/**
 * @headroom/code — AST-aware code compression with web-tree-sitter. Keeps the shape of a file (imports,
 * types, class headers and fields, every signature with its decorators and first doc line, constants)
 * and moves function bodies and long comments behind retrievable markers.
 */
import { SPECIFICATION_VERSION, type CompressContext, type Compressor, type CompressorResult, type Unit } from "@headroom/core";
import { compressCode, type CodeCompressOptions } from "./compress.js";
import { languageFromFileName, normalizeLanguage, type LanguageId } from "./languages.js";
import { renumber, renumberOriginals, splitNumbered } from "./numbered.js";

export { compressCode, countParseErrors, queryNames } from "./compress.js";
export type { CodeCompressOptions, CodeCompression } from "./compress.js";
export { restoreCode } from "./placeholders.js";
export { renumber, renumberOriginals, splitNumbered, type CodeSpan, type NumberedText } from "./numbered.js";
export { extractSignatures, signatureRetention } from "./signatures.js";
export type { Signature } from "./signatures.js";
export { LANGUAGES, SPECS, languageFromFileName, normalizeLanguage } from "./languages.js";
export type { LanguageId, LanguageSpec } from "./languages.js";
export { grammarLoadTimes, grammarPath, loadLanguage } from "./grammars.js";

/** Options of the code compressor plugin. */
export interface CodeCompressorOptions extends Omit<CodeCompressOptions, "reversible" | "query" | "bias"> {
  /** Compressor name in reports. Default `code`. */
  name?: string;
  /** Priority among compressors for kind `code`. Default 0. */
  priority?: number;
  /** Language to assume when neither the file name nor detection says. Default: none (decline). */
  defaultLanguage?: LanguageId;
}

/**
 * The language of a unit: the file name the tool call read wins (most reliable), then the detector's
 * language, then the configured default.
 */
export function unitLanguage(unit: Pick<Unit, "fileName">, ctx: Pick<CompressContext, "detection">, fallback?: LanguageId): LanguageId | undefined {
  return languageFromFileName(unit.fileName) ?? normalizeLanguage(ctx.detection?.language) ?? fallback;
}

/** Creates the code compressor (kind `code`). */
export function createCodeCompressor(options: CodeCompressorOptions = {}): Compressor {
  const { name = "code", priority = 0, defaultLanguage, ...rest } = options;
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    kinds: ["code"],
    priority,
    async compress(unit, ctx): Promise<CompressorResult | null> {
      const language = unitLanguage(unit, ctx, defaultLanguage);
      if (!language) return null;
      try {
        const query = ctx.query ?? unit.query;
        // A numbered read (`cat -n`, Claude Code's Read) is parsed without its numbers and gets them back.
        const numbered = splitNumbered(unit.text);
        const r = await compressCode(numbered ? numbered.code : unit.text, language, {
          ...rest,
          reversible: ctx.reversible,
          bias: ctx.bias,
          ...(query !== undefined ? { query } : {}),
        });
        if (!r) return null;
        // The originals of a numbered read are cut from what the tool printed, numbers included.
        const recut = numbered && !r.lossless ? renumberOriginals(r.text, r.originals, r.spans(), numbered, unit.text) : undefined;
        if (recut === null) return null;
        const text = numbered ? renumber(recut?.text ?? r.text, r.sourceLines(), numbered) : r.text;
        if (text.length >= unit.text.length) return null;
        const transforms = [r.lossless ? `${name}:whitespace` : `${name}:${r.language}`, ...(numbered ? [`${name}:numbered`] : [])];
        return r.lossless ? { text, lossless: true, transforms } : { text, lossless: false, originals: recut?.originals ?? r.originals, transforms };
      } catch {
        // Fail open: a grammar that cannot load or a parser fault leaves the unit unchanged.
        return null;
      }
    },
  };
}

/** The plugin entry point the router discovers (`headroom.kinds` in package.json). */
export function headroomPlugin(options?: CodeCompressorOptions): Compressor {
  return createCodeCompressor(options);
}

export default headroomPlugin;
