import { asCompressorV2, asDetectorV2, asHookV2, compressorProblem, hookProblem, type AnyCompressor, type AnyHook } from "./spec/upgrade.js";
import type { CompressorV2, DetectFunction, DetectorV2, HookV2 } from "./spec/v2/index.js";
import type { CompressError } from "./types.js";

/** The plugins of a pipeline or call: accepted ones upgraded to v2 (in run order), rejected ones reported. */
export interface LoadedPlugins {
  compressors: { original: AnyCompressor; v2: CompressorV2 }[];
  hooks: { original: AnyHook; v2: HookV2 }[];
  /** Detectors shipped by the accepted compressors, in compressor order. */
  detectors: DetectorV2[];
  /** One `plugin`-stage error per rejected plugin. */
  errors: CompressError[];
  /** These plugins followed by `more` (per-call plugins after the pipeline's), validated the same way. */
  with(more: PluginLists): LoadedPlugins;
  /** The `detect` option as a detector. */
  detectFn(detect: DetectFunction): DetectorV2;
}

/** Plugins as a caller gives them. */
export interface PluginLists {
  compressors?: ReadonlyArray<AnyCompressor>;
  plugins?: ReadonlyArray<AnyCompressor>;
  hooks?: ReadonlyArray<AnyHook>;
}

const ENFORCE_ORDER = { pre: 0, normal: 1, post: 2 } as const;

/** Validates, upgrades and orders compressors (priority, then as given) and hooks (enforce, then as given). */
export function loadPlugins(o: PluginLists): LoadedPlugins {
  const given = [...(o.compressors ?? []), ...(o.plugins ?? [])];
  const hooksGiven = [...(o.hooks ?? [])];
  const errors: CompressError[] = [];
  const compressors = given
    .filter((c) => {
      const problem = compressorProblem(c);
      if (problem) errors.push({ stage: "plugin", ...(typeof c?.name === "string" ? { compressor: c.name } : {}), message: `${problem} (skipped)` });
      return !problem;
    })
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i)
    .map(({ c }) => ({ original: c, v2: asCompressorV2(c) }));
  const hooks = hooksGiven
    .filter((h) => {
      const problem = hookProblem(h);
      if (problem) errors.push({ stage: "plugin", message: `${problem} (skipped)` });
      return !problem;
    })
    .map((h, i) => ({ h, i }))
    .sort((a, b) => ENFORCE_ORDER[a.h.enforce ?? "normal"] - ENFORCE_ORDER[b.h.enforce ?? "normal"] || a.i - b.i)
    .map(({ h }) => ({ original: h, v2: asHookV2(h) }));
  const detectors = compressors.flatMap(({ v2 }) => [...(v2.detectors ?? [])]);
  return {
    compressors,
    hooks,
    detectors,
    errors,
    with: (more) => loadPlugins({ compressors: [...given, ...(more.compressors ?? []), ...(more.plugins ?? [])], hooks: [...hooksGiven, ...(more.hooks ?? [])] }),
    detectFn: (detect) => asDetectorV2(detect),
  };
}
