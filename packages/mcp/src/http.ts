import { isLoopbackHost, sameToken } from "@headroom/core";
import { Hono } from "hono";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";

// Loopback and token checks are @headroom/core's (the LiteLLM guardrail uses the same).
export { isLoopbackHost };

/** Options of {@link createMcpHttpApp}. */
export interface McpHttpOptions {
  /** The interface the server binds; a non-loopback one requires `token`. Default `127.0.0.1`. */
  host?: string;
  /** Bearer token every request must carry (`Authorization: Bearer <token>`). Required off loopback. */
  token?: string;
  /** Route of the MCP endpoint. Default `/mcp`. */
  path?: string;
}

/**
 * A Hono app serving MCP over Streamable HTTP (stateless: one SDK server and transport per request, so
 * any number of clients can call it). On a loopback bind no token is needed, but the `Host` header must
 * name a loopback host (DNS-rebinding protection); a non-loopback bind requires the bearer token on
 * every request. Edge-safe: serve it with any Hono adapter.
 */
export function createMcpHttpApp(newServer: () => McpServer, options: McpHttpOptions = {}): Hono {
  const host = options.host ?? "127.0.0.1";
  const loopback = isLoopbackHost(host);
  if (!loopback && !options.token) throw new Error(`headroom mcp: binding ${host} (not loopback) requires a token (--token or HEADROOM_MCP_TOKEN)`);
  const path = options.path ?? "/mcp";
  const app = new Hono();
  app.use("*", async (c, next) => {
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim();
    if (options.token !== undefined && !(given !== undefined && sameToken(given, options.token)))
      return c.json({ jsonrpc: "2.0", error: { code: -32001, message: "headroom mcp: missing or wrong bearer token" }, id: null }, 401);
    if (loopback && options.token === undefined) {
      const hostHeader = (c.req.header("host") ?? "").replace(/:\d+$/, "");
      if (!isLoopbackHost(hostHeader))
        return c.json({ jsonrpc: "2.0", error: { code: -32001, message: `headroom mcp: Host ${hostHeader || "(none)"} is not loopback` }, id: null }, 403);
    }
    await next();
  });
  app.get("/health", (c) => c.json({ status: "ok", service: "headroom-mcp" }));
  app.all(path, async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = newServer();
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      // Stateless: the response is complete (JSON mode), so this request's server can go.
      void server.close();
    }
  });
  return app;
}
