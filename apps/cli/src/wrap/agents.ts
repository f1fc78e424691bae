import { codexConfigPath, CODEX_PROVIDER, removeCodexProvider, writeCodexProvider } from "./codex-config.js";

type Env = Record<string, string | undefined>;

/** What `wrap` does for one agent: extra environment, extra leading arguments, config to write and undo. */
export interface AgentPlan {
  env: Record<string, string>;
  args: string[];
  /** Config files touched (shown by --print, healed by unwrap). */
  files: string[];
  setup?(): void;
  restore?(): void;
}

/** An agent `headroom wrap` knows. */
export interface AgentSpec {
  name: string;
  /** Executable started by default. */
  command: string;
  /** No child process: settings are typed by hand into the app (Cursor); wrap prints them and keeps the proxy up. */
  printOnly?: boolean;
  /** Which upstream an existing base URL in the environment becomes (Claude Code: ANTHROPIC_BASE_URL). */
  upstream(env: Env): { openaiBaseUrl?: string; anthropicBaseUrl?: string };
  plan(proxyUrl: string, env: Env): AgentPlan;
  /** For printOnly agents: what to type where. */
  instructions?(proxyUrl: string): string;
}

const openaiUpstream = (env: Env, ...keys: string[]) => {
  for (const k of keys) if (env[k]) return { openaiBaseUrl: env[k]! };
  return {};
};

export const AGENTS: Record<string, AgentSpec> = {
  claude: {
    name: "Claude Code",
    command: "claude",
    upstream: (env) => (env.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: env.ANTHROPIC_BASE_URL } : {}),
    plan: (url) => ({ env: { ANTHROPIC_BASE_URL: url }, args: [], files: [] }),
  },
  codex: {
    name: "Codex",
    command: "codex",
    upstream: (env) => openaiUpstream(env, "OPENAI_BASE_URL"),
    plan: (url, env) => {
      const path = codexConfigPath(env);
      return {
        env: {},
        // `-c` selects the provider for this run only; the file entry is what it selects.
        args: ["-c", `model_provider="${CODEX_PROVIDER}"`],
        files: [path],
        setup: () => writeCodexProvider(path, url, env),
        restore: () => removeCodexProvider(path),
      };
    },
  },
  aider: {
    name: "aider",
    command: "aider",
    upstream: (env) => ({ ...openaiUpstream(env, "OPENAI_API_BASE", "OPENAI_BASE_URL"), ...(env.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: env.ANTHROPIC_BASE_URL } : {}) }),
    plan: (url) => ({ env: { OPENAI_API_BASE: `${url}/v1`, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_BASE: url }, args: [], files: [] }),
  },
  opencode: {
    name: "opencode",
    command: "opencode",
    upstream: (env) => openaiUpstream(env, "OPENAI_BASE_URL"),
    plan: (url, env) => {
      // OPENCODE_CONFIG_CONTENT is merged over the user's config for this run only: nothing to restore.
      const extra = { provider: { anthropic: { options: { baseURL: `${url}/v1` } }, openai: { options: { baseURL: `${url}/v1` } } } };
      const prior = env.OPENCODE_CONFIG_CONTENT ? safeJson(env.OPENCODE_CONFIG_CONTENT) : {};
      return { env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(deepMerge(prior, extra)) }, args: [], files: [] };
    },
  },
  goose: {
    name: "goose",
    command: "goose",
    upstream: (env) => ({ ...openaiUpstream(env, "OPENAI_HOST"), ...(env.ANTHROPIC_HOST ? { anthropicBaseUrl: env.ANTHROPIC_HOST } : {}) }),
    plan: (url) => ({ env: { OPENAI_HOST: url, ANTHROPIC_HOST: url }, args: [], files: [] }),
  },
  cursor: {
    name: "Cursor",
    command: "",
    printOnly: true,
    upstream: (env) => openaiUpstream(env, "OPENAI_BASE_URL"),
    plan: () => ({ env: {}, args: [], files: [] }),
    instructions: (url) =>
      [
        "Cursor: Settings → Models → API Keys:",
        "  OpenAI API Key:            your key",
        `  Override OpenAI Base URL:  ${url}/v1`,
        "Cursor sends these requests from its own servers, so a loopback URL only works for features that call",
        "from your machine; for the rest, serve the proxy on a reachable address (headroom proxy --host 0.0.0.0",
        "--token T) behind HTTPS.",
      ].join("\n"),
  },
};

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = prev && typeof prev === "object" && !Array.isArray(prev) && v && typeof v === "object" && !Array.isArray(v) ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
