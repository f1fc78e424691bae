/**
 * @headroom/litellm/node — serve the LiteLLM guardrail contract on Node, on the SQLite store the proxy,
 * the CLI and the MCP server share.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { defaultStorePath, openStore } from "@headroom/ccr/node";
import { createDefaultRouter } from "@headroom/router/node";
import { createUnitCache } from "@headroom/core";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { createLiteLLMApp, type LiteLLMAppOptions } from "./app.js";
import { isLoopbackHost } from "./auth.js";

export * from "./index.js";

/** Options of {@link serveLiteLLM}. */
export interface ServeLiteLLMOptions extends Omit<LiteLLMAppOptions, "deps" | "auth"> {
  /** Default 8787's neighbour, 8789 (the proxy serves the same routes on 8787). */
  port?: number;
  /** SQLite store; default the shared one (`HEADROOM_STORE`, else the user data directory). */
  storePath?: string;
  /** Where compressor plugins are discovered from. Default the current directory. */
  pluginsFrom?: string | string[];
  env?: Record<string, string | undefined>;
}

export interface RunningLiteLLM {
  url: string;
  port: number;
  storePath: string;
  close(): Promise<void>;
}

/** Serves `/v1/compress`, `/v1/retrieve/:hash`, the generic guardrail API and `/health`. */
export async function serveLiteLLM(options: ServeLiteLLMOptions = {}): Promise<RunningLiteLLM> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) && !options.token) throw new Error(`headroom litellm: binding ${host} (not loopback) requires a token (--token or HEADROOM_API_KEY)`);
  const storePath = options.storePath ?? defaultStorePath(options.env ?? process.env);
  const store = openStore(storePath);
  const pipeline = await createDefaultRouter({ from: options.pluginsFrom ?? process.cwd(), tokenizer: tiktokenTokenizer, store });
  // LiteLLM sends the whole conversation every turn: earlier units cost a lookup, not a compression.
  const deps = Promise.resolve({ pipeline, store, cache: createUnitCache() });
  const app = createLiteLLMApp({ ...options, host, deps: () => deps });
  app.get("/health", (c) => c.json({ status: "ok", service: "headroom-litellm" }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8789 }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    storePath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as import("node:http").Server).closeAllConnections?.();
      }).then(() => store.close()),
  };
}
