/**
 * @headroom/code — AST-aware code compression with web-tree-sitter. Keeps the shape of a file (imports,
 * types, class headers and fields, every signature with its decorators and first doc line, constants)
 * and moves function bodies and long comments behind retrievable markers.
 */
import type { CompressContextV2, CompressOutcomeV2, CompressorV2, DetectorV2, UnitV2 } from "@headroom/core";
import type { CodeCompressOptions } from "./compress.js";
import { compressCode } from "./parts.js";
import { languageFromFileName, normalizeLanguage, type LanguageId } from "./languages.js";
import { renumber, renumberOriginals, splitNumbered } from "./numbered.js";

export { countParseErrors, namedBy, relevantBodies } from "./compress.js";
export { compressCode } from "./parts.js";
export type { CodeCompressOptions, CodeCompression } from "./compress.js";
export type { BodyCandidate } from "./plan.js";
export { restoreCode } from "./placeholders.js";
export { renumber, renumberOriginals, splitNumbered, type CodeSpan, type NumberedText } from "./numbered.js";
export { extractSignatures, signatureRetention } from "./signatures.js";
export type { Signature } from "./signatures.js";
export { LANGUAGES, SPECS, languageFromFileName, normalizeLanguage } from "./languages.js";
export type { LanguageId, LanguageSpec } from "./languages.js";
export { grammarLoadTimes, grammarPath, loadLanguage } from "./grammars.js";
export type { ParseSignal } from "./grammars.js";

/** Options of the code compressor plugin. */
export interface CodeCompressorOptions extends Omit<CodeCompressOptions, "reversible" | "query" | "bias" | "toolArgs" | "signal" | "guessedLanguage"> {
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
export function unitLanguage(unit: Pick<UnitV2, "source">, ctx: Pick<CompressContextV2, "detection">, fallback?: LanguageId): LanguageId | undefined {
  return languageFromFileName(unit.source.fileName) ?? normalizeLanguage(ctx.detection?.language) ?? fallback;
}

/**
 * Detection by file name alone, so the plugin works without `@headroom/router`: a unit read from a file
 * whose extension names a grammar is code. Its confidence (0.6) is below the router's content-aware
 * answers, which win whenever both run.
 */
export const codeDetector: DetectorV2 = {
  name: "code/file-name",
  kinds: ["code"],
  detect(_text, hints) {
    const language = languageFromFileName(hints.fileName);
    return language ? { kind: "code", confidence: 0.6, language } : null;
  },
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Creates the code compressor (kind `code`, specification v2). */
export function createCodeCompressor(options: CodeCompressorOptions = {}): CompressorV2 {
  const { name = "code", priority = 0, defaultLanguage, ...rest } = options;
  return {
    specificationVersion: "v2",
    name,
    kinds: ["code"],
    priority,
    detectors: [codeDetector],
    async compress(unit, ctx): Promise<CompressOutcomeV2> {
      const language = unitLanguage(unit, ctx, defaultLanguage);
      if (!language) return { decline: "no language: no file name, detected language or defaultLanguage" };
      try {
        // A numbered read (`cat -n`, Claude Code's Read) is parsed without its numbers and gets them back.
        const numbered = splitNumbered(unit.text);
        const r = await compressCode(numbered ? numbered.code : unit.text, language, {
          ...rest,
          guessedLanguage: !languageFromFileName(unit.source.fileName),
          reversible: ctx.allowLossy,
          bias: ctx.aggressiveness,
          signal: ctx.signal,
          ...(unit.query !== undefined ? { query: unit.query } : {}),
          ...(unit.source.toolArgs !== undefined ? { toolArgs: unit.source.toolArgs } : {}),
        });
        if (!r) return { decline: `${language}: the grammar cannot read it cleanly, or nothing to gain` };
        // The originals of a numbered read are cut from what the tool printed, numbers included.
        const recut = numbered && !r.lossless ? renumberOriginals(r.text, r.originals, r.spans(), numbered, unit.text) : undefined;
        if (recut === null) return { decline: "numbered read: the markers do not line up with the elided spans" };
        const text = numbered ? renumber(recut?.text ?? r.text, r.sourceLines(), numbered) : r.text;
        if (text.length >= unit.text.length) return { decline: "no gain" };
        const transforms = [r.lossless ? `${name}:whitespace` : `${name}:${r.language}`, ...(numbered ? [`${name}:numbered`] : [])];
        const outputTokens = ctx.tokenizer.count(text);
        return r.lossless ? { text, lossless: true, transforms, outputTokens } : { text, lossless: false, originals: recut?.originals ?? r.originals, transforms, outputTokens };
      } catch (e) {
        if (ctx.signal.aborted) throw e; // the pipeline's cut-off, not a fault of ours
        // Fail open: a grammar that cannot load or a parser fault leaves the unit unchanged, and says so.
        ctx.report(`${name}: ${message(e)}`);
        return { decline: `${language}: ${message(e)}` };
      }
    },
  };
}

/** The plugin entry point the router discovers (`headroom.kinds` in package.json). */
export function headroomPlugin(options?: CodeCompressorOptions): CompressorV2 {
  return createCodeCompressor(options);
}

export default headroomPlugin;
