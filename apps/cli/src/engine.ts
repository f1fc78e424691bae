import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Pipeline, Store } from "@headroom/core";
import type { CliIO } from "./command.js";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { checkStorePath } from "./store-path.js";

/** The CLI package directory: plugins installed beside the CLI are discovered from here. */
export const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A router over every installed compressor plugin, counting with tiktoken encodings. */
export async function createEngine(cwd: string, io?: Pick<CliIO, "stderr">): Promise<Pipeline & { discoveryErrors: { name: string; message: string }[] }> {
  return createDefaultRouter({
    from: [CLI_DIR, cwd],
    tokenizer: tiktokenTokenizer,
    ...(io ? { onWarning: (m: string) => io.stderr(`headroom: ${m}\n`) } : {}),
  });
}

/** A store the CLI opened, and whether what it holds outlives this process. */
export interface CliStore {
  store: Store & { close?(): void };
  file: string;
  persistent: boolean;
  /** The store's own warnings (corrupt file moved aside, fallback to memory…). */
  warnings: string[];
}

/**
 * Whether a store keeps originals after this process exits. Asks the store (`persistent`), else the
 * SqliteStore's `isInMemory`; any other store (MemoryStore, unknown) is taken as not persistent.
 */
export function isPersistent(store: unknown): boolean {
  const s = store as { persistent?: unknown; isInMemory?: unknown } | null;
  if (typeof s?.persistent === "boolean") return s.persistent;
  if (typeof s?.isInMemory === "boolean") return !s.isInMemory;
  return false;
}

/** The store the CLI uses (a file-store directory or a SQLite file): `--store PATH` (relative to the user's directory), else the default. */
export async function cliStorePath(path: string | undefined, io: CliIO): Promise<string> {
  const ccr = await import("@headroom/ccr/node");
  if (path) return checkStorePath(path, io.cwd, "--store");
  return checkStorePath(ccr.defaultStorePath(io.env), io.cwd, io.env.HEADROOM_STORE ? "HEADROOM_STORE" : "the default store path");
}

/**
 * Opens the CCR store at `path` (relative to the user's directory), or at the default path
 * (HEADROOM_STORE, else the user data directory). Bad paths are one-line usage errors; a store that
 * could only open in memory comes back with `persistent: false` and its warnings.
 */
export async function openCliStore(path: string | undefined, io: CliIO): Promise<CliStore> {
  const file = await cliStorePath(path, io);
  const warnings: string[] = [];
  const ccr = await import("@headroom/ccr/node");
  const store = ccr.openStore(file, { onWarning: (m: string) => void warnings.push(m) });
  return { store, file, persistent: isPersistent(store), warnings };
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
