/**
 * @headroom/log — log compression by Drain-like template mining that keeps every error, warning kind,
 * summary line and rare event, and stores the original for retrieval.
 */
import { markWhole, SPECIFICATION_VERSION, type CompressorV1 as Compressor, type CompressorResultV1 as CompressorResult } from "@headroom/core";
import { compressLogLossy, DITTO, type LogCompressOptions } from "./compress.js";
import { collapseRepeats } from "./lossless.js";

export { compressLogLossy, ditto, DITTO, type LogCompressOptions, type LossyLog } from "./compress.js";
export { isStateLine, outlierRecords, gapRecords, timeOfDay } from "./importance.js";
export { collapseRepeats, expandRepeats } from "./lossless.js";
export { analyzeLog, type Analysis, type LogRecord } from "./records.js";
export { Drain, tokenize, isVariableToken, templateText, WILDCARD, type Template, type DrainOptions } from "./drain.js";
export { detectLogFormat, severityOf, isSummaryLine, type LogFormat, type Severity } from "./formats.js";

/** Options of the log compressor. */
export interface LogCompressorOptions extends LogCompressOptions {
  /** Compressor name in reports. Default `log`. */
  name?: string;
  /** Priority among compressors for `log`. Default 0. */
  priority?: number;
  /** Logs with fewer lines are left alone. Default 20. */
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
  if (newlines + 1 < minLines) return null;
  const lossy = compressLogLossy(text, options);
  if (!lossy) {
    // Nothing worth dropping (a small log): still collapse runs of identical lines, losslessly.
    const lossless = collapseRepeats(text);
    return lossless === null ? null : { text: lossless, lossless: true, transforms: ["log:collapse-repeats"] };
  }
  return markWhole(
    text,
    `${lossy.format === "generic" ? "log" : lossy.format + " log"}: ${lossy.totalLines} lines compressed to ${lossy.keptLines} (${lossy.templates} templates; [×N more like …] summarizes repeats${lossy.dittos ? `; ${DITTO} = same value as the line above` : ""})`,
    lossy.text,
    { kind: "log", compressor: options.name ?? "log", format: lossy.format, lines: lossy.totalLines },
    "log:templates",
  );
}

/** Creates the log compressor (kinds `["log"]`). */
export function createLogCompressor(options: LogCompressorOptions = {}): Compressor {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: options.name ?? "log",
    kinds: ["log"],
    priority: options.priority ?? 0,
    compress(unit, ctx) {
      const query = options.query ?? ctx.query ?? unit.query;
      const toolArgs = options.toolArgs ?? unit.toolArgs;
      return compressLog(unit.text, ctx.reversible, {
        ...options,
        bias: (options.bias ?? 1) * (ctx.bias || 1),
        ...(query ? { query } : {}),
        ...(toolArgs ? { toolArgs } : {}),
      });
    },
  };
}

/** Plugin entry point the router discovers through `package.json#headroom.kinds`. */
export function headroomPlugin(options: LogCompressorOptions = {}): Compressor {
  return createLogCompressor(options);
}

export default headroomPlugin;
