#!/usr/bin/env node
// `pnpm headroom …` inside this repository (not shipped): pnpm runs root scripts from the repo root, so
// the directory the user typed the command in comes from INIT_CWD. The published bin never reads it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../apps/cli/dist/index.js", import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write("headroom: the CLI is not built yet: run `pnpm build` in the repository first\n");
  process.exit(2);
}
const { main, processIO } = await import(dist);
const io = processIO();
if (process.env.INIT_CWD) io.cwd = process.env.INIT_CWD;
process.exitCode = await main(process.argv.slice(2), io);
