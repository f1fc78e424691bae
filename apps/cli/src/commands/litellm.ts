import { resolve } from "node:path";
import { numberOption, stringOption } from "../args.js";
import { UsageError, untilSignal, type CliCommand, type CliIO, type ParsedArgs } from "../command.js";
import { CLI_DIR } from "../engine.js";

/** The running server LiteLLM should call: `--url`, else a standalone server on 8789, else the proxy on 8787. */
async function findServer(args: ParsedArgs): Promise<{ url: string; found: boolean }> {
  const given = stringOption(args, "url");
  if (given) return { url: given, found: true };
  for (const url of ["http://127.0.0.1:8789", "http://127.0.0.1:8787"]) {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      const b = (await r.json()) as { service?: string };
      if (b.service === "headroom-litellm" || b.service === "headroom-proxy") return { url, found: true };
    } catch {
      /* not running there */
    }
  }
  return { url: "http://127.0.0.1:8787", found: false };
}

async function config(args: ParsedArgs, io: CliIO): Promise<number> {
  const { guardrailConfigYaml, isLoopbackHost } = await import("@headroom/litellm");
  const { url, found } = await findServer(args);
  const token = args.options.token !== undefined || !!io.env.HEADROOM_API_KEY;
  if (!found) io.stderr(`headroom litellm: no Headroom server answered on 127.0.0.1:8789 or :8787; showing the block for ${url} (start one with headroom litellm serve or headroom proxy)\n`);
  if (isLoopbackHost(new URL(url).hostname)) io.stderr("headroom litellm: this URL is loopback: fine when LiteLLM runs on this machine; otherwise serve on a reachable --host with --token and pass --url\n");
  io.stdout(guardrailConfigYaml({ url, token, generic: args.options.generic === true }));
  return 0;
}

async function serve(args: ParsedArgs, io: CliIO): Promise<number> {
  const { serveLiteLLM, isLoopbackHost } = await import("@headroom/litellm/node");
  const host = stringOption(args, "host") ?? "127.0.0.1";
  const token = typeof args.options.token === "string" ? args.options.token : io.env.HEADROOM_API_KEY || undefined;
  if (!isLoopbackHost(host) && !token) throw new UsageError(`--host ${host} is not loopback: set --token (or HEADROOM_API_KEY) and the same api_key in LiteLLM`);
  const store = stringOption(args, "store");
  const running = await serveLiteLLM({
    host,
    port: numberOption(args, "port") ?? 8789,
    ...(token ? { token } : {}),
    ...(store ? { storePath: resolve(io.cwd, store) } : {}),
    env: io.env,
    pluginsFrom: [CLI_DIR, io.cwd],
  });
  const { guardrailConfigYaml } = await import("@headroom/litellm");
  io.stdout(
    [
      `headroom litellm listening on ${running.url} (POST /v1/compress, GET /v1/retrieve/{hash}, POST /beta/litellm_basic_guardrail_api)`,
      `  CCR store: ${running.storePath}`,
      `  callers:   ${token ? "Bearer key required" : "loopback only (set --token to serve LiteLLM on another machine)"}`,
      "",
      "LiteLLM config.yaml:",
      guardrailConfigYaml({ url: host === "0.0.0.0" || host === "::" ? running.url.replace(/\/\/[^:/]+|\/\/\[[^\]]+\]/, "//<this-host>") : running.url, token: !!token }),
      "Stop: Ctrl-C",
      "",
    ].join("\n"),
  );
  await untilSignal();
  await running.close();
  return 0;
}

/** `headroom litellm serve|config`: the LiteLLM `guardrail: headroom` contract, standalone. */
export const command: CliCommand = {
  name: "litellm",
  summary: "serve the LiteLLM guardrail contract (guardrail: headroom) and print its config.yaml block",
  usage: [
    "headroom litellm serve [--port N] [--host H] [--token T] [--store PATH]",
    "headroom litellm config [--url URL] [--token T] [--generic]",
    "",
    "  serve        POST /v1/compress, GET /v1/retrieve/{hash}, POST /beta/litellm_basic_guardrail_api",
    "               (the proxy serves the same routes; this runs them alone, default port 8789)",
    "  --host H     interface (default 127.0.0.1); non-loopback needs --token",
    "  --token T    key LiteLLM must send (api_key in its guardrail config; env HEADROOM_API_KEY)",
    "  config       print the guardrails: block for LiteLLM's config.yaml for the running server",
    "  --url URL    the base URL LiteLLM reaches Headroom at (default: the server found on :8789 or :8787)",
    "  --generic    also print the generic_guardrail_api block (LiteLLM without the built-in guardrail)",
    "",
    "Examples:",
    "  headroom litellm serve",
    "  headroom litellm serve --host 0.0.0.0 --token \"$HEADROOM_API_KEY\"",
    "  headroom litellm config >> litellm-config.yaml",
  ].join("\n"),
  options: { port: true, host: true, token: true, store: true, url: true, generic: false, help: false },
  async run(args, io) {
    const [sub, ...rest] = args.positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (sub === "serve") return serve(args, io);
    if (sub === "config") return config(args, io);
    throw new UsageError(sub ? `unknown litellm subcommand ${sub} (serve or config)` : "missing subcommand: headroom litellm serve|config");
  },
};
