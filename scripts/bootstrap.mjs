#!/usr/bin/env node
// `npm test` / `npm run demo` on a machine with only Node 20 and npm: installs the workspace with pnpm
// (through npx when pnpm 12 is not on PATH), builds, then runs the tests or the demo.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = "12.21.0";
const env = { ...process.env };
// better-sqlite3 compiles from source; node-gyp must use the local Node headers instead of downloading.
if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
// onnxruntime-node's postinstall would try to download GPU providers.
env.ONNXRUNTIME_NODE_INSTALL ??= "skip";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function pnpm(args) {
  const v = spawnSync("pnpm", ["--version"], { env, encoding: "utf8" });
  if (!v.error && v.status === 0 && v.stdout.trim().startsWith("12.")) run("pnpm", args);
  else run("npx", ["-y", `pnpm@${PNPM}`, ...args]);
}

const task = process.argv[2];
if (!existsSync(join(root, "node_modules", ".modules.yaml"))) pnpm(["install", "--frozen-lockfile"]);
pnpm(["exec", "turbo", "run", "build"]);
if (task === "test") run(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...process.argv.slice(3)]);
else if (task === "demo") run(process.execPath, [join(root, "apps", "cli", "bin", "headroom.mjs"), "demo", ...process.argv.slice(3)]);
// Type-checks every package, then every test file (tsconfig.test.json), then lints (biome.json's scope).
else if (task === "typecheck") pnpm(["run", "typecheck"]);
else if (task === "lint") pnpm(["run", "lint"]);
else if (task !== "build") {
  console.error(`bootstrap: unknown task ${task} (test, demo, typecheck, lint or build)`);
  process.exit(2);
}
