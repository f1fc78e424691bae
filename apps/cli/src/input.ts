/**
 * Turns input bytes into text without losing any: invalid UTF-8 (or binary data) would be replaced by
 * U+FFFD, so the "original" stored for retrieval would differ from what the user gave. Such input is
 * refused with one line. A byte-order mark is kept, so output and stored originals keep it too.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type CliIO } from "./command.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes `bytes` as strict UTF-8; `what` names the input in the error. */
export function decodeText(bytes: string | Uint8Array, what: string): string {
  if (typeof bytes === "string") return bytes;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new UsageError(`${what} is not UTF-8 text (binary data?): headroom compresses text, nothing was done`);
  }
  // Text files do not contain NUL; binary files that happen to be valid UTF-8 (rare) do.
  if (text.includes("\0")) throw new UsageError(`${what} contains NUL bytes (binary data?): headroom compresses text, nothing was done`);
  return text;
}

/** Reads FILE (relative to the user's directory) or stdin (`-` or no FILE) as text. */
export async function readInput(file: string | undefined, io: CliIO): Promise<string> {
  if (!file || file === "-") return decodeText(await io.readStdin(), "stdin");
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(io.cwd, file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${fsReason(e)}`);
  }
  return decodeText(bytes, file);
}

/** A filesystem error as a few words, without Node's internal phrasing. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only filesystem";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}
