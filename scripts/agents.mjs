#!/usr/bin/env node
// `npm run test:agents`: end-to-end runs of `headroom wrap` / `headroom mcp install` with the REAL agents
// from npm (Claude Code, Codex) against scripted loopback upstreams. The agents are installed once into
// ~/.cache/headroom/agents/<name>-<version> (HEADROOM_AGENTS_DIR overrides) and reused when present.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Keep in step with AGENT_VERSIONS in apps/cli/agents/harness.ts.
const AGENTS = [
  { dir: "claude-code-2.1.332", pkg: "@anthropic-ai/claude-code@2.1.332", bin: "claude" },
  { dir: "codex-0.171.0", pkg: "@openai/codex@0.171.0", bin: "codex" },
];
const cache = process.env.HEADROOM_AGENTS_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "headroom", "agents");

for (const a of AGENTS) {
  const dir = join(cache, a.dir);
  if (existsSync(join(dir, "node_modules", ".bin", a.bin))) continue;
  mkdirSync(dir, { recursive: true });
  console.log(`test:agents: installing ${a.pkg} into ${dir} (once; reused afterwards)`);
  const r = spawnSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", a.pkg], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`test:agents: npm install ${a.pkg} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}
const r = spawnSync(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "vitest.agents.config.ts", ...process.argv.slice(2)], {
  cwd: join(root, "apps", "cli"),
  stdio: "inherit",
  env: { ...process.env, HEADROOM_AGENTS_DIR: cache },
});
process.exit(r.status ?? 1);
