import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { main } from "../main.js";
import type { CliIO } from "../command.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "headroom.mjs");
const dir = mkdtempSync(join(tmpdir(), "headroom-cli-mcp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined>) {
  let out = "";
  let err = "";
  const value: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => "", env, cwd: dir };
  return { io: value, out: () => out, err: () => err };
}

describe("headroom mcp", () => {
  it("serve: the SDK client talks to `headroom mcp serve` over stdio, and `headroom retrieve` reads what it stored", async () => {
    const store = join(dir, "ccr.sqlite");
    const log = Array.from({ length: 300 }, (_, i) => (i === 150 ? "2026-01-01T00:02:30Z ERROR disk full on /var/lib/db" : `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z INFO tick ${i} ok`)).join("\n");
    const client = new Client({ name: "cli-test", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, "mcp", "serve", "--store", store], env: { ...(process.env as Record<string, string>), HEADROOM_STORE: "" }, stderr: "pipe" }));
    try {
      const r = await client.callTool({ name: "headroom_compress", arguments: { content: log, kind: "log" } });
      const s = r.structuredContent as { hashes: string[]; tokens_after: number; tokens_before: number };
      expect(s.tokens_after).toBeLessThan(s.tokens_before);
      expect(s.hashes).toHaveLength(1);
      const t = io({ HOME: dir });
      expect(await main(["retrieve", s.hashes[0]!, "--store", store], t.io)).toBe(0);
      expect(t.out()).toBe(log);
    } finally {
      await client.close();
    }
  });

  it("install --print shows the entry for the agent's file and changes nothing", async () => {
    const t = io({ HOME: dir, PATH: "" });
    expect(await main(["mcp", "install", "--agent", "cursor", "--print"], t.io)).toBe(0);
    expect(t.out()).toContain(join(dir, ".cursor", "mcp.json"));
    expect(t.out()).toContain('"mcp",\n        "serve"');
  });

  it("bad subcommands and agents are usage errors", async () => {
    const t = io({ HOME: dir });
    expect(await main(["mcp", "launch"], t.io)).toBe(2);
    expect(await main(["mcp", "install", "--agent", "emacs"], t.io)).toBe(2);
    expect(t.err()).toMatch(/unknown --agent emacs/);
  });
});

describe("headroom litellm", () => {
  it("config prints the guardrail block for a given URL", async () => {
    const t = io({ HEADROOM_API_KEY: "k" });
    expect(await main(["litellm", "config", "--url", "http://10.1.1.1:8787", "--generic"], t.io)).toBe(0);
    expect(t.out()).toContain("guardrail: headroom\n");
    expect(t.out()).toContain("api_base: http://10.1.1.1:8787\n");
    expect(t.out()).toContain("api_key: os.environ/HEADROOM_API_KEY");
    expect(t.out()).toContain("guardrail: generic_guardrail_api");
  });

  it("serve refuses a non-loopback host without a token", async () => {
    const t = io({});
    expect(await main(["litellm", "serve", "--host", "0.0.0.0"], t.io)).toBe(2);
    expect(t.err()).toMatch(/not loopback: set --token/);
  });
});
