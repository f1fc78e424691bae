import { join, resolve } from "node:path";
import { numberOption, stringOption } from "../args.js";
import { UsageError, untilSignal, type CliCommand, type CliIO, type ParsedArgs } from "../command.js";
import { CLI_DIR } from "../engine.js";

/** How an agent should start `headroom mcp serve`: `headroom` when it is on PATH, else this very CLI. */
async function serverCommand(io: CliIO, store: string | undefined): Promise<{ command: string; args: string[] }> {
  const { which } = await import("@headroom/mcp/node");
  const extra = store ? ["--store", resolve(io.cwd, store)] : [];
  if (which("headroom", io.env)) return { command: "headroom", args: ["mcp", "serve", ...extra] };
  return { command: process.execPath, args: [join(CLI_DIR, "bin", "headroom.mjs"), "mcp", "serve", ...extra] };
}

async function serve(args: ParsedArgs, io: CliIO): Promise<number> {
  const mcp = await import("@headroom/mcp/node");
  const store = stringOption(args, "store");
  const common = { ...(store ? { storePath: resolve(io.cwd, store) } : {}), env: io.env, pluginsFrom: [CLI_DIR, io.cwd] };
  if (!args.options.http) {
    // stdout is the protocol: nothing else may be written there.
    const running = await mcp.serveMcpStdio(common);
    await running.closed;
    return 0;
  }
  const host = stringOption(args, "host") ?? "127.0.0.1";
  const token = stringOption(args, "token") ?? (io.env.HEADROOM_MCP_TOKEN || undefined);
  if (!mcp.isLoopbackHost(host) && !token) throw new UsageError(`--host ${host} is not loopback: set --token (or HEADROOM_MCP_TOKEN)`);
  const running = await mcp.serveMcpHttp({ ...common, host, ...(token ? { token } : {}), port: numberOption(args, "port") ?? 8788 });
  io.stdout(`headroom mcp listening on ${running.url} (Streamable HTTP${token ? ", bearer token required" : ", loopback only"})\nStop: Ctrl-C\n`);
  await untilSignal();
  await running.close();
  return 0;
}

async function install(args: ParsedArgs, io: CliIO, remove: boolean): Promise<number> {
  const mcp = await import("@headroom/mcp/node");
  const agent = stringOption(args, "agent") ?? "claude";
  if (!(mcp.MCP_AGENTS as readonly string[]).includes(agent)) throw new UsageError(`unknown --agent ${agent} (one of ${mcp.MCP_AGENTS.join(", ")})`);
  const base = { agent: agent as (typeof mcp.MCP_AGENTS)[number], env: io.env, print: args.options.print === true, ...(stringOption(args, "name") ? { name: stringOption(args, "name")! } : {}) };
  const r = remove ? mcp.uninstallMcp(base) : mcp.installMcp({ ...base, server: await serverCommand(io, stringOption(args, "store")) });
  io.stdout(`${r.description}\n`);
  if (r.backup && !args.options.print) io.stdout(`backup of the original: ${r.backup}\n`);
  return 0;
}

/**
 * `headroom mcp serve|install|uninstall`: the Headroom MCP server (compress, retrieve, stats on the
 * store the proxy uses) and its registration with coding agents.
 */
export const command: CliCommand = {
  name: "mcp",
  summary: "MCP server (headroom_compress, headroom_retrieve, headroom_stats) and install into agents",
  usage: [
    "headroom mcp serve [--http] [--port N] [--host H] [--token T] [--store PATH]",
    "headroom mcp install [--agent claude|codex|cursor|windsurf|gemini|opencode] [--print] [--store PATH]",
    "headroom mcp uninstall [--agent …] [--print]",
    "",
    "  serve            stdio by default (what agents start); --http serves Streamable HTTP at /mcp",
    "  --port N         HTTP port (default 8788)",
    "  --host H         HTTP interface (default 127.0.0.1); non-loopback needs --token",
    "  --token T        bearer token for HTTP clients (env HEADROOM_MCP_TOKEN)",
    "  --store PATH     CCR store (default the proxy's: $HEADROOM_STORE, else the user data directory)",
    "  install          register with an agent at user level: `claude mcp add headroom -s user` when the",
    "                   claude CLI is on PATH, else the agent's MCP config file (backup kept as *.headroom-backup)",
    "  uninstall        remove it again; the file's original bytes return when nothing else changed",
    "  --print          show what would change, change nothing",
    "",
    "Examples:",
    "  headroom mcp install",
    "  headroom mcp install --agent codex --print",
    "  headroom mcp serve --http --port 8788",
  ].join("\n"),
  options: { http: false, port: true, host: true, token: true, store: true, agent: true, print: false, name: true, help: false },
  async run(args, io) {
    const [sub, ...rest] = args.positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (sub === "serve") return serve(args, io);
    if (sub === "install") return install(args, io, false);
    if (sub === "uninstall") return install(args, io, true);
    throw new UsageError(sub ? `unknown mcp subcommand ${sub} (serve, install or uninstall)` : "missing subcommand: headroom mcp serve|install|uninstall");
  },
};
