import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `headroom wrap` against stand-in agents: small executables that record what they were given, call the
 * proxy, wait for signals and exit with a chosen code. The CLI runs as a real child process, so signals,
 * exit codes and `kill -9` are the real thing.
 */
const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "headroom.mjs");
const dir = mkdtempSync(join(tmpdir(), "headroom-wrap-"));
const standin = join(dir, "agent.mjs");
writeFileSync(
  standin,
  `#!${process.execPath}
import { readFileSync, writeFileSync, existsSync } from "node:fs";
const e = process.env;
const cfg = e.CODEX_HOME && existsSync(e.CODEX_HOME + "/config.toml") ? readFileSync(e.CODEX_HOME + "/config.toml", "utf8") : null;
const rec = { argv: process.argv.slice(2), ANTHROPIC_BASE_URL: e.ANTHROPIC_BASE_URL, OPENAI_API_BASE: e.OPENAI_API_BASE, OPENCODE_CONFIG_CONTENT: e.OPENCODE_CONFIG_CONTENT, codexConfig: cfg, pid: process.pid };
if (e.STANDIN_REQUEST) {
  const r = await fetch(e.ANTHROPIC_BASE_URL + "/v1/messages", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "sk-test" }, body: JSON.stringify({ model: "claude-x", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }) });
  rec.status = r.status;
  rec.body = await r.text();
}
// Handlers first: the test signals as soon as the record exists.
if (e.STANDIN_WAIT) for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => { writeFileSync(e.STANDIN_OUT + ".signal", sig); process.exit(sig === "SIGTERM" ? 143 : 130); });
writeFileSync(e.STANDIN_OUT, JSON.stringify(rec));
if (e.STANDIN_WAIT) setInterval(() => {}, 1000);
else process.exit(Number(e.STANDIN_EXIT ?? 0));
`,
);
chmodSync(standin, 0o755);

let upstream: Server;
let upstreamUrl = "";
const seen: string[] = [];
beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "msg_1", type: "message", role: "assistant", content: [{ type: "text", text: "from upstream" }], stop_reason: "end_turn", usage: { input_tokens: 1, output_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function home() {
  const h = join(dir, `home-${++n}`);
  mkdirSync(h);
  return h;
}

function wrap(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

const waitFor = async (p: string) => {
  for (let i = 0; i < 400 && !existsSync(p); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(p)) throw new Error(`timed out waiting for ${p}`);
};
const record = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown> & { argv: string[]; codexConfig: string | null; pid: number };

describe("headroom wrap (stand-in agents)", () => {
  it("claude: points ANTHROPIC_BASE_URL at the proxy, an existing one becomes the upstream, exit code and summary come back", async () => {
    const out = join(dir, "claude.json");
    const { done } = wrap(["wrap", "claude", "--command", standin, "--", "-p", "hello"], { HOME: home(), STANDIN_OUT: out, STANDIN_EXIT: "7", STANDIN_REQUEST: "1", ANTHROPIC_BASE_URL: upstreamUrl });
    const r = await done;
    expect(r.code).toBe(7);
    const rec = record(out);
    expect(rec.argv).toEqual(["-p", "hello"]);
    expect(rec.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rec.ANTHROPIC_BASE_URL).not.toBe(upstreamUrl);
    expect(rec.status).toBe(200);
    expect(rec.body).toContain("from upstream");
    expect(seen).toContain("POST /v1/messages");
    expect(r.stderr).toMatch(/^headroom: 1 request, 0 tokens saved( \(0\.0%\))?, 0 retrievals$/m);
  });

  it("forwards SIGTERM and SIGINT to the agent and returns its exit code", async () => {
    for (const [sig, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
      const out = join(dir, `sig-${sig}.json`);
      const { child, done } = wrap(["wrap", "claude", "--command", standin], { HOME: home(), STANDIN_OUT: out, STANDIN_WAIT: "1" });
      await waitFor(out);
      child.kill(sig);
      const r = await done;
      expect(readFileSync(`${out}.signal`, "utf8")).toBe(sig);
      expect(r.code).toBe(code);
    }
  });

  it("under a terminal: the agent gets the TTY; Ctrl-C ends it (130) and wrap outlives it to print its summary", async () => {
    const tty = join(dir, "tty-agent.mjs");
    writeFileSync(
      tty,
      `#!${process.execPath}
import { appendFileSync, writeFileSync } from "node:fs";
const out = process.env.STANDIN_OUT;
process.on("SIGINT", () => { appendFileSync(out + ".sigint", "x"); setTimeout(() => process.exit(130), 500); });
writeFileSync(out, JSON.stringify({ stdin: !!process.stdin.isTTY, stdout: !!process.stdout.isTTY }));
setInterval(() => {}, 1000);
`,
    );
    chmodSync(tty, 0o755);
    const out = join(dir, "tty.json");
    // util-linux `script` runs the command on a new pseudo-terminal; -e returns its exit code.
    const child = spawn("script", ["-qec", `${process.execPath} ${bin} wrap claude --command ${tty}`, "/dev/null"], { env: { PATH: process.env.PATH!, HOME: home(), STANDIN_OUT: out }, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await waitFor(out);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ stdin: true, stdout: true });
    child.stdin!.write("\x03"); // Ctrl-C typed at the terminal
    expect(await exited).toBe(130);
    expect(readFileSync(`${out}.sigint`, "utf8")).toMatch(/^x+$/);
    expect(output).toMatch(/headroom: 0 requests, 0 tokens saved, 0 retrievals/);
  });

  it("codex: writes the [model_providers.headroom] entry for the run and restores the file byte for byte", async () => {
    const codexHome = join(home(), ".codex");
    mkdirSync(codexHome);
    const original = 'model = "gpt-5-codex"\n\n[projects."/work"]\ntrust_level = "trusted"\n';
    writeFileSync(join(codexHome, "config.toml"), original);
    const out = join(dir, "codex.json");
    const r = await wrap(["wrap", "codex", "--command", standin, "--", "exec", "fix it"], { HOME: dirname(codexHome), CODEX_HOME: codexHome, STANDIN_OUT: out, OPENAI_API_KEY: "sk-test" }).done;
    expect(r.code).toBe(0);
    const rec = record(out);
    expect(rec.argv).toEqual(["-c", 'model_provider="headroom"', "exec", "fix it"]);
    expect(rec.codexConfig).toContain("[model_providers.headroom]");
    expect(rec.codexConfig).toMatch(/base_url = "http:\/\/127\.0\.0\.1:\d+\/v1"/);
    expect(rec.codexConfig).toContain('wire_api = "responses"');
    expect(rec.codexConfig).toContain("supports_websockets = false");
    expect(rec.codexConfig).toContain('env_key = "OPENAI_API_KEY"');
    expect(rec.codexConfig!.startsWith(original)).toBe(true);
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).toBe(original);
  });

  it("codex: after kill -9 of wrap the entry stays; unwrap heals it, and so does the next wrap", async () => {
    const h = home();
    const codexHome = join(h, ".codex");
    mkdirSync(codexHome);
    const original = "# mine\nmodel = \"o3\"\n";
    const path = join(codexHome, "config.toml");
    for (const healer of ["unwrap", "wrap"] as const) {
      writeFileSync(path, original);
      const out = join(dir, `kill9-${healer}.json`);
      const { child, done } = wrap(["wrap", "codex", "--command", standin], { HOME: h, CODEX_HOME: codexHome, STANDIN_OUT: out, STANDIN_WAIT: "1" });
      await waitFor(out);
      child.kill("SIGKILL");
      await done;
      process.kill(record(out).pid, "SIGKILL"); // the orphaned agent
      expect(readFileSync(path, "utf8")).toContain("[model_providers.headroom]");
      if (healer === "unwrap") {
        const r = await wrap(["unwrap", "codex"], { HOME: h, CODEX_HOME: codexHome }).done;
        expect(r.code).toBe(0);
      } else {
        const next = join(dir, "kill9-next.json");
        const r = await wrap(["wrap", "codex", "--command", standin], { HOME: h, CODEX_HOME: codexHome, STANDIN_OUT: next }).done;
        expect(r.stderr).toMatch(/removed the provider entry a killed wrap \(pid \d+\) left/);
        expect(record(next).codexConfig!.match(/\[model_providers\.headroom\]/g)).toHaveLength(1);
      }
      expect(readFileSync(path, "utf8")).toBe(original);
    }
  });

  it("unwrap refuses while the owning wrap is alive; the wrap restores on SIGTERM", async () => {
    const h = home();
    const codexHome = join(h, ".codex");
    const out = join(dir, "alive.json");
    const { child, done } = wrap(["wrap", "codex", "--command", standin], { HOME: h, CODEX_HOME: codexHome, STANDIN_OUT: out, STANDIN_WAIT: "1" });
    await waitFor(out);
    expect((await wrap(["unwrap", "codex"], { HOME: h, CODEX_HOME: codexHome }).done).code).toBe(1);
    child.kill("SIGTERM");
    expect((await done).code).toBe(143);
    // The wrap created the file, so restoring it means removing it.
    expect(existsSync(join(codexHome, "config.toml"))).toBe(false);
  });

  it("aider and opencode get their documented variables; --print runs nothing", async () => {
    const out = join(dir, "aider.json");
    await wrap(["wrap", "aider", "--command", standin], { HOME: home(), STANDIN_OUT: out }).done;
    expect(record(out).OPENAI_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const oc = join(dir, "opencode.json");
    await wrap(["wrap", "opencode", "--command", standin], { HOME: home(), STANDIN_OUT: oc, OPENCODE_CONFIG_CONTENT: '{"model":"anthropic/claude-x"}' }).done;
    const cfg = JSON.parse(record(oc).OPENCODE_CONFIG_CONTENT as string);
    expect(cfg.model).toBe("anthropic/claude-x");
    expect(cfg.provider.anthropic.options.baseURL).toMatch(/\/v1$/);
    const p = wrap(["wrap", "codex", "--print"], { HOME: home() });
    let stdout = "";
    p.child.stdout!.on("data", (d) => (stdout += d));
    expect((await p.done).code).toBe(0);
    expect(stdout).toContain('codex -c model_provider="headroom"');
  });

  it("an unknown agent or a missing executable is a one-line error", async () => {
    const r = await wrap(["wrap", "vim"], { HOME: home() }).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headroom: unknown agent vim/);
    const m = await wrap(["wrap", "claude", "--command", join(dir, "nope")], { HOME: home() }).done;
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/not found on PATH/);
  });
});
