import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { hasTomlTable, removeTomlTable, renderTomlTable, setTomlTable } from "@headroom/mcp";

/** The provider `headroom wrap codex` adds to Codex's config.toml and selects with `-c model_provider=`. */
export const CODEX_PROVIDER = "headroom";
const TABLE = `model_providers.${CODEX_PROVIDER}`;
const OWNER = /^# headroom wrap: pid (\d+) /m;

/** `$CODEX_HOME/config.toml`, default `~/.codex/config.toml`. */
export function codexConfigPath(env: Record<string, string | undefined>): string {
  return join(env.CODEX_HOME || join(env.HOME || env.USERPROFILE || homedir(), ".codex"), "config.toml");
}

/** Whether a process is alive (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What a config file says about a wrap that wrote it: its pid and proxy URL, if any. */
export function codexWrapState(path: string): { pid: number; baseUrl?: string } | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  if (!hasTomlTable(text, TABLE)) return undefined;
  const pid = Number(OWNER.exec(text)?.[1] ?? 0);
  const baseUrl = /^base_url = "([^"]+)"/m.exec(text.slice(text.indexOf(`[${TABLE}]`)))?.[1];
  return { pid, ...(baseUrl ? { baseUrl } : {}) };
}

/**
 * Removes the provider entry a wrap left behind when its process is gone (after `kill -9` or a crash),
 * or always with `force`. Returns true when something was removed. A file that held nothing but the
 * entry (the wrap created it) is deleted.
 */
export function healCodexConfig(path: string, force = false): boolean {
  const state = codexWrapState(path);
  if (!state) return false;
  if (!force && state.pid && alive(state.pid)) return false;
  removeCodexProvider(path);
  return true;
}

/**
 * Writes the `[model_providers.headroom]` entry pointing Codex at the proxy over HTTP. Codex 0.17x first
 * tries the Responses API over a WebSocket and, when that fails, does not use OPENAI_BASE_URL for its HTTP
 * fallback; `supports_websockets = false` with `wire_api = "responses"` makes it POST /v1/responses here.
 */
export function writeCodexProvider(path: string, baseUrl: string, env: Record<string, string | undefined>): void {
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const auth: Record<string, string | boolean> = env.OPENAI_API_KEY ? { env_key: "OPENAI_API_KEY" } : { requires_openai_auth: true };
  const block = renderTomlTable(
    TABLE,
    { name: "Headroom proxy", base_url: `${baseUrl}/v1`, wire_api: "responses", supports_websockets: false, ...auth },
    [`headroom wrap: pid ${process.pid} — removed when that wrap ends; \`headroom unwrap codex\` removes it if it was killed`],
  );
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, setTomlTable(before, TABLE, block));
  if (!before) writeFileSync(`${path}.headroom-created`, "");
}

/** Takes the entry out again; the rest of the file is byte-identical to what it was. */
export function removeCodexProvider(path: string): void {
  if (!existsSync(path)) return;
  const rest = removeTomlTable(readFileSync(path, "utf8"), TABLE);
  const created = existsSync(`${path}.headroom-created`);
  if (created && !rest.trim()) rmSync(path, { force: true });
  else writeFileSync(path, rest);
  rmSync(`${path}.headroom-created`, { force: true });
}
