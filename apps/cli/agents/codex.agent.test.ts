import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentBin, bigLog, offlineEnv, runCli } from "./harness.js";
import { ScriptedUpstream, type Seen } from "./upstream.js";

type Item = { type?: string; output?: unknown; name?: string };
const items = (s: Seen) => ((s.body?.input as Item[] | undefined) ?? []).filter((i) => i && typeof i === "object");
const outputs = (s: Seen) => items(s).filter((i) => i.type === "function_call_output").map((i) => (typeof i.output === "string" ? i.output : JSON.stringify(i.output)));
const toolNames = (s: Seen) => ((s.body?.tools as { name?: string; type?: string }[] | undefined) ?? []).map((t) => t.name ?? t.type ?? "");

/** A shell call in whichever form this Codex version offers. */
function shellCall(s: Seen, command: string): { name: string; arguments: string } {
  const names = toolNames(s);
  if (names.includes("shell_command")) return { name: "shell_command", arguments: JSON.stringify({ command }) };
  // exec_command truncates to max_output_tokens itself (head and tail) unless asked for more.
  if (names.includes("exec_command")) return { name: "exec_command", arguments: JSON.stringify({ cmd: command, max_output_tokens: 100000 }) };
  return { name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", command] }) };
}

describe("real Codex through headroom wrap (codex exec, Responses over HTTP)", () => {
  const dir = mkdtempSync(join(tmpdir(), "headroom-codex-"));
  const work = join(dir, "work");
  const home = join(dir, "home");
  const codexHome = join(home, ".codex");
  const log = bigLog(600);
  const original = '# my settings\nmodel = "gpt-5-codex"\n';
  const upstream = new ScriptedUpstream((req) => {
    if (req.method !== "POST" || !req.path.startsWith("/v1/responses")) return { kind: "json", status: 404, body: { error: { message: "not scripted" } } };
    if (outputs(req).length) return { kind: "responses", items: [{ type: "message", text: "SCRIPTED-ANSWER: one ERROR in the log." }] };
    const call = shellCall(req, "cat service.log");
    return { kind: "responses", items: [{ type: "function_call", call_id: "call_1", ...call }] };
  });
  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(work, "service.log"), log);
    writeFileSync(join(codexHome, "config.toml"), original);
    await upstream.start();
  });
  afterAll(async () => {
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reaches the proxy over HTTP, its shell output arrives compressed, and config.toml is restored", async () => {
    const env = { ...offlineEnv(home), CODEX_HOME: codexHome, OPENAI_API_KEY: "sk-test-key", OPENAI_BASE_URL: `${upstream.url}/v1`, HEADROOM_STORE: join(dir, "ccr.sqlite"), RUST_LOG: "error" };
    const r = await runCli(
      ["wrap", "codex", "--command", agentBin("codex"), "--", "exec", "-c", "tool_output_token_limit=100000", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "What error is in service.log?"],
      env,
      work,
    );
    const posts = upstream.seen.filter((s) => s.path.startsWith("/v1/responses"));
    const delivered = posts.flatMap(outputs);
    if (r.code !== 0 || !delivered.length || process.env.DEBUG_AGENTS) console.error(r.stdout, r.stderr, upstream.seen.map((s) => `${s.method} ${s.path}`), posts.map(toolNames), delivered.map((d) => d.slice(0, 300)));
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain("SCRIPTED-ANSWER");
    expect(delivered.length).toBeGreaterThan(0);
    const out = delivered[delivered.length - 1]!;
    expect(out).toContain("ledger lock timeout after 30000ms");
    expect(out).toMatch(/hash=[a-f0-9]{24}/);
    expect(out.length).toBeLessThan(log.length * 0.2);
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).toBe(original);
    expect(existsSync(join(codexHome, "config.toml.headroom-created"))).toBe(false);
    const summary = r.stderr.trim().split("\n").pop()!;
    expect(summary).toMatch(/^headroom: \d+ requests?, [\d,]+ tokens saved/);
    console.log(`codex: shell output ${log.length} B -> ${out.length} B upstream; ${summary}`);
  });
});
