/**
 * Model resolution: where the ONNX token classifier and its tokenizer are, and what its labels mean.
 * A model directory holds `model.onnx`, `tokenizer.json` and a label config (`config.json` with
 * `id2label`, as Hugging Face and optimum write it); optional `tokenizer_config.json` and
 * `headroom.json` refine it. Nothing is downloaded unless the caller passes a URL (`fetchModel`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The files a model directory must hold. */
export const REQUIRED_FILES = ["model.onnx", "tokenizer.json", "config.json"] as const;

/** `headroom.json`: optional overrides for exports whose config does not say enough. */
export interface HeadroomModelConfig {
  /** Index of the "keep" label in the model output. */
  keepLabel?: number;
  /** Tokens per sequence, special tokens included (default: tokenizer_config `model_max_length`, capped at 512; this value is not capped). */
  maxLength?: number;
  /** `logits` (default; softmax is applied) or `probabilities` (the graph ends in Softmax). */
  output?: "logits" | "probabilities";
  /** Name of the output tensor (default: `logits`, else the first output). */
  outputName?: string;
}

/** A resolved, validated model directory. */
export interface ModelSpec {
  dir: string;
  modelPath: string;
  tokenizerPath: string;
  tokenizerConfigPath?: string;
  keepLabel: number;
  numLabels: number;
  maxLength: number;
  output: "logits" | "probabilities";
  outputName?: string;
}

/** The model directory configured by option or `HEADROOM_TEXT_ML_MODEL`; undefined when neither is set. */
export function configuredModelDir(model?: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const m = model ?? env.HEADROOM_TEXT_ML_MODEL;
  return m?.trim() ? resolve(m.trim()) : undefined;
}

const readJson = (path: string): Record<string, unknown> => {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`text-ml: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
};

/** The index of the label that means "keep this token": `keep`/`preserve`/`LABEL_1`-style names, else 1. */
export function keepLabelOf(id2label: Record<string, unknown> | undefined): { keep: number; count: number } {
  const entries = Object.entries(id2label ?? {}).map(([k, v]) => [Number(k), String(v)] as const).filter(([k]) => Number.isInteger(k));
  const count = Math.max(2, entries.length);
  const named = entries.find(([, v]) => /^(?:keep|preserve|retain|1|label_1|b-keep)$/i.test(v));
  return { keep: named ? named[0] : 1, count };
}

/**
 * Validates a model directory and reads its configuration. Throws one clear error naming the path and
 * what is missing or wrong.
 */
export function resolveModel(dir: string): ModelSpec {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`text-ml: model directory ${abs} does not exist (expected a directory with ${REQUIRED_FILES.join(", ")})`);
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(abs, f)));
  if (missing.length) throw new Error(`text-ml: model directory ${abs} is missing ${missing.join(", ")} (expected ${REQUIRED_FILES.join(", ")}; see the README for export commands)`);
  const config = readJson(join(abs, "config.json"));
  const tokenizerConfigPath = existsSync(join(abs, "tokenizer_config.json")) ? join(abs, "tokenizer_config.json") : undefined;
  const tcfg = tokenizerConfigPath ? readJson(tokenizerConfigPath) : {};
  const hcfg = (existsSync(join(abs, "headroom.json")) ? readJson(join(abs, "headroom.json")) : {}) as HeadroomModelConfig;
  const labels = keepLabelOf(config.id2label as Record<string, unknown> | undefined);
  const keepLabel = hcfg.keepLabel ?? labels.keep;
  if (!Number.isInteger(keepLabel) || keepLabel < 0 || keepLabel >= labels.count) throw new Error(`text-ml: ${join(abs, "headroom.json")} keepLabel ${keepLabel} is not one of the ${labels.count} labels`);
  // Tokenizer configs often say 1e30 for "unbounded", and long-context encoders cost quadratically:
  // 512 unless headroom.json asks for more explicitly.
  const declared = Number(tcfg.model_max_length ?? config.max_position_embeddings ?? 512);
  const fromConfig = Number.isFinite(declared) && declared >= 8 ? Math.min(Math.floor(declared), 512) : 512;
  const explicit = Number(hcfg.maxLength);
  const maxLength = hcfg.maxLength !== undefined && Number.isInteger(explicit) && explicit >= 8 ? explicit : fromConfig;
  return {
    dir: abs,
    modelPath: join(abs, "model.onnx"),
    tokenizerPath: join(abs, "tokenizer.json"),
    ...(tokenizerConfigPath ? { tokenizerConfigPath } : {}),
    keepLabel,
    numLabels: labels.count,
    maxLength,
    output: hcfg.output === "probabilities" ? "probabilities" : "logits",
    ...(hcfg.outputName ? { outputName: hcfg.outputName } : {}),
  };
}

/**
 * Opt-in download: fetches the model files from `url` (a directory URL; each file is `url + name`) into
 * `cacheDir` once, and returns the directory. Only called when the user configured `modelUrl`.
 */
export async function fetchModel(url: string, cacheDir: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const base = url.endsWith("/") ? url : `${url}/`;
  mkdirSync(cacheDir, { recursive: true });
  const optional = ["tokenizer_config.json", "headroom.json"];
  for (const name of [...REQUIRED_FILES, ...optional]) {
    const dest = join(cacheDir, name);
    if (existsSync(dest)) continue;
    const res = await fetchImpl(base + name);
    if (!res.ok) {
      if (optional.includes(name) && res.status === 404) continue;
      throw new Error(`text-ml: downloading ${base + name} failed: HTTP ${res.status}`);
    }
    // Write then rename, so an interrupted download never leaves a half file that looks complete.
    writeFileSync(`${dest}.part`, new Uint8Array(await res.arrayBuffer()));
    renameSync(`${dest}.part`, dest);
  }
  return cacheDir;
}
