import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createNodeProxyApp } from "@headroom/proxy/node";
import { serveMcpHttp, type RunningMcpHttp } from "./node.js";
import { sampleLog } from "./fixtures/content.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "headroom-mcp-"));
const storePath = join(dir, "ccr.sqlite");
// Compressor plugins are discovered from this package (its devDependencies: log, smart-crusher).
const pluginsFrom = join(here, "..");
const log = sampleLog();

type Text = { type: string; text: string };
const texts = (r: unknown) => ((r as { content: Text[] }).content ?? []).map((c) => c.text);

/** Runs every tool through a connected SDK client; shared by the stdio and HTTP suites. */
function toolSuite(connect: () => Promise<Client>) {
  let client: Client;
  let hash = "";
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client?.close();
  });

  it("lists the three tools with described input schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["headroom_compress", "headroom_retrieve", "headroom_stats"]);
    const retrieve = tools.find((t) => t.name === "headroom_retrieve")!;
    expect(retrieve.inputSchema.required).toEqual(["hash"]);
    const props = retrieve.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props).sort()).toEqual(["hash", "max_items", "query"]);
    expect(props.query!.description).toMatch(/matching/);
    const compress = tools.find((t) => t.name === "headroom_compress")!;
    expect(compress.inputSchema.required).toEqual(["content"]);
    expect((compress.inputSchema.properties as Record<string, { enum?: string[] }>).kind!.enum).toContain("log");
  });

  it("compresses content, keeps the errors and returns a hash", async () => {
    const r = await client.callTool({ name: "headroom_compress", arguments: { content: log, query: "payment failed" } });
    expect(r.isError).toBeFalsy();
    const [text, summary] = texts(r);
    const s = r.structuredContent as { hashes: string[]; tokens_before: number; tokens_after: number };
    expect(s.tokens_after).toBeLessThan(s.tokens_before * 0.5);
    expect(text).toContain("card_declined for order ord_8812");
    expect(s.hashes).toHaveLength(1);
    hash = s.hashes[0]!;
    expect(text).toMatch(new RegExp(`hash=${hash}`));
    expect(summary).toContain(`hash=${hash}`);
  });

  it("a given kind overrides detection", async () => {
    const auto = await client.callTool({ name: "headroom_compress", arguments: { content: log } });
    const forced = await client.callTool({ name: "headroom_compress", arguments: { content: log, kind: "prose" } });
    const t = (r: typeof auto) => (r.structuredContent as { transforms_applied: string[] }).transforms_applied.join(",");
    expect(t(auto)).toMatch(/log/);
    expect(t(forced)).not.toBe(t(auto));
  });

  it("retrieves the original byte for byte, and a query narrows it", async () => {
    const whole = await client.callTool({ name: "headroom_retrieve", arguments: { hash } });
    expect(texts(whole)[0]).toBe(log);
    const narrow = await client.callTool({ name: "headroom_retrieve", arguments: { hash, query: "warehouse timeout" } });
    const lines = texts(narrow)[0]!.trim().split("\n");
    expect(lines.length).toBeLessThan(20);
    expect(lines[0]).toContain("timeout after 3000ms talking to warehouse-eu-2");
    expect((narrow.structuredContent as { total_items: number }).total_items).toBe(400);
  });

  it("answers an unknown hash and a malformed one with tool errors", async () => {
    const miss = await client.callTool({ name: "headroom_retrieve", arguments: { hash: "0123456789abcdef01234567" } });
    expect(miss.isError).toBe(true);
    expect(texts(miss)[0]).toMatch(/No original is stored for hash 0123456789abcdef01234567/);
    const bad = await client.callTool({ name: "headroom_retrieve", arguments: { hash: "xyz" } });
    expect(bad.isError).toBe(true);
    expect(texts(bad)[0]).toMatch(/not a Headroom hash/);
  });

  it("rejects bad arguments as a tool error and keeps serving", async () => {
    const r = await client.callTool({ name: "headroom_compress", arguments: { content: 42 } });
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toMatch(/content/);
    const k = await client.callTool({ name: "headroom_compress", arguments: { content: "x", kind: "spreadsheet" } });
    expect(k.isError).toBe(true);
    const again = await client.callTool({ name: "headroom_stats", arguments: {} });
    expect(again.isError).toBeFalsy();
  });

  it("reports stats of this process and the shared store", async () => {
    const r = await client.callTool({ name: "headroom_stats", arguments: {} });
    const s = r.structuredContent as { compress_calls: number; tokens_saved: number; retrieve: { hits: number; misses: number }; store: { path: string; entries: number } };
    expect(s.compress_calls).toBeGreaterThanOrEqual(1);
    expect(s.tokens_saved).toBeGreaterThan(0);
    expect(s.retrieve.hits).toBeGreaterThanOrEqual(2);
    expect(s.retrieve.misses).toBeGreaterThanOrEqual(2);
    expect(s.store.path).toBe(storePath);
    expect(s.store.entries).toBeGreaterThanOrEqual(1);
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("MCP over stdio (SDK Client + StdioClientTransport)", () => {
  toolSuite(async () => {
    const client = new Client({ name: "test", version: "1" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(here, "fixtures", "stdio-server.ts")],
      env: { ...(process.env as Record<string, string>), HEADROOM_STORE: storePath },
      stderr: "pipe",
    });
    await client.connect(transport);
    return client;
  });
});

describe("MCP over Streamable HTTP (SDK Client + StreamableHTTPClientTransport)", () => {
  let running: RunningMcpHttp;
  afterAll(async () => running?.close());
  toolSuite(async () => {
    running = await serveMcpHttp({ storePath, pluginsFrom, port: 0, version: "test" });
    const client = new Client({ name: "test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    return client;
  });

  it("shares the proxy's store both ways", async () => {
    const proxy = createNodeProxyApp({ workers: 0, storePath, pluginsFrom, openaiBaseUrl: "http://127.0.0.1:9", anthropicBaseUrl: "http://127.0.0.1:9" });
    const client = new Client({ name: "test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    try {
      // proxy → MCP
      const res = await proxy.request("/v1/compress", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "any errors?" }, { role: "tool", tool_call_id: "c1", content: log }] }),
      });
      const body = (await res.json()) as { ccr_hashes: string[] };
      expect(body.ccr_hashes.length).toBe(1);
      const r = await client.callTool({ name: "headroom_retrieve", arguments: { hash: body.ccr_hashes[0]! } });
      expect(texts(r)[0]).toBe(log);
      // MCP → proxy
      const other = log.replace(/ord_8812/g, "ord_9999");
      const c = await client.callTool({ name: "headroom_compress", arguments: { content: other } });
      const h = (c.structuredContent as { hashes: string[] }).hashes[0]!;
      const got = await proxy.request(`/v1/retrieve/${h}`);
      expect(((await got.json()) as { original_content: string }).original_content).toBe(other);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it("refuses a non-loopback Host header (DNS rebinding) and a non-loopback bind without token", async () => {
    // fetch() will not send a forged Host header; node:http will.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(running.url);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: { host: "evil.example", "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end("{}");
    });
    expect(status).toBe(403);
    await expect(serveMcpHttp({ storePath, host: "0.0.0.0", port: 0 })).rejects.toThrow(/requires a token/);
  });

  it("with a token, requires it as a bearer", async () => {
    const guarded = await serveMcpHttp({ storePath, port: 0, token: "s3cret" });
    try {
      const denied = new Client({ name: "test", version: "1" });
      await expect(denied.connect(new StreamableHTTPClientTransport(new URL(guarded.url)))).rejects.toThrow();
      const client = new Client({ name: "test", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(guarded.url), { requestInit: { headers: { authorization: "Bearer s3cret" } } }));
      expect((await client.listTools()).tools).toHaveLength(3);
      await client.close();
    } finally {
      await guarded.close();
    }
  });
});
