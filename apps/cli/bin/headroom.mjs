#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write("headroom: the CLI is not built yet: run `pnpm build` in the repository first\n");
  process.exit(2);
}
const { main, processIO } = await import(dist);
const io = processIO();
// The cwd of `pnpm headroom …` is the repo root; INIT_CWD is where the user typed the command.
if (process.env.INIT_CWD) io.cwd = process.env.INIT_CWD;
process.exitCode = await main(process.argv.slice(2), io);
