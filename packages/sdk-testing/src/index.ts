/**
 * Test helpers shared by the SDK adapters' tests (@headroom/openai, @headroom/anthropic): a loopback
 * HTTP server that plays scripted model turns, and a JSON tool output with the pipeline that compresses
 * it. Private to the monorepo (never published), so it adds no runtime dependency to either adapter.
 */
export { mockServer, markerHash, type MockServer, type Turn } from "./mock-server.js";
export { deploys, deploysText, setup, tokensOf } from "./fixture.js";
