import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Pipeline, Store } from "@headroom/core";
import type { CliIO } from "./command.js";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";

/** The CLI package directory: plugins installed beside the CLI are discovered from here. */
export const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A router over every installed compressor plugin, counting with tiktoken encodings. */
export async function createEngine(cwd: string): Promise<Pipeline & { discoveryErrors: { name: string; message: string }[] }> {
  return createDefaultRouter({ from: [CLI_DIR, cwd], tokenizer: tiktokenTokenizer });
}

/**
 * Opens the SQLite CCR store at `path` (relative to the user's directory), or at the default path
 * (HEADROOM_STORE, else the user data directory). Store warnings go to the CLI's stderr.
 */
export async function openCliStore(path: string | undefined, io: CliIO): Promise<Store & { close?(): void }> {
  const ccr = await import("@headroom/ccr/node");
  const file = path ? resolve(io.cwd, path) : ccr.defaultStorePath(io.env);
  return ccr.openStore(file, { onWarning: (m: string) => io.stderr(`headroom: ${m}\n`) });
}

/** The default store path (for `headroom help`). */
export async function defaultStorePathText(env: Record<string, string | undefined> = process.env): Promise<string> {
  try {
    const ccr = await import("@headroom/ccr/node");
    return ccr.defaultStorePath(env);
  } catch {
    return "(install @headroom/ccr)";
  }
}
