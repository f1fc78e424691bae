import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Pipeline, Store } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";

/** The CLI package directory: plugins installed beside the CLI are discovered from here. */
export const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A router over every installed compressor plugin, counting with tiktoken encodings. */
export async function createEngine(cwd: string): Promise<Pipeline & { discoveryErrors: { name: string; message: string }[] }> {
  return createDefaultRouter({ from: [CLI_DIR, cwd], tokenizer: tiktokenTokenizer });
}

/** Opens the SQLite CCR store at `path`, or at the default data-directory path. */
export async function openCliStore(path: string | undefined): Promise<Store & { close?(): void }> {
  const ccr = await import("@headroom/ccr");
  return ccr.openStore(path);
}

/** The default store path (for `headroom help`). */
export async function defaultStorePathText(): Promise<string> {
  try {
    const ccr = await import("@headroom/ccr");
    return ccr.defaultStorePath();
  } catch {
    return "(install @headroom/ccr)";
  }
}
