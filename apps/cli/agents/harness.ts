import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Versions the end-to-end runs pin (scripts/agents.mjs installs exactly these). */
export const AGENT_VERSIONS = { claude: "2.1.332", codex: "0.171.0" } as const;

export const CLI_BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "headroom.mjs");

/** Where scripts/agents.mjs caches the npm installs (reused when present). */
export function agentsDir(): string {
  return process.env.HEADROOM_AGENTS_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "headroom", "agents");
}

/** The agent executable in the cache, or a clear error naming the command that installs it. */
export function agentBin(agent: "claude" | "codex"): string {
  const pkg = agent === "claude" ? `claude-code-${AGENT_VERSIONS.claude}` : `codex-${AGENT_VERSIONS.codex}`;
  const p = join(agentsDir(), pkg, "node_modules", ".bin", agent);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`pnpm test:agents\` (it installs the agents from npm into ${agentsDir()})`);
  return p;
}

/** A large, realistic log: routine lines with one distinctive error in the middle. */
export function bigLog(lines = 1200): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ts = `2026-04-02T09:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}Z`;
    if (i === Math.floor(lines * 0.6)) out.push(`${ts} ERROR billing-worker invoice inv_66120 failed: ledger lock timeout after 30000ms (shard 7)`);
    else out.push(`${ts} INFO request-router routed GET /api/v2/catalog/items?page=${i % 40} to pool-${i % 5} in ${3 + (i % 11)}ms status=200`);
  }
  return out.join("\n") + "\n";
}

/** Runs `headroom …` as a child; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, cwd: string, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Environment that keeps an agent offline except for the loopback URLs we give it. */
export function offlineEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    TERM: "dumb",
    CI: "true",
    // Claude Code: no telemetry, error reporting, auto-update or other background traffic.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    // Nothing may leave the machine: any non-loopback connection fails fast.
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
  };
}

/** A large Python module: many similar handlers and one distinctive function. */
export function sourceFile(handlers = 120): string {
  const lines = ["import json", "import os", "", ""];
  for (let i = 0; i < handlers; i++) {
    if (i === 70) lines.push("def charge_card(card, amount):", "    raise RuntimeError('ledger lock timeout after 30000ms')", "", "");
    lines.push(
      `def handler_${i}(event, context):`,
      `    """Handle event type ${i}."""`,
      "    payload = json.loads(event['body'])",
      `    if payload.get('kind') == 'k${i}':`,
      `        return {'status': 200, 'id': ${i}}`,
      `    value = payload.get('value', 0) * ${i}`,
      "    for item in payload.get('items', []):",
      "        value += len(str(item))",
      "    return {'status': 202, 'value': value}",
      "",
      "",
    );
  }
  return lines.join("\n") + "\n";
}
