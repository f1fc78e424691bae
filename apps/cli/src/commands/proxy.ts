import { numberOption, parseBaseUrl, parsePort, stringOption } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { CLI_DIR, cliStorePath } from "../engine.js";

/**
 * `headroom proxy`: runs the Headroom proxy (OpenAI Chat/Responses and Anthropic Messages compatible)
 * until Ctrl-C, and prints the environment variables that point Claude Code and OpenAI/Codex clients at it.
 */
export const command: CliCommand = {
  name: "proxy",
  summary: "run the zero-code proxy for OpenAI, Anthropic and Responses clients (Claude Code, Codex…)",
  usage: [
    "headroom proxy [--port N] [--host H] [--store PATH] [--openai-base-url URL] [--anthropic-base-url URL]",
    "               [--token T] [--max-body-bytes N] [--compression-timeout-ms N] [--upstream-timeout-ms N]",
    "               [--max-retrieve-rounds N] [--min-tokens N] [--unit-cache-mb N] [--quiet]",
    "",
    "  --port N, -p N              port (default 8787, env HEADROOM_PORT; 0 picks a free one)",
    "  --host H                    interface (default 127.0.0.1, env HEADROOM_HOST); non-loopback needs --token",
    "  --token T                   proxy token (env HEADROOM_PROXY_TOKEN): clients send `x-headroom-proxy-token: T`",
    "                              or `Authorization: Bearer T`; required on every route for a non-loopback bind",
    "  --store PATH                CCR store directory or .sqlite file (default: $HEADROOM_STORE, else the user data directory)",
    "  --openai-base-url URL       upstream for OpenAI routes (default https://api.openai.com, env HEADROOM_OPENAI_BASE_URL)",
    "  --anthropic-base-url URL    upstream for Anthropic routes (default https://api.anthropic.com, env HEADROOM_ANTHROPIC_BASE_URL)",
    "  --max-body-bytes N          larger requests get a 413 (default 52428800, env HEADROOM_MAX_BODY_BYTES)",
    "  --compression-timeout-ms N  past this, the original request is forwarded (default 5000)",
    "  --upstream-timeout-ms N     time to upstream response headers before a 504 (default 600000)",
    "  --max-retrieve-rounds N     headroom_retrieve rounds answered inside the proxy per request (default 3)",
    "  --min-tokens N              tool outputs under N tokens are left alone (default 200)",
    "  --unit-cache-mb N           MiB per compression thread for earlier turns' compressed units (default 64,",
    "                              env HEADROOM_UNIT_CACHE_MB; 0 off): a resent conversation costs only its new units",
    "  --quiet                     no per-request log lines on stderr",
    "",
    "Examples:",
    "  headroom proxy",
    "  ANTHROPIC_BASE_URL=http://127.0.0.1:8787 claude",
    "  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 codex",
  ].join("\n"),
  options: {
    port: true,
    host: true,
    token: true,
    store: true,
    "openai-base-url": true,
    "anthropic-base-url": true,
    "max-body-bytes": true,
    "compression-timeout-ms": true,
    "upstream-timeout-ms": true,
    "max-retrieve-rounds": true,
    "min-tokens": true,
    "unit-cache-mb": true,
    quiet: false,
    help: false,
  },
  async run(args, io) {
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const env = io.env;
    // Every value is checked before anything starts, so a typo is one line, not a Node stack.
    const portText = stringOption(args, "port");
    const port = portText !== undefined ? parsePort(portText, "--port") : env.HEADROOM_PORT ? parsePort(env.HEADROOM_PORT, "HEADROOM_PORT") : undefined;
    const url = (opt: string, envName: string, fallback: string) => {
      const given = stringOption(args, opt);
      if (given !== undefined) return parseBaseUrl(given, `--${opt}`);
      const fromEnv = env[envName];
      return fromEnv ? parseBaseUrl(fromEnv, envName) : fallback;
    };
    const openaiBaseUrl = url("openai-base-url", "HEADROOM_OPENAI_BASE_URL", "https://api.openai.com");
    const anthropicBaseUrl = url("anthropic-base-url", "HEADROOM_ANTHROPIC_BASE_URL", "https://api.anthropic.com");
    const { startProxy, isLoopbackHost } = await import("@headroom/proxy/node");
    const host = stringOption(args, "host") ?? env.HEADROOM_HOST;
    const token = stringOption(args, "token") ?? (env.HEADROOM_PROXY_TOKEN || undefined);
    if (host && !isLoopbackHost(host) && !token)
      throw new UsageError(`--host ${host} is not loopback: set --token (or HEADROOM_PROXY_TOKEN) so that only your clients can use the proxy`);
    const storePath = await cliStorePath(stringOption(args, "store"), io);
    const num = (name: string) => numberOption(args, name);
    const quiet = args.options.quiet === true;
    const cacheEnv = env.HEADROOM_UNIT_CACHE_MB?.trim();
    const unitCacheMB = num("unit-cache-mb") ?? (cacheEnv ? Number(cacheEnv) : undefined);
    if (unitCacheMB !== undefined && !(unitCacheMB >= 0))
      throw new UsageError(`HEADROOM_UNIT_CACHE_MB must be a non-negative number (MiB), got ${JSON.stringify(env.HEADROOM_UNIT_CACHE_MB)}`);

    let proxy: Awaited<ReturnType<typeof startProxy>>;
    try {
      proxy = await startProxy({
        ...(port !== undefined ? { port } : {}),
        ...(host ? { host } : {}),
        ...(token ? { token } : {}),
        storePath,
        pluginsFrom: [CLI_DIR, io.cwd],
        openaiBaseUrl,
        anthropicBaseUrl,
        ...(num("max-body-bytes") !== undefined ? { maxBodyBytes: num("max-body-bytes")! } : {}),
        ...(num("compression-timeout-ms") !== undefined ? { compressionTimeoutMs: num("compression-timeout-ms")! } : {}),
        ...(num("upstream-timeout-ms") !== undefined ? { upstreamTimeoutMs: num("upstream-timeout-ms")! } : {}),
        ...(num("max-retrieve-rounds") !== undefined ? { maxRetrieveRounds: num("max-retrieve-rounds")! } : {}),
        ...(num("min-tokens") !== undefined ? { minTokens: num("min-tokens")! } : {}),
        ...(unitCacheMB !== undefined ? { unitCacheMB } : {}),
        ...(quiet ? {} : { log: (line: string) => io.stderr(`${line}\n`) }),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE") throw new UsageError(`port ${port ?? 8787} is in use: pick another with --port`);
      if (err.code === "EACCES") throw new UsageError(`port ${port ?? 8787} needs privileges to bind: pick one above 1023 with --port`);
      if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") throw new UsageError(`--host ${host} is not an address of this machine`);
      throw e;
    }
    const { compressors: names } = await proxy.app.ready();
    // proxy.url names an address clients can reach (127.0.0.1 for a 0.0.0.0 bind).
    const shown = host && !isLoopbackHost(host) && host !== "0.0.0.0" && host !== "::" ? `http://${host.includes(":") ? `[${host}]` : host}:${proxy.port}` : proxy.url;
    io.stdout(
      [
        `headroom proxy listening on ${shown}`,
        `  compressors: ${names.join(", ") || "(none installed)"}`,
        `  CCR store:   ${storePath}`,
        `  upstreams:   OpenAI ${proxy.app.config.openaiBaseUrl} · Anthropic ${proxy.app.config.anthropicBaseUrl}`,
        "",
        "Point your tools at it:",
        `  Claude Code:             export ANTHROPIC_BASE_URL=${shown}`,
        `  Codex / OpenAI clients:  export OPENAI_BASE_URL=${shown}/v1`,
        ...(token ? [`  and send the proxy token: x-headroom-proxy-token: <token> (or Authorization: Bearer <token>)`] : []),
        "",
        `Stats: curl ${shown}/stats    Stop: Ctrl-C`,
        "",
      ].join("\n"),
    );

    await new Promise<void>((done) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          io.stderr(`headroom proxy: ${signal} again, exiting now\n`);
          process.exit(130);
        }
        stopping = true;
        io.stderr(`\nheadroom proxy: ${signal}, shutting down…\n`);
        void proxy!.close().then(() => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          done();
        });
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    io.stderr("headroom proxy: stopped\n");
    return 0;
  },
};
