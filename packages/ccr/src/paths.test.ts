import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStore } from "./file-store.js";
import { defaultStorePath, openStore, resolveStoreLocation } from "./paths.js";
import { SqliteStore } from "./sqlite-store.js";

describe("defaultStorePath", () => {
  it("follows HEADROOM_STORE, then XDG_DATA_HOME, then the platform's data directory", () => {
    expect(defaultStorePath({ HEADROOM_STORE: "/tmp/x.sqlite", XDG_DATA_HOME: "/d" }, "linux", "/home/u")).toBe("/tmp/x.sqlite");
    expect(defaultStorePath({ XDG_DATA_HOME: "/data" }, "linux", "/home/u")).toBe("/data/headroom/ccr");
    expect(defaultStorePath({ XDG_DATA_HOME: "relative/ignored" }, "linux", "/home/u")).toBe("/home/u/.local/share/headroom/ccr");
    expect(defaultStorePath({}, "linux", "/home/u")).toBe("/home/u/.local/share/headroom/ccr");
    expect(defaultStorePath({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Application Support/headroom/ccr");
    expect(defaultStorePath({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\headroom\\ccr");
    expect(defaultStorePath({}, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\headroom\\ccr");
    expect(defaultStorePath({ HOME: "/home/h" }, "linux")).toBe("/home/h/.local/share/headroom/ccr");
  });
});

describe("openStore", () => {
  it("opens (creating folders) the file store by default and the SQLite store for a SQLite path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headroom-open-"));
    try {
      const store = openStore(join(dir, "a", "b", "ccr"));
      expect(store).toBeInstanceOf(FileStore);
      expect(store.persistent).toBe(true);
      await store.put("a".repeat(24), "v");
      expect(await openStore(join(dir, "a", "b", "ccr")).get("a".repeat(24))).toBe("v");
      const sqlite = openStore(join(dir, "c", "ccr.sqlite"));
      expect(sqlite).toBeInstanceOf(SqliteStore);
      await sqlite.put("a".repeat(24), "w");
      sqlite.close();
      expect(resolveStoreLocation(join(dir, "c", "ccr.sqlite"))).toEqual({ backend: "sqlite", path: join(dir, "c", "ccr.sqlite") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a directory holds our store; a user's file is refused with one line and left as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "headroom-open-"));
    try {
      writeFileSync(join(dir, "notes.txt"), "my notes");
      chmodSync(dir, 0o755);
      // A directory that is not ours and not empty: our store goes inside it, the directory keeps its mode.
      expect(resolveStoreLocation(dir)).toEqual({ backend: "file", path: join(dir, "ccr") });
      const inside = openStore(dir);
      expect(inside.path).toBe(join(dir, "ccr"));
      expect(statSync(dir).mode & 0o777).toBe(0o755);
      expect(resolveStoreLocation(join(dir, "ccr"))).toEqual({ backend: "file", path: join(dir, "ccr") });
      const file = join(dir, "notes.txt");
      expect(() => resolveStoreLocation(file)).toThrow(/^CCR store .*notes\.txt exists and is not a Headroom store: refusing to touch it[^\n]*$/);
      expect(() => openStore(file, { requirePersistent: true })).toThrow(/refusing to touch it/);
      const warnings: string[] = [];
      const mem = openStore(file, { onWarning: (m) => warnings.push(m) });
      expect(mem.persistent).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/not a Headroom store: refusing to touch it.*die with this process/);
      expect(readFileSync(file, "utf8")).toBe("my notes");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
