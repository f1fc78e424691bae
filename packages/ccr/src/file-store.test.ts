import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ccrKey } from "@headroom/core";
import { FileStore, FILE_STORE_TAG } from "./file-store.js";
import { isPersistentStore } from "./memory-store.js";
import { childValue } from "./testing/writer-child.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-fstore-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}`, "ccr");
const CHILD = join(dirname(fileURLToPath(import.meta.url)), "testing", "writer-child.ts");
const K = (c: string) => c.repeat(24);

function writer(path: string, prefix: string, count: number, startAt: number) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, path, prefix, String(count), String(startAt)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HEADROOM_TEST_BACKEND: "file" },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise<{ code: number | null; lines: string[]; err: string }>((res) => child.on("close", (code) => res({ code, lines: out.split("\n").filter(Boolean), err })));
}

describe("FileStore", () => {
  it("round-trips any string byte-identically and survives reopening", async () => {
    const path = fresh();
    const store = new FileStore(path);
    expect(store.persistent).toBe(true);
    expect(isPersistentStore(store)).toBe(true);
    const samples = fc.sample(fc.string({ unit: "binary", maxLength: 300 }), { numRuns: 100, seed: 7 });
    samples.push("", "\ud800 lone", "tail \udfff", "nul\u0000byte", "😀 emoji", "x".repeat(200_000));
    for (const s of samples) await store.put(ccrKey(s), s, { meta: { kind: "log" } });
    const again = new FileStore(path);
    for (const s of samples) expect(await again.get(ccrKey(s))).toBe(s);
    expect(await again.entry(ccrKey("x".repeat(200_000)))).toMatchObject({ meta: { kind: "log" } });
    expect(again.stats()).toMatchObject({ entries: new Set(samples).size, inMemory: false, backend: "file" });
    expect(again.warnings).toEqual([]);
    // Any key, not only hex ones, maps to a file of its own.
    await again.put("../../etc/passwd", "not a path");
    expect(await again.get("../../etc/passwd")).toBe("not a path");
    expect(readdirSync(dirname(path))).toEqual(["ccr"]);
  });

  it("creates what it makes with 0700/0600 and never changes the mode of an existing directory", async () => {
    const path = fresh();
    const store = new FileStore(path);
    await store.put(K("a"), "hello");
    expect(statSync(path).mode & 0o777).toBe(0o700);
    const sub = join(path, "aa");
    expect(statSync(sub).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(sub)) expect(statSync(join(sub, f)).mode & 0o777).toBe(0o600);
    const shared = join(dir, `shared${n++}`);
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const inShared = new FileStore(shared); // an empty directory is adopted…
    await inShared.put(K("b"), "v");
    expect(statSync(shared).mode & 0o777).toBe(0o755); // …and keeps its mode
    expect(readFileSync(join(shared, FILE_STORE_TAG), "utf8")).toMatch(/^Headroom CCR file store/);
  });

  it("refuses, with one line and untouched, a file or a foreign non-empty directory; works in memory then", async () => {
    const file = join(dir, `notes${n++}.txt`);
    writeFileSync(file, "my notes");
    const seen: string[] = [];
    const a = new FileStore(file, { onWarning: (m) => seen.push(m) });
    expect(a.persistent).toBe(false);
    await a.put(K("c"), "kept in memory");
    expect(await a.get(K("c"))).toBe("kept in memory");
    expect(readFileSync(file, "utf8")).toBe("my notes");
    const foreign = join(dir, `foreign${n++}`);
    mkdirSync(foreign);
    writeFileSync(join(foreign, "photo.jpg"), "jpeg");
    chmodSync(foreign, 0o750);
    const b = new FileStore(foreign, { onWarning: (m) => seen.push(m) });
    expect(b.persistent).toBe(false);
    expect(readdirSync(foreign)).toEqual(["photo.jpg"]);
    expect(statSync(foreign).mode & 0o777).toBe(0o750);
    expect(seen).toHaveLength(2);
    for (const m of seen) expect(m).not.toContain("\n");
    expect(seen[0]).toMatch(/is a file, not a store directory: refusing to touch it.*die with this process/);
    expect(seen[1]).toMatch(/not a Headroom store and not empty: refusing to touch it/);
  });

  it("takes over a store whose creator died before linking its tag, and never leaves a half-written tag", async () => {
    const path = fresh();
    mkdirSync(path, { recursive: true });
    // What a process killed between writing its temporary tag and linking it leaves behind.
    writeFileSync(join(path, "HEADROOM-CCR.999999.tmp"), "Headroom CCR file store v1");
    const seen: string[] = [];
    const store = new FileStore(path, { onWarning: (m) => seen.push(m) });
    expect(seen).toEqual([]);
    expect(store.persistent).toBe(true);
    expect(readFileSync(join(path, "HEADROOM-CCR"), "utf8")).toMatch(/^Headroom CCR file store v1: .*\n$/);
    // Its own temporary tag is gone; the dead process's is left alone (not ours to delete).
    expect(readdirSync(path).filter((f) => f.startsWith("HEADROOM-CCR.")).sort()).toEqual(["HEADROOM-CCR.999999.tmp"]);
    await store.put(K("d"), "after takeover");
    expect(await new FileStore(path).get(K("d"))).toBe("after takeover");
  });

  it("expires by TTL, says expired afterwards, keeps the later expiry on re-put, and purges in bulk", async () => {
    let t = 1_700_000_000_000;
    const store = new FileStore(fresh(), { now: () => t, defaultTtlSeconds: 60 });
    await store.put(K("a"), "short");
    await store.put(K("b"), "long", { ttlSeconds: 3600 });
    await store.put(K("b"), "long", { ttlSeconds: 10 }); // keeps the 1 h expiry
    await store.put(K("c"), "forever", { ttlSeconds: 0 });
    t += 61_000;
    expect(await store.get(K("a"))).toBeUndefined();
    expect(await store.status(K("a"))).toBe("expired");
    expect(await store.get(K("b"))).toBe("long");
    expect(await store.status(K("d"))).toBe("unknown");
    t += 3600_000;
    expect(await store.purgeExpired()).toBe(1); // b; a was already expired on touch
    expect(await store.status(K("b"))).toBe("expired");
    expect(await store.get(K("c"))).toBe("forever");
    expect(store.stats().entries).toBe(1);
    expect(await store.delete(K("c"))).toBe(true);
    expect(await store.has(K("c"))).toBe(false);
  });

  it("is shared safely by two processes writing at once (and read by a third)", async () => {
    const path = fresh();
    const startAt = Date.now() + 1500;
    const [a, b] = await Promise.all([writer(path, "A", 150, startAt), writer(path, "B", 150, startAt)]);
    expect([a.code, a.err, b.code, b.err]).toEqual([0, "", 0, ""]);
    const store = new FileStore(path);
    for (const [prefix, r] of [["A", a], ["B", b]] as const) {
      expect(r.lines).toHaveLength(150);
      for (const line of r.lines) {
        const [i, key] = line.split(" ");
        expect(await store.get(key!)).toBe(childValue(prefix, Number(i)));
      }
    }
    expect(readdirSync(join(path, "tmp"))).toEqual([]);
  });
});
