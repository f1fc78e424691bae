import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { grammarLoadTimes } from "@headroom/code";
import { serveMcpHttp } from "./node.js";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "headroom-mcp-warm-"));
// Plugins are discovered from this package: its devDependencies include the code compressor.
const pluginsFrom = join(here, "..");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stats(url: string): Promise<Record<string, unknown>> {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    const r = await client.callTool({ name: "headroom_stats", arguments: {} });
    return r.structuredContent as Record<string, unknown>;
  } finally {
    await client.close();
  }
}

describe("start-up warm-up", () => {
  it("runs every sample through the pipeline before the first call: the code grammars are loaded, and headroom_stats says so", async () => {
    expect(grammarLoadTimes().python).toBeUndefined(); // nothing in this process loaded it yet
    const running = await serveMcpHttp({ storePath: join(dir, "a.sqlite"), pluginsFrom, port: 0, warmUpMs: 60_000 });
    try {
      const report = await running.warmedUp;
      expect(report?.errors).toEqual([]);
      expect(report?.skipped).toBe(0);
      // The code compressor itself ran on the Python and TypeScript samples (compressed, or declined
      // after parsing them: `code declined: …`), so it loaded their grammars.
      const warmed = report?.warmed ?? [];
      expect(warmed).toContain("log→log");
      expect(warmed.filter((w) => /^code:(py|ts)→code\b/.test(w))).toHaveLength(2);
      // The grammars were loaded by the warm-up, not by a client's first code compression.
      expect(Object.keys(grammarLoadTimes())).toEqual(expect.arrayContaining(["python", "typescript"]));
      const s = await stats(running.url);
      expect((s.warm_up as { warmed: string[] }).warmed).toEqual(report?.warmed);
    } finally {
      await running.close();
    }
  });

  it("is off with warmUpMs: 0, and headroom_stats then reports none", async () => {
    const running = await serveMcpHttp({ storePath: join(dir, "b.sqlite"), pluginsFrom, port: 0, warmUpMs: 0 });
    try {
      await expect(running.warmedUp).resolves.toBeUndefined();
      expect(await stats(running.url)).not.toHaveProperty("warm_up");
    } finally {
      await running.close();
    }
  });
});
