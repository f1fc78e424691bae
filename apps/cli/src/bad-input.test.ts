import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIO as io } from "./testing.js";
import { main } from "./main.js";

// 400 log lines with one anomaly: lossy-compressible whenever a store is attached.
const LOG = Array.from({ length: 400 }, (_, i) => `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z INFO worker-${i % 7} processed job ${1000 + i} in ${(i * 37) % 500}ms${i === 233 ? " ERROR checksum mismatch on shard-9" : ""}`).join("\n") + "\n";
const ROWS = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, user: `user-${i}`, status: i === 77 ? "FAILED: disk full" : "ok", ms: (i * 37) % 500 })));

const oneLine = (err: string) => {
  expect(err.trim().split("\n")).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at |ERR_[A-Z_]+|RangeError|TypeError/);
};

describe("store paths that are not a store", () => {
  it("--store DIR never changes the directory's mode; the store lives inside it", async () => {
    const a = io(ROWS);
    const dir = join(a.cwd, "shared");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    expect(await main(["compress", "--json", "--store", dir], a)).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(existsSync(join(dir, "HEADROOM-CCR"))).toBe(true); // an empty directory became the file store
    const { ccrHashes } = JSON.parse(a.out) as { ccrHashes: string[] };
    expect(ccrHashes.length).toBeGreaterThan(0);
    for (const h of ccrHashes) {
      const r = io();
      expect(await main(["retrieve", h, "--store", dir], r)).toBe(0);
    }
  });

  it("--store on a directory with the user's files puts the store in DIR/ccr and leaves DIR alone", async () => {
    const a = io(ROWS);
    const dir = join(a.cwd, "home");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    chmodSync(dir, 0o750);
    expect(await main(["compress", "--json", "--store", dir], a)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["ccr", "notes.txt"]);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    const [h] = (JSON.parse(a.out) as { ccrHashes: string[] }).ccrHashes;
    const r = io();
    expect(await main(["retrieve", h!, "--store", dir], r)).toBe(0);
  });

  it("--store on an existing file that is not a database is refused and left as it was", async () => {
    const a = io(ROWS);
    writeFileSync(join(a.cwd, "notes.txt"), "my notes\n");
    expect(await main(["compress", "--store", "notes.txt"], a)).toBe(2);
    expect(a.err).toMatch(/notes\.txt .*is not a Headroom store/);
    oneLine(a.err);
    expect(readFileSync(join(a.cwd, "notes.txt"), "utf8")).toBe("my notes\n");
    expect(readdirSync(a.cwd)).toEqual(["notes.txt"]);
    const r = io();
    writeFileSync(join(r.cwd, "notes.txt"), "my notes\n");
    expect(await main(["retrieve", "0123456789abcdef01234567", "--store", join(r.cwd, "notes.txt")], r)).toBe(2);
  });

  it.each([
    [["--store", "/proc/self/ccr.sqlite"], {}],
    [[], { HOME: "/proc/self" }],
    [[], { HEADROOM_STORE: "/sys/kernel/ccr.sqlite" }],
  ])("a store under a virtual filesystem (%j %j) is one line, at once, not a hang", async (argv, env) => {
    const a = io(ROWS, env);
    const t0 = performance.now();
    expect(await main(["compress", ...argv], a)).toBe(2);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(a.err).toMatch(/virtual filesystem/);
    oneLine(a.err);
  }, 10_000);
});

describe("the default store", () => {
  it("needs no native module: compress leaves retrievable markers in the file store, retrieve reads them back", async () => {
    const c = io(LOG);
    const env = { HOME: c.cwd };
    c.env = env;
    expect(await main(["compress", "--json"], c)).toBe(0);
    expect(c.err).toBe("");
    const out = JSON.parse(c.out) as { ccrHashes: string[] };
    expect(out.ccrHashes.length).toBeGreaterThan(0);
    const data = join(c.cwd, ".local", "share", "headroom");
    expect(existsSync(join(data, "ccr", "HEADROOM-CCR"))).toBe(true);
    expect(readdirSync(data)).toEqual(["ccr"]); // no SQLite file anywhere
    const r = io("", env);
    expect(await main(["retrieve", out.ccrHashes[0]!], r)).toBe(0);
    expect(LOG).toContain(r.out.split("\n")[0]);
  });

  it("a SQLite store asked for where no SQLite driver loads is one line, and the output stays lossless", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hr-nosqlite-"));
    // Makes better-sqlite3 unresolvable, as in an install without the optional peer.
    const hide = join(dir, "hide.cjs");
    writeFileSync(hide, `const M = require("node:module"); const r = M._resolveFilename; M._resolveFilename = function (id, ...rest) { if (id === "better-sqlite3") throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: "MODULE_NOT_FOUND" }); return r.call(this, id, ...rest); };`);
    const r = spawnSync(process.execPath, ["--require", hide, resolve(__dirname, "../bin/headroom.mjs"), "compress", "--json", "--store", join(dir, "x.sqlite")], { input: ROWS, encoding: "utf8", cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^headroom: no persistent CCR store, so the output is lossless \(no markers\): .*needs better-sqlite3 \(npm i better-sqlite3\), Node ≥ 22\.5 or Bun/);
    oneLine(r.stderr);
    expect(JSON.parse(r.stdout).ccrHashes).toEqual([]);
  });
});

describe("line-numbered reads", () => {
  it("a numbered log (cat -n) is compressed as a log; output and originals keep the numbers", async () => {
    const numbered = LOG.trimEnd().split("\n").map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join("\n") + "\n";
    const a = io(numbered);
    expect(await main(["compress", "--json", "--store", "s"], a)).toBe(0);
    const out = JSON.parse(a.out) as { content: string; tokensBefore: number; tokensAfter: number; ccrHashes: string[]; transformsApplied: string[] };
    expect(out.transformsApplied.some((t) => t.startsWith("log"))).toBe(true);
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore * 0.5);
    expect(out.content).toContain("   234\t2024-05-01T10:03:53Z INFO worker-2 processed job 1233 in 121ms ERROR checksum mismatch on shard-9");
    for (const h of out.ccrHashes) {
      const r = io();
      r.cwd = a.cwd;
      expect(await main(["retrieve", h, "--store", "s"], r)).toBe(0);
      for (const line of r.out.split("\n").filter(Boolean)) expect(line).toMatch(/^ +\d+\t/);
      expect(numbered).toContain(r.out);
    }
  });
});

describe("--protect-recent", () => {
  it("counts turns, not messages: the whole current agent-loop turn stays, the help says so", async () => {
    const call = (id: string) => ({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "read", arguments: "{}" } }] });
    const messages = [
      { role: "user", content: "first question" },
      call("1"),
      { role: "tool", tool_call_id: "1", content: LOG },
      { role: "user", content: "second question" },
      call("2"),
      { role: "tool", tool_call_id: "2", content: LOG },
      call("3"),
      { role: "tool", tool_call_id: "3", content: LOG },
    ];
    const a = io(JSON.stringify({ messages }));
    expect(await main(["compress", "--json", "--store", "s", "--protect-recent", "1"], a)).toBe(0);
    const out = JSON.parse(a.out) as { messages: { content: string }[] };
    expect(out.messages[2]!.content).not.toBe(LOG); // the earlier turn is compressed
    expect(out.messages[5]!.content).toBe(LOG); // two tool results of the current turn: both kept
    expect(out.messages[7]!.content).toBe(LOG);
    const h = io();
    expect(await main(["compress", "--help"], h)).toBe(0);
    expect(h.out).toMatch(/--protect-recent N +leave the last N turns untouched/);
  });
});

describe("a store that cannot outlive the run", () => {
  it("falls back to lossless output instead of markers nothing could redeem", async () => {
    const a = io(ROWS);
    writeFileSync(join(a.cwd, "file"), "x");
    // A parent that is a file: SQLite cannot open it, the store falls back to memory.
    expect(await main(["compress", "--json", "--store", "file/ccr.sqlite"], a)).toBe(0);
    const out = JSON.parse(a.out);
    expect(out.ccrHashes).toEqual([]);
    expect(out.content).not.toMatch(/hash=[a-f0-9]{24}/);
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore); // still compressed, losslessly
    expect(a.err).toMatch(/^headroom: no persistent CCR store, so the output is lossless/);
    oneLine(a.err);
  });

  it("--require-store makes that an error (exit 1, one line)", async () => {
    const a = io(ROWS);
    writeFileSync(join(a.cwd, "file"), "x");
    expect(await main(["compress", "--require-store", "--store", "file/ccr.sqlite"], a)).toBe(1);
    expect(a.out).toBe("");
    expect(a.err).toMatch(/no persistent CCR store/);
    oneLine(a.err);
  });
});

describe("input that is not text", () => {
  it.each([
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ["binary with NUL bytes", Buffer.from("\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", "latin1")],
  ])("%s on stdin is refused with one line", async (_, bytes) => {
    const a = io(bytes);
    expect(await main(["compress", "--lossless"], a)).toBe(2);
    expect(a.err).toMatch(/^headroom: stdin (is not UTF-8 text|contains NUL bytes)/);
    oneLine(a.err);
    expect(a.out).toBe("");
  });

  it("a binary file is refused; a UTF-8 file with a BOM keeps it", async () => {
    const a = io();
    writeFileSync(join(a.cwd, "img.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xc3, 0x28]));
    expect(await main(["compress", "img.png", "--lossless"], a)).toBe(2);
    expect(a.err).toMatch(/img\.png (is not UTF-8 text|contains NUL)/);
    const b = io();
    writeFileSync(join(b.cwd, "t.txt"), "\ufeffhello\n");
    expect(await main(["compress", "t.txt", "--lossless", "--json"], b)).toBe(0);
    expect(JSON.parse(b.out).content).toBe("\ufeffhello\n");
  });
});

describe("bad option values are one clear line", () => {
  it.each([
    [["proxy", "--port", "70000"], {}, /--port must be a port number from 0 to 65535, got "70000"/],
    [["proxy"], { HEADROOM_PORT: "xyz" }, /HEADROOM_PORT must be a port number/],
    [["proxy", "--openai-base-url", "notaurl"], {}, /--openai-base-url must be an http\(s\) URL/],
    [["proxy", "--anthropic-base-url", "ftp://x"], {}, /--anthropic-base-url must be an http\(s\) URL/],
    [["proxy"], { HEADROOM_OPENAI_BASE_URL: "localhost:9" }, /HEADROOM_OPENAI_BASE_URL must be an http\(s\) URL/],
    [["proxy", "--unit-cache-mb", "lots"], {}, /--unit-cache-mb needs a non-negative number, got "lots"/],
    [["proxy"], { HEADROOM_UNIT_CACHE_MB: "-5" }, /HEADROOM_UNIT_CACHE_MB must be a non-negative number \(MiB\), got "-5"/],
    [["compress", "--lossless", "-o", "/tmp"], {}, /cannot write \/tmp: is a directory/],
    [["compress", "--lossless", "-o", "/nonexistent/dir/out.txt"], {}, /cannot write \/nonexistent\/dir\/out.txt: no such file or directory/],
    [["retrieve", "xyz"], {}, /"xyz" is not a CCR hash/],
  ])("%j %j", async (argv, env, msg) => {
    const a = io(LOG, env);
    expect(await main(argv as string[], a)).toBe(2);
    expect(a.err).toMatch(msg);
    oneLine(a.err);
  });
});

describe("compress --json output", () => {
  it("keeps the request envelope (model, system, tools, …) beside the compressed messages", async () => {
    const req = { model: "claude-sonnet-4-5", system: "be brief", max_tokens: 512, tools: [{ name: "read", input_schema: { type: "object" } }], messages: [{ role: "user", content: "hi" }] };
    const a = io(JSON.stringify(req));
    expect(await main(["compress", "--json", "--lossless"], a)).toBe(0);
    const out = JSON.parse(a.out);
    expect(out).toMatchObject({ model: req.model, system: req.system, max_tokens: 512, tools: req.tools, messages: req.messages });
    expect(out.tokensBefore).toBeGreaterThan(0);
  });

  it("the text summary says why a unit was left unchanged", async () => {
    const a = io(JSON.stringify({ messages: [{ role: "user", content: "q" }, { role: "tool", tool_call_id: "t", content: "small output" }] }));
    expect(await main(["compress", "--lossless"], a)).toBe(0);
    expect(a.out).toMatch(/left unchanged: \S/);
  });
});

const bin = resolve(__dirname, "../bin/headroom.mjs");
describe.skipIf(!existsSync(resolve(__dirname, "../dist/index.js")))("the installed bin", () => {
  it("exits quietly when stdout closes early (EPIPE)", async () => {
    const big = JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ id: i, v: `value-${i}` })));
    const child = spawn(process.execPath, [bin, "compress", "--json", "--lossless", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.once("data", () => child.stdout.destroy());
    child.stdin.end(big);
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(err).toBe("");
    expect(code).toBe(0);
  }, 60_000);
});
