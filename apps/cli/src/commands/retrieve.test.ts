import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIO } from "../testing.js";
import { ccrKey, findMarkerHashes } from "@headroom/core";
import { openStore } from "@headroom/ccr/node";
import { main } from "../main.js";

const io = memoryIO;

const LOG = Array.from({ length: 400 }, (_, i) => `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z INFO worker-${i % 7} processed job ${1000 + i} in ${(i * 37) % 500}ms${i === 233 ? " ERROR checksum mismatch on shard-9" : ""}`).join("\n") + "\n";

async function seeded() {
  const a = io();
  const path = join(a.cwd, "ccr.sqlite");
  const store = openStore(path);
  await store.put(ccrKey(LOG), LOG);
  store.close();
  return { a, path, key: ccrKey(LOG) };
}

describe("headroom retrieve", () => {
  it("prints the original byte for byte", async () => {
    const { a, path, key } = await seeded();
    expect(await main(["retrieve", key, "--store", path], a)).toBe(0);
    expect(a.out).toBe(LOG);
    expect(a.err).toBe("");
  });

  it("with --query prints only matching lines, the note on stderr", async () => {
    const { a, path, key } = await seeded();
    expect(await main(["retrieve", `hash=${key}`, "--query", "checksum mismatch", "--store", path], a)).toBe(0);
    expect(a.out).toBe(LOG.split("\n")[233] + "\n");
    expect(a.err).toMatch(/^Returned 1 of 400 lines matching "checksum mismatch"/);
  });

  it("a miss is one clear line and exit 1", async () => {
    const { a, path } = await seeded();
    expect(await main(["retrieve", ccrKey("never stored"), "--store", path], a)).toBe(1);
    expect(a.out).toBe("");
    expect(a.err.trim().split("\n")).toHaveLength(1);
    expect(a.err).toMatch(/No original is stored for hash [a-f0-9]{24}.*Re-run the tool call/);
  });

  it("does not create a store that does not exist; uses HEADROOM_STORE by default", async () => {
    const b = io("", { HEADROOM_STORE: "/nonexistent/dir/ccr.sqlite" });
    expect(await main(["retrieve", ccrKey("x")], b)).toBe(1);
    expect(b.err).toMatch(/^headroom retrieve: No CCR store at \/nonexistent\/dir\/ccr.sqlite/);
    expect(b.err.trim().split("\n")).toHaveLength(1);
    expect(existsSync("/nonexistent/dir")).toBe(false);
  });

  it("--json prints the result object", async () => {
    const { a, path, key } = await seeded();
    expect(await main(["retrieve", key, "--store", path, "--json", "-q", "worker-3", "--max-items", "5"], a)).toBe(0);
    const r = JSON.parse(a.out);
    expect(r).toMatchObject({ found: true, hash: key, returnedItems: 5, totalItems: 400 });
  });

  it("usage errors exit 2", async () => {
    const a = io();
    expect(await main(["retrieve"], a)).toBe(2);
    expect(a.err).toMatch(/missing HASH/);
    const b = io();
    expect(await main(["retrieve", "a", "b"], b)).toBe(2);
  });

  it("retrieves what compress --store stored", async () => {
    const a = io(LOG);
    const path = join(a.cwd, "ccr.sqlite");
    expect(await main(["compress", "--json", "--store", path], a)).toBe(0);
    const out = JSON.parse(a.out) as { content: string };
    const hashes = findMarkerHashes(out.content);
    // Without a lossy compressor installed for logs the output is lossless and carries no marker.
    if (!hashes.length) expect(out.content.length).toBeGreaterThan(0);
    for (const h of hashes) {
      const r = io();
      expect(await main(["retrieve", h, "--store", path], r)).toBe(0);
      expect(ccrKey(r.out)).toBe(h);
    }
    console.info(`compress --store → retrieve: ${hashes.length} marker(s) checked`);
  });
});
