import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, type CliIO } from "../command.js";
import { command } from "./proxy.js";

function io(env: Record<string, string | undefined> = {}) {
  let out = "";
  let err = "";
  const value: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => "", env, cwd: process.cwd() };
  return { io: value, out: () => out, err: () => err };
}

describe("headroom proxy", () => {
  it("prints where it listens and the client env vars, serves, and stops cleanly on SIGINT", async () => {
    const t = io();
    const store = join(mkdtempSync(join(tmpdir(), "hr-proxy-")), "ccr.sqlite");
    const running = command.run({ positionals: [], options: { port: "0", store, quiet: true } }, t.io);
    for (let i = 0; i < 200 && !t.out().includes("listening"); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(t.out())![1]!;
    expect(t.out()).toContain(`ANTHROPIC_BASE_URL=${url}`);
    expect(t.out()).toContain(`OPENAI_BASE_URL=${url}/v1`);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "ok" });
    process.emit("SIGINT", "SIGINT");
    expect(await running).toBe(0);
    expect(t.err()).toContain("stopped");
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("refuses a non-loopback host without a token", async () => {
    await expect(command.run({ positionals: [], options: { host: "0.0.0.0" } }, io().io)).rejects.toBeInstanceOf(UsageError);
  });
});
