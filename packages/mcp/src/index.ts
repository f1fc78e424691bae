/**
 * @headroom/mcp — the Headroom MCP server (official `@modelcontextprotocol/sdk`): `headroom_compress`,
 * `headroom_retrieve` and `headroom_stats`. Edge-safe root: bring a pipeline and a store, connect any
 * transport, or serve Streamable HTTP with the Hono app. Node helpers (stdio, SQLite, install) are in
 * `@headroom/mcp/node`.
 */
export { createHeadroomMcpServer, createMcpStats, CONTENT_KINDS } from "./server.js";
export type { HeadroomMcpDeps, HeadroomMcpOptions, McpSessionStats } from "./server.js";
export { createMcpHttpApp, isLoopbackHost } from "./http.js";
export type { McpHttpOptions } from "./http.js";
export { removeTomlTable, renderTomlTable, setTomlTable, hasTomlTable, tomlString } from "./toml.js";
