import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installMcp, mcpConfigPath, uninstallMcp, MCP_AGENTS } from "./install.js";
import { removeTomlTable, renderTomlTable, setTomlTable } from "./toml.js";

let home: string;
let env: Record<string, string>;
const server = { command: "/usr/bin/node", args: ["/opt/headroom/bin/headroom.mjs", "mcp", "serve"] };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "headroom-home-"));
  // No `claude` on PATH: the file-editing path is what is tested here (the CLI path runs in test:agents).
  env = { HOME: home, PATH: "" };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (p: string, text: string) => {
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
};

describe("install / uninstall into agent config files", () => {
  it.each(MCP_AGENTS)("%s: creates, is idempotent, and uninstall removes the file it created", (agent) => {
    const path = mcpConfigPath(agent, env);
    const first = installMcp({ agent, server, env });
    expect(first.changed).toBe(true);
    expect(first.method).toBe("file");
    const text = readFileSync(path, "utf8");
    expect(text).toContain("/opt/headroom/bin/headroom.mjs");
    const again = installMcp({ agent, server, env });
    expect(again.changed).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(uninstallMcp({ agent, env }).changed).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(uninstallMcp({ agent, env }).changed).toBe(false);
  });

  it("claude (no CLI): writes the documented ~/.claude.json stdio entry, keeps the rest, restores bytes", () => {
    const path = join(home, ".claude.json");
    const original = '{\n    "numStartups": 7,\n    "mcpServers": { "other": { "type": "stdio", "command": "x", "args": [] } }\n}\n';
    write(path, original);
    const r = installMcp({ agent: "claude", server, env });
    expect(r.backup).toBe(`${path}.headroom-backup`);
    const cfg = JSON.parse(readFileSync(path, "utf8"));
    expect(cfg.numStartups).toBe(7);
    expect(cfg.mcpServers.other.command).toBe("x");
    expect(cfg.mcpServers.headroom).toEqual({ type: "stdio", command: server.command, args: server.args, env: {} });
    uninstallMcp({ agent: "claude", env });
    expect(readFileSync(path, "utf8")).toBe(original);
    expect(existsSync(`${path}.headroom-backup`)).toBe(false);
  });

  it("uninstall keeps changes the user made meanwhile", () => {
    const path = join(home, ".cursor", "mcp.json");
    write(path, JSON.stringify({ mcpServers: {} }));
    installMcp({ agent: "cursor", server, env });
    const cfg = JSON.parse(readFileSync(path, "utf8"));
    cfg.mcpServers.mine = { command: "mine", args: [] };
    writeFileSync(path, JSON.stringify(cfg));
    uninstallMcp({ agent: "cursor", env });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ mcpServers: { mine: { command: "mine", args: [] } } });
  });

  it("codex: a [mcp_servers.headroom] table in $CODEX_HOME/config.toml, the rest byte-identical after uninstall", () => {
    const codexHome = join(home, "codex-home");
    const path = join(codexHome, "config.toml");
    const original = 'model = "gpt-5"\n# my comment\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n\n[projects."/work"]\ntrust_level = "trusted"\n';
    write(path, original);
    const e = { ...env, CODEX_HOME: codexHome };
    installMcp({ agent: "codex", server, env: e });
    const text = readFileSync(path, "utf8");
    expect(text.startsWith(original)).toBe(true);
    expect(text).toContain('[mcp_servers.headroom]\ncommand = "/usr/bin/node"\nargs = ["/opt/headroom/bin/headroom.mjs", "mcp", "serve"]\n');
    expect(installMcp({ agent: "codex", server, env: e }).changed).toBe(false);
    uninstallMcp({ agent: "codex", env: e });
    expect(readFileSync(path, "utf8")).toBe(original);
  });

  it("opencode: the `mcp` key with a local command array", () => {
    installMcp({ agent: "opencode", server, env });
    const cfg = JSON.parse(readFileSync(mcpConfigPath("opencode", env), "utf8"));
    expect(cfg.mcp.headroom).toEqual({ type: "local", command: [server.command, ...server.args], enabled: true });
  });

  it("--print changes nothing and shows the entry", () => {
    const r = installMcp({ agent: "gemini", server, env, print: true });
    expect(r.description).toMatch(/would add/);
    expect(r.description).toContain('"headroom"');
    expect(existsSync(mcpConfigPath("gemini", env))).toBe(false);
  });

  it("a config that is not JSON is a one-line error, and the file is left alone", () => {
    const path = mcpConfigPath("windsurf", env);
    write(path, "{ oops");
    expect(() => installMcp({ agent: "windsurf", server, env })).toThrow(/is not a JSON object/);
    expect(readFileSync(path, "utf8")).toBe("{ oops");
  });
});

describe("toml table edits", () => {
  it("replaces a table and its sub-tables, leaving others", () => {
    const t = 'a = 1\n\n[x]\nk = 1\n\n[x.env]\nE = "1"\n\n[y]\nk = 2\n';
    expect(removeTomlTable(t, "x")).toBe("a = 1\n\n[y]\nk = 2\n");
    const block = renderTomlTable("x", { k: "v", on: false, list: ["a", 'b"c'] });
    expect(block).toBe('[x]\nk = "v"\non = false\nlist = ["a", "b\\"c"]\n');
    expect(setTomlTable(t, "x", block)).toBe(`a = 1\n\n[y]\nk = 2\n\n${block}`);
  });
});

describe("an identical entry already present", () => {
  it("is no change, even in another file's formatting", () => {
    const e = { HOME: mkdtempSync(join(tmpdir(), "headroom-home-")), PATH: "" };
    const path = mcpConfigPath("cursor", e);
    write(path, JSON.stringify({ mcpServers: { headroom: { command: server.command, args: server.args } } }));
    expect(installMcp({ agent: "cursor", server, env: e }).changed).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify({ mcpServers: { headroom: { command: server.command, args: server.args } } }));
    rmSync(e.HOME, { recursive: true, force: true });
  });
});
