import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createProxyApp, type ProxyApp } from "./app.js";
import type { ProxyOptions } from "./options.js";

/** A running proxy. */
export interface RunningProxy {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  host: string;
  port: number;
  app: ProxyApp;
  /** Stops accepting connections, ends idle keep-alive sockets, waits for in-flight ones, closes the store. */
  close(): Promise<void>;
}

/**
 * Starts the proxy on Node (default 127.0.0.1:8787). Refuses a non-loopback host without a token.
 * Resolves once listening; the pipeline and store are loaded before that, so the first request is fast.
 */
export async function startProxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const app = createProxyApp(options);
  await app.ready();
  const { host, port } = app.config;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    app,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const s = server as import("node:http").Server;
        s.close(() => resolve());
        s.closeIdleConnections?.();
        // Streams still open after 5 s (a client that never reads) are cut so shutdown always ends.
        const t = setTimeout(() => s.closeAllConnections?.(), 5_000);
        t.unref();
      }).then(() => app.close())),
  };
}
