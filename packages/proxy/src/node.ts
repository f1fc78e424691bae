/**
 * @headroom/proxy/node — the proxy on Node: `startProxy` (an HTTP server on 127.0.0.1:8787),
 * `createNodeProxyApp` with the Node defaults (plugin discovery, the SQLite store, Node's HTTP client
 * upstream, compression in a pool of worker threads). Everything in `@headroom/proxy` is re-exported.
 */
export * from "./index.js";
export { startProxy, createNodeProxyApp } from "./server.js";
export type { RunningProxy } from "./server.js";
export type { ProxyOptions } from "./options.js";
export { WorkerPool } from "./worker-pool.js";
export type { WorkerPoolOptions } from "./worker-pool.js";
export { nodeFetch } from "./node-fetch.js";
export { createPipeline as createDefaultPipeline } from "./default-pipeline.js";
export type { DefaultPipelineOptions } from "./default-pipeline.js";
