import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO } from "./command.js";

/** An in-memory CliIO for tests: captures stdout/stderr, serves `stdin`, runs in a fresh temp directory. */
export function memoryIO(stdin: string | Uint8Array = "", env: Record<string, string | undefined> = {}): CliIO & { out: string; err: string } {
  const o = {
    out: "",
    err: "",
    stdout: (t: string) => {
      o.out += t;
    },
    stderr: (t: string) => {
      o.err += t;
    },
    readStdin: async () => stdin,
    env,
    cwd: mkdtempSync(join(tmpdir(), "headroom-cli-")),
  };
  return o;
}
