import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isPersistentStore, MemoryStore } from "./index.js";
import { findSqliteDriver, openStore, SqliteStore } from "./node.js";

// These tests run the built package (`dist`, as users get it): the bootstrap builds before testing.
const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "headroom-ccr-split-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an ESM snippet in a fresh Node inside the package (so `@headroom/ccr` resolves to itself). */
function node(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: PKG, encoding: "utf8" }).trim();
}

const LOADED = `const { createRequire } = await import("node:module");
const cache = createRequire(process.cwd() + "/x.js").cache;
const loaded = Object.keys(cache).some((k) => k.includes("better-sqlite3"));`;

describe("edge root and ./node", () => {
  it('import("@headroom/ccr") does not load better-sqlite3; ./node loads it only when a store opens', () => {
    expect(node(`await import("@headroom/ccr"); ${LOADED} console.log(loaded);`)).toBe("false");
    const path = join(dir, "control", "ccr.sqlite");
    // Control: the same check sees better-sqlite3 once a SqliteStore is opened through ./node.
    expect(node(`const m = await import("@headroom/ccr/node"); new m.SqliteStore(${JSON.stringify(path)}).close(); ${LOADED} console.log(loaded);`)).toBe("true");
  });

  it("the CJS builds load too", () => {
    const req = createRequire(join(PKG, "package.json"));
    const root = req(join(PKG, "dist", "index.cjs")) as typeof import("./index.js");
    const nodeEntry = req(join(PKG, "dist", "node.cjs")) as typeof import("./node.js");
    expect(typeof root.MemoryStore).toBe("function");
    const s = new nodeEntry.SqliteStore(join(dir, "cjs", "ccr.sqlite"));
    expect(s.persistent).toBe(true);
    s.close();
  });
});

describe("SQLite driver choice and the in-memory fallback", () => {
  it("uses better-sqlite3 on Node 20 and says why node:sqlite is not there", () => {
    expect(findSqliteDriver().driver?.name).toBe(Number(process.versions.node.split(".")[0]) >= 22 ? expect.any(String) : "better-sqlite3");
    const probe = findSqliteDriver("bun:sqlite");
    expect(probe.driver).toBeUndefined();
    expect(probe.failures).toEqual(["bun:sqlite: not running on Bun"]);
  });

  it("without a working driver: one warning line, originals kept in memory, persistent false", async () => {
    const warnings: string[] = [];
    const s = new SqliteStore(join(dir, "nodriver", "ccr.sqlite"), { driver: "bun:sqlite", onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain("\n");
    expect(warnings[0]).toMatch(/no SQLite driver works here .*bun:sqlite: not running on Bun.*die with this process/);
    expect(s.persistent).toBe(false);
    expect(isPersistentStore(s)).toBe(false);
    await s.put("a".repeat(24), "original");
    expect(await s.get("a".repeat(24))).toBe("original");
    expect(s.stats()).toMatchObject({ entries: 1, inMemory: true, driver: undefined });
    s.close();
  });

  it("openStore({ requirePersistent }) fails with one line when persistence cannot be had", () => {
    const path = join(dir, "required", "ccr.sqlite");
    expect(() => openStore(path, { driver: "bun:sqlite", requirePersistent: true })).toThrow(/^CCR store .*no SQLite driver works here[^\n]*$/);
    const ok = openStore(path, { requirePersistent: true });
    expect(isPersistentStore(ok)).toBe(true);
    ok.close();
  });

  it("isPersistentStore tells memory from disk", () => {
    expect(isPersistentStore(new MemoryStore())).toBe(false);
    expect(isPersistentStore({ persistent: true })).toBe(true);
    expect(isPersistentStore(undefined)).toBe(false);
  });
});

/** A runtime binary from node_modules (installed as a dev dependency), if this platform has one. */
function bunBinary(): string | undefined {
  try {
    const p = join(dirname(createRequire(join(PKG, "package.json")).resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined; // not installed on this platform: the test is skipped
  }
}
const BUN = bunBinary();

describe.skipIf(!BUN)("on Bun", () => {
  it("SqliteStore runs on bun:sqlite: persistent, byte-identical values (lone surrogates too), shared file", () => {
    const path = join(dir, "bun", "ccr.sqlite");
    const script = `import { SqliteStore } from "@headroom/ccr/node";
const path = ${JSON.stringify(path)};
const odd = "x\\ud800y";
const a = new SqliteStore(path);
await a.put("k1".padEnd(24, "0"), "hello ✓");
await a.put("k2".padEnd(24, "0"), odd);
a.close();
const b = new SqliteStore(path);
console.log(JSON.stringify({ driver: b.driver, persistent: b.persistent, v1: await b.get("k1".padEnd(24, "0")), odd: (await b.get("k2".padEnd(24, "0"))) === odd, warnings: b.warnings }));`;
    const r = spawnSync(BUN!, ["-e", script], { cwd: PKG, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ driver: "bun:sqlite", persistent: true, v1: "hello ✓", odd: true, warnings: [] });
  });
});
