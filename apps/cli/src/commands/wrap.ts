import { resolve } from "node:path";
import { numberOption, stringOption } from "../args.js";
import { UsageError, untilSignal, type CliCommand, type CliIO, type ParsedArgs } from "../command.js";
import { CLI_DIR } from "../engine.js";
import { AGENTS, type AgentSpec } from "../wrap/agents.js";
import { runChild } from "../wrap/child.js";
import { alive, codexConfigPath, codexWrapState, healCodexConfig } from "../wrap/codex-config.js";

interface Counters {
  requests: number;
  before: number;
  saved: number;
  retrievals: number;
}

const counters = (s: Record<string, unknown>): Counters => {
  const t = (s.tokens ?? {}) as { tokens_before?: number; tokens_saved?: number };
  const r = (s.retrieve ?? {}) as { calls?: number };
  return { requests: Number(s.requests ?? 0), before: t.tokens_before ?? 0, saved: t.tokens_saved ?? 0, retrievals: r.calls ?? 0 };
};

/** The one line `wrap` prints when the agent exits. */
export function summaryLine(c: Counters): string {
  const pct = c.before ? ` (${((c.saved / c.before) * 100).toFixed(1)}%)` : "";
  return `headroom: ${c.requests} request${c.requests === 1 ? "" : "s"}, ${c.saved.toLocaleString("en-US")} tokens saved${pct}, ${c.retrievals} retrieval${c.retrievals === 1 ? "" : "s"}`;
}

/** A Headroom proxy answering at `url`, or undefined. */
async function headroomAt(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const h = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1500) })).json()) as { service?: string };
    if (h.service !== "headroom-proxy") return undefined;
    return (await (await fetch(`${url}/stats`, { signal: AbortSignal.timeout(1500) })).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The proxy to use: one already running (given port, or the one a live wrap of the same agent uses), or a new one. */
async function acquireProxy(spec: AgentSpec, args: ParsedArgs, io: CliIO, reuse: string | undefined) {
  const port = numberOption(args, "port");
  for (const url of [reuse, port !== undefined && port > 0 ? `http://127.0.0.1:${port}` : undefined]) {
    if (!url) continue;
    const stats = await headroomAt(url);
    if (stats) return { url, started: false as const, before: counters(stats), stats: async () => counters((await headroomAt(url)) ?? {}), close: async () => {} };
  }
  const { startProxy } = await import("@headroom/proxy/node");
  const ccr = await import("@headroom/ccr/node");
  const env = io.env;
  const store = stringOption(args, "store");
  const up = spec.upstream(env);
  const proxy = await startProxy({
    host: "127.0.0.1",
    port: port ?? 0,
    storePath: store ? resolve(io.cwd, store) : ccr.defaultStorePath(env),
    pluginsFrom: [CLI_DIR, io.cwd],
    openaiBaseUrl: up.openaiBaseUrl ?? env.HEADROOM_OPENAI_BASE_URL ?? "https://api.openai.com",
    anthropicBaseUrl: up.anthropicBaseUrl ?? env.HEADROOM_ANTHROPIC_BASE_URL ?? "https://api.anthropic.com",
    ...(args.options.verbose ? { log: (l: string) => io.stderr(`${l}\n`) } : {}),
  });
  return { url: proxy.url, started: true as const, before: counters({}), stats: async () => counters(proxy.app.stats.toJSON()), close: () => proxy.close() };
}

/** Heals what an earlier wrap of this agent left behind if it was killed; returns a live wrap's proxy URL. */
function heal(agent: string, io: CliIO): string | undefined {
  if (agent !== "codex") return undefined;
  const path = codexConfigPath(io.env);
  const state = codexWrapState(path);
  if (state?.pid && alive(state.pid) && state.pid !== process.pid) return state.baseUrl?.replace(/\/v1$/, "");
  if (healCodexConfig(path)) io.stderr(`headroom: removed the provider entry a killed wrap (pid ${state?.pid}) left in ${path}\n`);
  return undefined;
}

async function wrap(args: ParsedArgs, io: CliIO): Promise<number> {
  const [agent, ...rest] = args.positionals;
  if (!agent) throw new UsageError(`missing agent: headroom wrap <${Object.keys(AGENTS).join("|")}> [-- agent args]`);
  const spec = AGENTS[agent];
  if (!spec) throw new UsageError(`unknown agent ${agent} (one of ${Object.keys(AGENTS).join(", ")})`);
  const liveUrl = heal(agent, io);
  // An existing base URL that is itself a Headroom proxy (a wrap inside a wrap) is reused, not chained.
  const existing = Object.values(spec.upstream(io.env))[0];
  const reuse = liveUrl ?? (existing && (await headroomAt(existing.replace(/\/v1\/?$/, ""))) ? existing.replace(/\/v1\/?$/, "") : undefined);
  if (args.options.print && !spec.printOnly) {
    const plan = spec.plan("http://127.0.0.1:<port>", io.env);
    io.stdout(
      [
        `headroom wrap ${agent} would start a proxy on a free loopback port${reuse ? ` (or reuse ${reuse})` : ""} and run:`,
        ...Object.entries(plan.env).map(([k, v]) => `  ${k}=${v}`),
        `  ${stringOption(args, "command") ?? spec.command} ${[...plan.args, ...rest].join(" ")}`.trimEnd(),
        ...plan.files.map((f) => `  editing ${f} for the run (restored on exit; headroom unwrap ${agent} heals it after a crash)`),
        "",
      ].join("\n"),
    );
    return 0;
  }
  if (agent === "codex" && !io.env.OPENAI_API_KEY)
    io.stderr("headroom: OPENAI_API_KEY is not set; Codex signed in with ChatGPT talks to chatgpt.com, which the proxy does not route yet\n");
  const proxy = await acquireProxy(spec, args, io, reuse);
  if (spec.printOnly) return printOnly(spec, proxy, io);
  const plan = spec.plan(proxy.url, io.env);
  const owner = proxy.started || !liveUrl; // a wrap that reuses another live wrap's entry leaves it to that wrap
  let restored = false;
  const restore = () => {
    if (restored || !owner) return;
    restored = true;
    plan.restore?.();
  };
  // A normal exit, an exception or a signal-driven exit all restore; only SIGKILL cannot (unwrap heals it).
  process.once("exit", restore);
  try {
    if (owner) plan.setup?.();
    const code = await runChild(stringOption(args, "command") ?? spec.command, [...plan.args, ...rest], { ...io.env, ...plan.env }, io.cwd);
    const now = await proxy.stats();
    io.stderr(`${summaryLine({ requests: now.requests - proxy.before.requests, before: now.before - proxy.before.before, saved: now.saved - proxy.before.saved, retrievals: now.retrievals - proxy.before.retrievals })}\n`);
    return code;
  } finally {
    restore();
    process.off("exit", restore);
    await proxy.close();
  }
}

async function printOnly(spec: AgentSpec, proxy: Awaited<ReturnType<typeof acquireProxy>>, io: CliIO): Promise<number> {
  io.stdout(`${spec.instructions?.(proxy.url) ?? ""}\n\nThe proxy runs until Ctrl-C.\n`);
  await untilSignal();
  io.stderr(`${summaryLine(await proxy.stats())}\n`);
  await proxy.close();
  return 0;
}

/** `headroom wrap <agent> [-- args]`: runs a coding agent through a Headroom proxy. */
export const command: CliCommand = {
  name: "wrap",
  summary: "run a coding agent (claude, codex, aider, opencode, goose) through a Headroom proxy",
  usage: [
    "headroom wrap <claude|codex|aider|opencode|goose|cursor> [--port N] [--store PATH] [--command PATH] [--print] [-- agent args]",
    "",
    "Starts the proxy on a free loopback port (or reuses the one on --port), points the agent at it, runs it",
    "with your terminal, passes signals and its exit code through, and prints requests, tokens saved and",
    "retrievals at the end.",
    "",
    "  claude     ANTHROPIC_BASE_URL (an ANTHROPIC_BASE_URL you already set becomes the proxy's upstream)",
    "  codex      a [model_providers.headroom] entry in $CODEX_HOME/config.toml (HTTP Responses API, no",
    "             WebSocket), selected with -c model_provider=headroom, removed on exit",
    "  aider      OPENAI_API_BASE and ANTHROPIC_BASE_URL",
    "  opencode   provider baseURL overrides through OPENCODE_CONFIG_CONTENT",
    "  goose      OPENAI_HOST and ANTHROPIC_HOST",
    "  cursor     prints the settings to type into Cursor and keeps the proxy running",
    "",
    "  --port N        use (or start) the proxy on this port",
    "  --store PATH    CCR store (default the shared one)",
    "  --command PATH  the agent executable (default: its usual name on PATH)",
    "  --print         show what would be set and run, run nothing",
    "  --verbose       proxy request log on stderr",
    "",
    "Examples:",
    "  headroom wrap claude",
    '  headroom wrap claude -- -p "why does the build fail?"',
    '  headroom wrap codex -- exec "fix the failing test"',
  ].join("\n"),
  options: { port: true, store: true, command: true, print: false, verbose: false, help: false },
  run: wrap,
};

/** `headroom unwrap [agent]`: removes config a killed wrap left behind. */
export const unwrapCommand: CliCommand = {
  name: "unwrap",
  summary: "undo config a killed `headroom wrap` left behind (Codex provider entry)",
  usage: [
    "headroom unwrap [codex] [--force]",
    "",
    "Removes the [model_providers.headroom] entry `headroom wrap codex` writes, when the wrap that wrote it",
    "is gone (killed, crashed). --force removes it even while that wrap still runs. Other agents are",
    "configured through the environment only, so there is nothing to undo for them.",
  ].join("\n"),
  options: { force: false, help: false },
  async run(args, io) {
    const [agent = "codex", ...rest] = args.positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (!AGENTS[agent]) throw new UsageError(`unknown agent ${agent} (one of ${Object.keys(AGENTS).join(", ")})`);
    if (agent !== "codex") {
      io.stdout(`headroom unwrap: ${agent} is configured through the environment only; nothing to undo\n`);
      return 0;
    }
    const path = codexConfigPath(io.env);
    const state = codexWrapState(path);
    if (!state) {
      io.stdout(`headroom unwrap: ${path} has no headroom entry\n`);
      return 0;
    }
    if (!healCodexConfig(path, args.options.force === true)) {
      io.stderr(`headroom unwrap: the wrap that wrote ${path} (pid ${state.pid}) is still running; it restores the file when it ends (--force to remove now)\n`);
      return 1;
    }
    io.stdout(`headroom unwrap: removed the headroom provider entry from ${path}\n`);
    return 0;
  },
};
