/**
 * @headroom/log — log compression by Drain-like template mining that keeps every error, warning kind,
 * summary line and rare event, and stores the original for retrieval.
 */
import { markWhole, type CompressorResult, type CompressorV2, type CompressOutcomeV2, type DetectorV2 } from "@headroom/core";
import { compressLogLossy, DITTO, type LogCompressOptions, type LossyLog } from "./compress.js";
import { aboveFloor, combineBias, estimateTokens } from "@headroom/text";
import { collapseRepeats } from "./lossless.js";
import { detectLogFormat } from "./formats.js";
import { learnHeadShape } from "./records.js";

export { compressLogLossy, ditto, DITTO, PRIORITY_SHARE, type LogCompressOptions, type LossyLog } from "./compress.js";
export { isStateLine, outlierRecords, gapRecords, timeOfDay, cheapFolds, entityStateRecords } from "./importance.js";
export { collapseRepeats, expandRepeats } from "./lossless.js";
export { analyzeLog, learnColumns, type Analysis, type Columns, type LogRecord } from "./records.js";
export { Drain, tokenize, isVariableToken, templateText, WILDCARD, type Template, type DrainOptions } from "./drain.js";
export { detectLogFormat, severityOf, isSummaryLine, type LogFormat, type Severity } from "./formats.js";

/** Options of the log compressor. */
export interface LogCompressorOptions extends LogCompressOptions {
  /** Compressor name in reports. Default `log`. */
  name?: string;
  /** Priority among compressors for `log`. Default 0. */
  priority?: number;
  /** Logs with fewer lines are left alone unless they are above the budget curve's floor. Default 20. */
  minLines?: number;
}

/**
 * Compresses one log text. With `reversible` the lossy form is returned with a marker and the original;
 * otherwise only the lossless form (identical-line runs collapsed), or `null` when it gains nothing.
 */
export function compressLog(text: string, reversible: boolean, options: LogCompressorOptions = {}): CompressorResult | null {
  if (typeof text !== "string" || !text) return null;
  if (!reversible) {
    const lossless = collapseRepeats(text);
    return lossless === null ? null : { text: lossless, lossless: true, transforms: ["log:collapse-repeats"] };
  }
  const minLines = options.minLines ?? 20;
  let newlines = 0;
  for (let i = text.indexOf("\n"); i !== -1 && newlines < minLines; i = text.indexOf("\n", i + 1)) newlines++;
  // Few lines are worth mining only when they are many tokens (16 JSON records of 170 tokens each).
  if (newlines + 1 < minLines && !aboveFloor(estimateTokens(text.length))) return null;
  const lossy = compressLogLossy(text, options);
  if (!lossy) {
    // Nothing worth dropping (a small log): still collapse runs of identical lines, losslessly.
    const lossless = collapseRepeats(text);
    return lossless === null ? null : { text: lossless, lossless: true, transforms: ["log:collapse-repeats"] };
  }
  return markWhole(
    text,
    `${lossy.format === "generic" ? "log" : lossy.format + " log"}: ${lossy.totalLines} lines compressed to ${lossy.keptLines} (${lossy.templates} templates${omittedSeverities(lossy)}; [×N more like …] summarizes repeats${lossy.dittos ? `; ${DITTO} = same value as in the shown line above` : ""})`,
    lossy.text,
    { kind: "log", compressor: options.name ?? "log", format: lossy.format, lines: lossy.totalLines },
    "log:templates",
  );
}

/** What the marker says about dropped errors and warnings, so a reader knows when retrieving is worth it. */
function omittedSeverities(l: LossyLog): string {
  const parts: string[] = [];
  if (l.omittedErrors) parts.push(`${l.omittedErrors} error${l.omittedErrors === 1 ? "" : "s"}`);
  if (l.omittedWarnings) parts.push(`${l.omittedWarnings} warning${l.omittedWarnings === 1 ? "" : "s"}`);
  return parts.length ? `; ${parts.join(" and ")} not shown` : "";
}

/** The log detector's one answer: below the router's, and declared as its ceiling so the pipeline can skip it. */
const LOG_DETECTOR_CONFIDENCE = 0.5;

/**
 * The log detector this plugin ships, so the compressor works without `@headroom/router`: a known log
 * format in the first lines, or records that steadily start with a time stamp. Its confidence (0.5) stays
 * below the router's, so with the router installed the router's answer decides.
 */
export const logDetector: DetectorV2 = {
  name: "log/lines",
  kinds: ["log"],
  maxConfidence: LOG_DETECTOR_CONFIDENCE,
  detect(text) {
    const lines = text.slice(0, 40_000).split("\n");
    if (lines.length < 3) return null;
    const format = detectLogFormat(lines);
    const found = (format !== "generic" && format !== "jsonl") || learnHeadShape(lines, format);
    return found ? { kind: "log", confidence: LOG_DETECTOR_CONFIDENCE } : null;
  },
};

/** Creates the log compressor (spec v2, kind `log`). */
export function createLogCompressor(options: LogCompressorOptions = {}): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: options.name ?? "log",
    kinds: ["log"],
    priority: options.priority ?? 0,
    detectors: [logDetector],
    compress(unit, ctx): CompressOutcomeV2 {
      const query = options.query ?? unit.query;
      const toolArgs = options.toolArgs ?? unit.source.toolArgs;
      const r = compressLog(unit.text, ctx.allowLossy, {
        ...options,
        bias: combineBias(options.bias, ctx.aggressiveness),
        ...(query ? { query } : {}),
        ...(toolArgs ? { toolArgs } : {}),
        signal: ctx.signal,
      });
      if (!r) return { decline: ctx.allowLossy ? "nothing worth dropping (small log or no repetition)" : "no repeated lines to collapse losslessly" };
      // The final text is counted once here, so the pipeline need not count it again (it trusts
      // `outputTokens`; checkCompressor verifies it in tests).
      return { ...r, outputTokens: ctx.tokenizer.count(r.text) };
    },
  };
}

/** Plugin entry point the router discovers through `package.json#headroom.kinds`. */
export function headroomPlugin(options: LogCompressorOptions = {}): CompressorV2 {
  return createLogCompressor(options);
}

export default headroomPlugin;
