/**
 * @headroom/mcp/node — run the Headroom MCP server on Node: stdio or Streamable HTTP, on the same SQLite
 * CCR store as the proxy and the CLI, plus `install`/`uninstall` into agents' MCP configuration.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { defaultStorePath, openStore } from "@headroom/ccr/node";
import { warmUp, type WarmUpReport } from "@headroom/router";
import { createDefaultRouter } from "@headroom/router/node";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { createHeadroomMcpServer, createMcpStats, type HeadroomMcpDeps, type HeadroomMcpOptions, type McpSessionStats } from "./server.js";
import { createMcpHttpApp, type McpHttpOptions } from "./http.js";

export * from "./index.js";
export { installMcp, uninstallMcp, MCP_AGENTS, mcpConfigPath, which } from "./install.js";
export type { McpAgent, McpInstallOptions, McpInstallResult, McpServerCommand } from "./install.js";

/** Options of the Node servers. */
export interface NodeMcpOptions extends Omit<HeadroomMcpOptions, "deps"> {
  /** SQLite store file; default the one the proxy and CLI use (`HEADROOM_STORE`, else the user data directory). */
  storePath?: string;
  /** Where compressor plugins are discovered from. Default the current directory. */
  pluginsFrom?: string | string[];
  env?: Record<string, string | undefined>;
  /**
   * Start-up warm-up budget in ms (`warmUp` of `@headroom/router`): the server loads the pipeline and
   * runs one small compression per common kind right after it connects, so the first `compress` call
   * pays no grammar loading or JIT. The connection is answered meanwhile. Default 1500; `0`: off.
   */
  warmUpMs?: number;
}

type NodeDeps = HeadroomMcpDeps & { close(): void };

/**
 * Warms the pipeline in the background once `deps` loaded (a failed load is the first tool call's to
 * report) and records the report in `stats` (shown by `headroom_stats`). Settles with the report, or
 * `undefined` when the warm-up is off or the pipeline did not load; never rejects.
 */
function warmInBackground(deps: () => Promise<NodeDeps>, options: NodeMcpOptions, stats: McpSessionStats): Promise<WarmUpReport | undefined> {
  const budgetMs = options.warmUpMs ?? 1500;
  if (!(budgetMs > 0)) return Promise.resolve(undefined);
  return deps()
    .then((d) => warmUp(d.pipeline, { budgetMs }))
    .then(
      (r) => {
        stats.warmUp = { ...r, ms: Math.round(r.ms) };
        return r;
      },
      () => undefined,
    );
}

/**
 * Loads the default router over installed compressors and opens the shared SQLite store. The store is
 * the proxy's and the CLI's default one, so a hash from either side retrieves from the other.
 */
export async function loadNodeDeps(options: NodeMcpOptions = {}): Promise<HeadroomMcpDeps & { close(): void }> {
  const path = options.storePath ?? defaultStorePath(options.env ?? process.env);
  const store = openStore(path);
  const pipeline = await createDefaultRouter({ from: options.pluginsFrom ?? process.cwd(), tokenizer: tiktokenTokenizer, store });
  return { pipeline, store, storeInfo: () => ({ ...store.stats() }), close: () => store.close() };
}

/** Serves MCP on stdin/stdout until the client disconnects. Logs go to stderr only (stdout is the protocol). */
export async function serveMcpStdio(options: NodeMcpOptions = {}): Promise<{ closed: Promise<void>; warmedUp: Promise<WarmUpReport | undefined>; close(): Promise<void> }> {
  let loaded: NodeDeps | undefined;
  let loading: Promise<NodeDeps> | undefined;
  // Loaded once; a failed load is retried by the next tool call.
  const load = () =>
    (loading ??= loadNodeDeps(options).then(
      (d) => (loaded = d),
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    ));
  const transport = new StdioServerTransport();
  const stats = options.stats ?? createMcpStats();
  const server = createHeadroomMcpServer({ ...options, stats, deps: load });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  const warmedUp = warmInBackground(load, options, stats);
  // Stdin closing (the agent quit) ends the session.
  process.stdin.once("end", () => void server.close());
  void closed.then(() => loaded?.close());
  return {
    /** Settles when the client disconnects. */
    closed,
    /** Settles with the start-up warm-up's report (`undefined`: off, or the pipeline did not load). */
    warmedUp,
    close: async () => {
      await server.close();
      await closed;
    },
  };
}

/** A running Streamable HTTP MCP server. */
export interface RunningMcpHttp {
  /** e.g. `http://127.0.0.1:8788/mcp` */
  url: string;
  port: number;
  /** Settles with the start-up warm-up's report (`undefined`: off, or the pipeline did not load). */
  warmedUp: Promise<WarmUpReport | undefined>;
  close(): Promise<void>;
}

/** Serves MCP over Streamable HTTP at `/mcp` (loopback without token; a token is required off loopback). */
export async function serveMcpHttp(options: NodeMcpOptions & McpHttpOptions & { port?: number } = {}): Promise<RunningMcpHttp> {
  const host = options.host ?? "127.0.0.1";
  const stats = options.stats ?? createMcpStats();
  const deps = loadNodeDeps(options);
  deps.catch(() => {}); // reported by the first tool call that needs it
  const app = createMcpHttpApp(() => createHeadroomMcpServer({ ...options, stats, deps: () => deps }), options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8788 }, () => resolve(s));
    s.once("error", reject);
  });
  const warmedUp = warmInBackground(() => deps, options, stats);
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}${options.path ?? "/mcp"}`,
    port: addr.port,
    warmedUp,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as import("node:http").Server).closeAllConnections?.();
      }).then(async () => (await deps.catch(() => undefined))?.close()),
  };
}
