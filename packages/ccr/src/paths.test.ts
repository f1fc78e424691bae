import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultStorePath, openStore } from "./paths.js";

describe("defaultStorePath", () => {
  it("follows HEADROOM_STORE, then XDG_DATA_HOME, then the platform's data directory", () => {
    expect(defaultStorePath({ HEADROOM_STORE: "/tmp/x.sqlite", XDG_DATA_HOME: "/d" }, "linux", "/home/u")).toBe("/tmp/x.sqlite");
    expect(defaultStorePath({ XDG_DATA_HOME: "/data" }, "linux", "/home/u")).toBe("/data/headroom/ccr.sqlite");
    expect(defaultStorePath({ XDG_DATA_HOME: "relative/ignored" }, "linux", "/home/u")).toBe("/home/u/.local/share/headroom/ccr.sqlite");
    expect(defaultStorePath({}, "linux", "/home/u")).toBe("/home/u/.local/share/headroom/ccr.sqlite");
    expect(defaultStorePath({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Application Support/headroom/ccr.sqlite");
    expect(defaultStorePath({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\headroom\\ccr.sqlite");
    expect(defaultStorePath({}, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\headroom\\ccr.sqlite");
    expect(defaultStorePath({ HOME: "/home/h" }, "linux")).toBe("/home/h/.local/share/headroom/ccr.sqlite");
  });
});

describe("openStore", () => {
  it("opens (creating folders) a working SQLite store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headroom-open-"));
    try {
      const store = openStore(join(dir, "a", "b", "ccr.sqlite"));
      await store.put("a".repeat(24), "v");
      expect(await store.get("a".repeat(24))).toBe("v");
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
