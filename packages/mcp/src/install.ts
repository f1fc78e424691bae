import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { hasTomlTable, removeTomlTable, renderTomlTable, setTomlTable } from "./toml.js";

/** Agents `headroom mcp install` knows, with where each keeps its user-level MCP servers. */
export const MCP_AGENTS = ["claude", "codex", "cursor", "windsurf", "gemini", "opencode"] as const;
export type McpAgent = (typeof MCP_AGENTS)[number];

/** How the agent starts the server. */
export interface McpServerCommand {
  command: string;
  args: string[];
}

export interface McpInstallOptions {
  agent: McpAgent;
  /** The command the agent runs (e.g. `headroom mcp serve`). */
  server: McpServerCommand;
  /** Entry name. Default `headroom`. */
  name?: string;
  /** Environment (HOME, PATH, CODEX_HOME, XDG_CONFIG_HOME, CLAUDE_CONFIG_DIR). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Only describe the change. */
  print?: boolean;
  /** Claude Code: use the `claude` CLI when found on PATH (default true). */
  useCli?: boolean;
}

export interface McpInstallResult {
  agent: McpAgent;
  /** `cli`: through `claude mcp add/remove`; `file`: the config file was edited. */
  method: "cli" | "file";
  path: string;
  /** False when the config already was as requested (install twice, uninstall when absent). */
  changed: boolean;
  /** Backup of the file as it was before the first install (kept until uninstall restores it). */
  backup?: string;
  /** Human description: the command run or the entry written/removed. */
  description: string;
}

const homeOf = (env: Record<string, string | undefined>) => env.HOME || env.USERPROFILE || homedir();

/** The documented user-level MCP config file of an agent. */
export function mcpConfigPath(agent: McpAgent, env: Record<string, string | undefined> = process.env): string {
  const home = homeOf(env);
  switch (agent) {
    case "claude":
      return join(env.CLAUDE_CONFIG_DIR || home, ".claude.json");
    case "codex":
      return join(env.CODEX_HOME || join(home, ".codex"), "config.toml");
    case "cursor":
      return join(home, ".cursor", "mcp.json");
    case "windsurf":
      return join(home, ".codeium", "windsurf", "mcp_config.json");
    case "gemini":
      return join(home, ".gemini", "settings.json");
    case "opencode":
      return join(env.XDG_CONFIG_HOME || join(home, ".config"), "opencode", "opencode.json");
  }
}

/** Finds an executable on PATH. */
export function which(cmd: string, env: Record<string, string | undefined> = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

type Json = Record<string, unknown>;
const readText = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

function parseJson(path: string, text: string | undefined): Json {
  if (text === undefined || !text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Json;
  } catch {
    /* below */
  }
  throw new Error(`${path} is not a JSON object; fix it or add the headroom entry by hand (headroom mcp install --print shows it)`);
}

/** The entry each JSON-configured agent expects, and the key its servers live under. */
function jsonEntry(agent: McpAgent, s: McpServerCommand): { key: string; entry: Json } {
  if (agent === "opencode") return { key: "mcp", entry: { type: "local", command: [s.command, ...s.args], enabled: true } };
  if (agent === "claude") return { key: "mcpServers", entry: { type: "stdio", command: s.command, args: s.args, env: {} } };
  return { key: "mcpServers", entry: { command: s.command, args: s.args } };
}

/** Writes `next` (or deletes the file for `undefined`), keeping a one-time backup of the original. */
function commit(path: string, before: string | undefined, next: string | undefined, install: boolean): string | undefined {
  const backup = `${path}.headroom-backup`;
  if (install && before !== undefined && !existsSync(backup)) copyFileSync(path, backup);
  if (next === undefined) rmSync(path, { force: true });
  else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, next);
  }
  return existsSync(backup) ? backup : undefined;
}

/** The file content after install or uninstall (undefined: the file should not exist). */
function edit(agent: McpAgent, path: string, before: string | undefined, name: string, server: McpServerCommand | undefined): string | undefined {
  if (agent === "codex") {
    const table = `mcp_servers.${name}`;
    if (!server) {
      const rest = removeTomlTable(before ?? "", table);
      return rest.trim() || existsSync(`${path}.headroom-backup`) ? rest : undefined;
    }
    return setTomlTable(before ?? "", table, renderTomlTable(table, { command: server.command, args: server.args }, ["headroom: added by `headroom mcp install`"]));
  }
  const obj = parseJson(path, before);
  const { key, entry } = jsonEntry(agent, server ?? { command: "", args: [] });
  const servers = { ...((obj[key] as Json | undefined) ?? {}) };
  if (server) servers[name] = entry;
  else delete servers[name];
  const next: Json = { ...obj, [key]: servers };
  if (!server && Object.keys(servers).length === 0) delete next[key];
  if (!server && Object.keys(next).length === 0 && before !== undefined && !existsSync(`${path}.headroom-backup`)) return undefined;
  return JSON.stringify(next, null, 2) + "\n";
}

/** After an uninstall that leaves the same data as the backup, the backup's exact bytes come back. */
function restoreBackup(path: string, next: string | undefined): string | undefined {
  const backup = `${path}.headroom-backup`;
  if (!existsSync(backup)) return next;
  const old = readFileSync(backup, "utf8");
  const same = path.endsWith(".toml") ? old.trim() === (next ?? "").trim() : JSON.stringify(safeParse(old)) === JSON.stringify(safeParse(next ?? "{}"));
  return same ? old : next;
}
const safeParse = (t: string) => {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
};

function runClaude(bin: string, args: string[], env: Record<string, string | undefined>): void {
  const r = spawnSync(bin, args, { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw new Error(`claude ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`claude ${args.join(" ")} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
}

/**
 * Registers the Headroom MCP server with an agent, at user level. Claude Code: `claude mcp add <name>
 * -s user -- <command>` when the `claude` CLI is on PATH, else `~/.claude.json`. Others: their documented
 * config file. Idempotent; the file as it was before the first install is kept as `<file>.headroom-backup`.
 */
export function installMcp(o: McpInstallOptions): McpInstallResult {
  return apply(o, o.server);
}

/** Removes what {@link installMcp} added; when nothing else changed, the file's original bytes return. */
export function uninstallMcp(o: Omit<McpInstallOptions, "server">): McpInstallResult {
  return apply(o, undefined);
}

function apply(o: Omit<McpInstallOptions, "server">, server: McpServerCommand | undefined): McpInstallResult {
  const env = o.env ?? process.env;
  const name = o.name ?? "headroom";
  const path = mcpConfigPath(o.agent, env);
  const before = readText(path);
  let next = edit(o.agent, path, before, name, server);
  if (!server) next = restoreBackup(path, next);
  const key = jsonEntry(o.agent, { command: "", args: [] }).key;
  const existing = before === undefined || o.agent === "codex" ? undefined : (parseJson(path, before)[key] as Json | undefined)?.[name];
  const present = before !== undefined && (o.agent === "codex" ? hasTomlTable(before, `mcp_servers.${name}`) : existing !== undefined);
  // The same entry already there (written by us or by `claude mcp add`, whatever the file's formatting) is no change.
  const same = server !== undefined && existing !== undefined && JSON.stringify(existing) === JSON.stringify(jsonEntry(o.agent, server).entry);
  const changed = server ? !same && next !== before : present;
  const cli = o.agent === "claude" && o.useCli !== false ? which("claude", env) : undefined;
  const what = server ? `${server.command} ${server.args.join(" ")}`.trim() : "";
  if (cli) {
    const args = server ? ["mcp", "add", name, "-s", "user", "--", server.command, ...server.args] : ["mcp", "remove", name, "-s", "user"];
    const description = `${o.print ? "would run" : "ran"}: claude ${args.join(" ")}`;
    if (!o.print && changed) {
      if (before !== undefined && !existsSync(`${path}.headroom-backup`)) copyFileSync(path, `${path}.headroom-backup`);
      if (server && present) runClaude(cli, ["mcp", "remove", name, "-s", "user"], env);
      runClaude(cli, args, env);
      if (!server) {
        const after = readText(path);
        const restored = restoreBackup(path, after);
        if (restored !== after && restored !== undefined) writeFileSync(path, restored);
        if (restored === readText(`${path}.headroom-backup`)) rmSync(`${path}.headroom-backup`, { force: true });
      }
    }
    return { agent: o.agent, method: "cli", path, changed, description, ...(existsSync(`${path}.headroom-backup`) ? { backup: `${path}.headroom-backup` } : {}) };
  }
  const description = server
    ? `${o.print ? "would add" : changed ? "added" : "already present"}: ${name} → ${what} in ${path}${o.print ? `\n${next ?? ""}` : ""}`
    : `${o.print ? "would remove" : changed ? "removed" : "not present"}: ${name} from ${path}`;
  if (o.print || !changed) return { agent: o.agent, method: "file", path, changed, description };
  const backup = commit(path, before, next, !!server);
  // Uninstall that brought the original back: the backup has served its purpose.
  if (!server && backup && (next === readFileSync(backup, "utf8") || next === undefined)) rmSync(backup, { force: true });
  return { agent: o.agent, method: "file", path, changed, description, ...(existsSync(`${path}.headroom-backup`) ? { backup: `${path}.headroom-backup` } : {}) };
}
