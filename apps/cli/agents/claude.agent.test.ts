import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentBin, bigLog, offlineEnv, runCli, sourceFile } from "./harness.js";
import { ScriptedUpstream, type Seen } from "./upstream.js";

/** Text of every tool_result block in a Messages request. */
function toolResults(body: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const m of (body?.messages as { content?: unknown }[] | undefined) ?? []) {
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content as { type?: string; content?: unknown }[]) {
      if (b.type !== "tool_result") continue;
      out.push(typeof b.content === "string" ? b.content : JSON.stringify(b.content));
    }
  }
  return out;
}

const hasTool = (s: Seen, name: string) => ((s.body?.tools as { name?: string }[] | undefined) ?? []).some((t) => t.name === name);

describe("real Claude Code through headroom wrap (claude -p, Read and Bash tools)", () => {
  const dir = mkdtempSync(join(tmpdir(), "headroom-claude-"));
  const work = join(dir, "work");
  const home = join(dir, "home");
  const log = bigLog(250);
  const logPath = join(work, "service.log");
  const src = sourceFile();
  const srcPath = join(work, "handlers.py");
  // The scripted model: Read the source file, then `cat` the log with Bash, then answer.
  const upstream = new ScriptedUpstream((req) => {
    if (req.method !== "POST" || !req.path.startsWith("/v1/messages")) return { kind: "json", status: 404, body: { error: "not scripted" } };
    if (req.path.startsWith("/v1/messages/count_tokens")) return { kind: "json", status: 200, body: { input_tokens: 100 } };
    if (!hasTool(req, "Read")) return { kind: "anthropic", blocks: [{ type: "text", text: "ok" }] };
    const n = toolResults(req.body).length;
    if (n === 0) return { kind: "anthropic", blocks: [{ type: "tool_use", id: "toolu_01", name: "Read", input: { file_path: srcPath } }] };
    if (n === 1) return { kind: "anthropic", blocks: [{ type: "tool_use", id: "toolu_02", name: "Bash", input: { command: "cat service.log", description: "Show the service log" } }] };
    return { kind: "anthropic", blocks: [{ type: "text", text: "SCRIPTED-ANSWER: the log has one ERROR." }] };
  });
  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(logPath, log);
    writeFileSync(srcPath, src);
    await upstream.start();
  });
  afterAll(async () => {
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("completes; its Read and Bash results reach the upstream much smaller, originals retrievable", async () => {
    const store = join(dir, "ccr.sqlite");
    const env = { ...offlineEnv(home), ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "sk-ant-test-key", HEADROOM_STORE: store, BASH_MAX_OUTPUT_LENGTH: "200000" };
    const r = await runCli(["wrap", "claude", "--command", agentBin("claude"), "--", "-p", "Look at handlers.py and service.log and tell me about the error.", "--allowedTools", "Read", "Bash"], env, work);
    const last = upstream.seen.filter((s) => hasTool(s, "Read")).pop();
    const results = toolResults(last?.body);
    if (r.code !== 0 || results.length < 2 || process.env.DEBUG_AGENTS) console.error(r.stdout, r.stderr, upstream.seen.map((s) => `${s.method} ${s.path}`), results.map((x) => x.slice(0, 300)));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SCRIPTED-ANSWER");
    expect(results).toHaveLength(2);
    const [read, bash] = results as [string, string];
    // Read: Claude Code numbers the lines (cat -n); the kept lines keep their numbers.
    expect(read).toContain("def charge_card(card, amount):");
    expect(read.length).toBeLessThan(src.length * 0.5);
    expect(bash).toContain("ledger lock timeout after 30000ms");
    // A ~7k-token log sits low on the shared size-aware budget curve (@headroom/text: kept share shrinks
    // as the input grows), so it keeps more than a 100k-token log would; a quarter is still a hard cut.
    expect(bash.length).toBeLessThan(log.length * 0.25);
    const hash = /hash=([a-f0-9]{24})/.exec(bash)![1]!;
    const back = await runCli(["retrieve", hash, "--store", store], env, work);
    expect(back.stdout.trimEnd()).toBe(log.trimEnd());
    const summary = r.stderr.trim().split("\n").pop()!;
    expect(summary).toMatch(/^headroom: \d+ requests, [\d,]+ tokens saved \(\d+\.\d%\), 0 retrievals$/);
    console.log(`claude: Read ${src.length} B -> ${read.length} B, Bash ${log.length} B -> ${bash.length} B upstream; ${summary}`);
  });
});

describe("headroom mcp install --agent claude through the real claude CLI", () => {
  it("runs `claude mcp add headroom -s user`, is idempotent, and uninstall removes it again (other keys kept)", async () => {
    const home = mkdtempSync(join(tmpdir(), "headroom-claude-mcp-"));
    try {
      const original = '{\n  "numStartups": 3\n}\n';
      writeFileSync(join(home, ".claude.json"), original);
      const env = { ...offlineEnv(home), PATH: `${dirname(agentBin("claude"))}:${process.env.PATH}` };
      const first = await runCli(["mcp", "install", "--agent", "claude"], env, home);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^ran: claude mcp add headroom -s user -- /m);
      const cfg = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8")) as { numStartups: number; mcpServers: Record<string, { command: string; args: string[] }> };
      expect(cfg.numStartups).toBe(3);
      expect(cfg.mcpServers.headroom!.args.slice(-2)).toEqual(["mcp", "serve"]);
      const listed = spawnSync(agentBin("claude"), ["mcp", "get", "headroom"], { env, encoding: "utf8" });
      expect(listed.stdout).toMatch(/headroom/);
      const again = await runCli(["mcp", "install", "--agent", "claude"], env, home);
      expect(again.code).toBe(0);
      const removed = await runCli(["mcp", "uninstall", "--agent", "claude"], env, home);
      expect(removed.code).toBe(0);
      const after = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8")) as { mcpServers?: Record<string, unknown> };
      expect(after.mcpServers?.headroom).toBeUndefined();
      expect((after as { numStartups?: number }).numStartups).toBe(3);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
