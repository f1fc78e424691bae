import { spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { ccrKey } from "@headroom/core";
import { findSqliteDriver } from "./sqlite-driver.js";
import { SqliteStore } from "./sqlite-store.js";
import { childValue } from "./testing/writer-child.js";

const dir = mkdtempSync(join(tmpdir(), "headroom-ccr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}`, "ccr.sqlite");
const CHILD = join(dirname(fileURLToPath(import.meta.url)), "testing", "writer-child.ts");

/** Starts a writer process; resolves lines as they come. */
function writer(path: string, prefix: string, count: number, startAt?: number, peer?: string) {
  const args = ["--import", "tsx", CHILD, path, prefix, String(count), ...(startAt ? [String(startAt)] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...(peer ? { env: { ...process.env, HEADROOM_TEST_PEER: peer } } : {}) });
  const lines: string[] = [];
  /** Arrival time of the first and the last line, to show the two writers overlapped. */
  const span = { first: Infinity, last: -Infinity };
  let buf = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    if (parts.length) {
      const t = Date.now();
      span.first = Math.min(span.first, t);
      span.last = Math.max(span.last, t);
    }
    lines.push(...parts);
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on("close", (code, signal) => res({ code, signal })));
  return { child, lines, done, span, stderr: () => err };
}

describe("SqliteStore", () => {
  it("round-trips any string byte-identically and survives reopening", async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    const samples = fc.sample(fc.string({ unit: "binary", maxLength: 300 }), { numRuns: 150, seed: 42 });
    samples.push("", "\ud800 lone", "tail \udfff", "nul\u0000byte", "😀 emoji", "x".repeat(200_000));
    for (const s of samples) await store.put(ccrKey(s), s);
    for (const s of samples) expect(await store.get(ccrKey(s))).toBe(s);
    store.close();
    const again = new SqliteStore(path);
    for (const s of samples) expect(await again.get(ccrKey(s))).toBe(s);
    expect(again.warnings).toEqual([]);
    again.close();
  });

  it("creates the file (and its WAL files) with mode 0600 and uses WAL", async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await store.put("a".repeat(24), "hello");
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      expect(existsSync(f)).toBe(true);
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    store.close();
  });

  it("expires by TTL (lazily), remembers expired keys, and purges in bulk", async () => {
    let t = 1_700_000_000_000;
    const path = fresh();
    const store = new SqliteStore(path, { defaultTtlSeconds: 60, now: () => t });
    await store.put("a".repeat(24), "alpha");
    await store.put("b".repeat(24), "beta", { ttlSeconds: 3600, meta: { kind: "log" } });
    await store.put("c".repeat(24), "gamma", { ttlSeconds: 0 });
    t += 60_000;
    expect(await store.status("a".repeat(24))).toBe("expired");
    expect(await store.get("a".repeat(24))).toBeUndefined();
    expect(await store.status("b".repeat(24))).toBe("present");
    expect(await store.entry("b".repeat(24))).toEqual({ value: "beta", meta: { kind: "log" }, expiresAt: 1_700_000_000_000 + 3_600_000 });
    expect(await store.status("d".repeat(24))).toBe("unknown");
    t += 3_600_000;
    expect(store.purgeExpired()).toBe(1);
    expect(store.stats()).toMatchObject({ entries: 1 });
    expect(await store.get("c".repeat(24))).toBe("gamma");
    store.close();
    // Another process (here: another connection) sees the same expiry memory.
    const other = new SqliteStore(path, { now: () => t });
    expect(await other.status("b".repeat(24))).toBe("expired");
    other.close();
  });

  it("is shared safely by two processes writing at once", async () => {
    const path = fresh();
    new SqliteStore(path).close();
    const startAt = Date.now() + 1500;
    // Each waits after its first put for the other's first: a writer scheduled late cannot find the
    // other one already finished.
    const a = writer(path, "alpha", 400, startAt, "beta");
    const b = writer(path, "beta", 400, startAt, "alpha");
    const [ra, rb] = await Promise.all([a.done, b.done]);
    // The two writers' commit streams overlapped in time.
    expect(a.span.first).toBeLessThan(b.span.last);
    expect(b.span.first).toBeLessThan(a.span.last);
    expect({ code: ra.code, err: a.stderr() }).toEqual({ code: 0, err: "" });
    expect({ code: rb.code, err: b.stderr() }).toEqual({ code: 0, err: "" });
    const store = new SqliteStore(path);
    expect(store.stats().entries).toBe(800);
    for (const [prefix, w] of [["alpha", a], ["beta", b]] as const) {
      expect(w.lines.length).toBe(400);
      for (const line of w.lines) {
        const [i, key] = line.split(" ");
        expect(await store.get(key!)).toBe(childValue(prefix, Number(i)));
      }
    }
    store.close();
  });

  it("loses no committed entry when the writer is killed with SIGKILL", async () => {
    const path = fresh();
    const w = writer(path, "killed", 1_000_000);
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (w.lines.length >= 300) {
          clearInterval(timer);
          w.child.kill("SIGKILL");
          res();
        }
      }, 5);
      w.done.then(() => {
        clearInterval(timer);
        rej(new Error(`writer ended early: ${w.stderr()}`));
      });
    });
    const { signal } = await w.done;
    expect(signal).toBe("SIGKILL");
    const committed = [...w.lines];
    expect(committed.length).toBeGreaterThanOrEqual(300);
    const store = new SqliteStore(path);
    expect(store.warnings).toEqual([]);
    for (const line of committed) {
      const [i, key] = line.split(" ");
      expect(await store.get(key!)).toBe(childValue("killed", Number(i)));
    }
    store.close();
  });

  // Changed by intent (issue 15): a file that is not a SQLite database is the user's, never moved aside or
  // replaced; the store refuses it with one line and works in memory.
  it("refuses a file that is not a database: one line, the file untouched, originals in memory", async () => {
    const path = fresh();
    mkdirSync(dirname(path), { recursive: true });
    const garbage = "this is not a database, just garbage bytes ".repeat(200);
    writeFileSync(path, garbage, { mode: 0o644 });
    chmodSync(path, 0o644);
    const seen: string[] = [];
    const store = new SqliteStore(path, { onWarning: (m) => seen.push(m) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain("\n");
    expect(seen[0]).toMatch(/is unusable \(SQLITE_NOTADB.*left untouched.*in-memory store/);
    expect(store.isInMemory).toBe(true);
    await store.put("b".repeat(24), "new");
    expect(await store.get("b".repeat(24))).toBe("new");
    store.close();
    expect(readFileSync(path, "utf8")).toBe(garbage);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readdirSync(dirname(path))).toEqual(["ccr.sqlite"]);
  });

  it("refuses another program's SQLite database and never adds its tables or WAL mode to it", async () => {
    const path = fresh();
    mkdirSync(dirname(path), { recursive: true });
    const { driver } = findSqliteDriver();
    const other = driver!.open(path);
    other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
    other.close();
    const before = readFileSync(path);
    const store = new SqliteStore(path, { onWarning: () => {} });
    expect(store.isInMemory).toBe(true);
    expect(store.warnings[0]).toMatch(/another program's SQLite database .*refusing to touch it/);
    store.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("never changes the mode of an existing store file", async () => {
    const path = fresh();
    new SqliteStore(path).close();
    chmodSync(path, 0o640);
    const store = new SqliteStore(path);
    await store.put("a".repeat(24), "x");
    store.close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it("recovers when damage shows up only later, on a read", async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await store.put("a".repeat(24), "small");
    await store.put("b".repeat(24), "y".repeat(200_000));
    store.close();
    // Damage the overflow pages of the big value only: the file opens fine, the read fails.
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(64 * 1024, 0xab), 0, 64 * 1024, 100 * 1024);
    closeSync(fd);
    const seen: string[] = [];
    const again = new SqliteStore(path, { onWarning: (m) => seen.push(m) });
    expect(seen).toEqual([]);
    expect(await again.get("a".repeat(24))).toBe("small");
    expect(await again.get("b".repeat(24))).toBeUndefined(); // SQLITE_CORRUPT → moved aside, fresh store
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/SQLITE_CORRUPT.*moved it to/);
    await again.put("c".repeat(24), "fine");
    expect(await again.get("c".repeat(24))).toBe("fine");
    again.close();
  });

  // Changed by intent (issue 15): an unreadable file is someone's, never moved aside: one line, memory.
  it("an unreadable file (another user's, or mode 000) is refused with one line and left where it is", async () => {
    const folder = join(dir, `unreadable${n++}`);
    chmodSync(dir, 0o755); // the other user must be able to reach the folder
    mkdirSync(folder, { mode: 0o777 });
    chmodSync(folder, 0o777);
    const path = join(folder, "ccr.sqlite");
    const s0 = new SqliteStore(path);
    await s0.put("a".repeat(24), "private");
    s0.close();
    const root = process.getuid?.() === 0;
    if (root && !existsSync("/usr/bin/setpriv")) return void console.warn("root without setpriv: cannot make a file unreadable; skipped");
    let warning: string;
    if (root) {
      // Root reads everything: open it as nobody instead (the file stays root's, mode 0600).
      const child = spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "--import", "tsx", CHILD, path, "other", "3"], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((res) => child.on("close", res));
      expect(code).toBe(0);
      warning = err;
    } else {
      chmodSync(path, 0o000);
      const store = new SqliteStore(path, { onWarning: () => {} });
      await store.put("b".repeat(24), "fresh");
      expect(await store.get("b".repeat(24))).toBe("fresh");
      store.close();
      warning = store.warnings.join("\n");
    }
    expect(warning).toMatch(/CCR store .* is unusable \(SQLITE_CANTOPEN.*left untouched.*in-memory store/);
    expect(readdirSync(folder).some((f) => f.includes(".corrupt-"))).toBe(false);
    expect(existsSync(path)).toBe(true);
  });

  it("falls back to memory with a warning when the path cannot be a file", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "a file where a folder should be");
    const store = new SqliteStore(join(blocker, "ccr.sqlite"), { onWarning: () => {} });
    expect(store.isInMemory).toBe(true);
    expect(store.warnings[0]).toMatch(/unusable .*in-memory store/);
    await store.put("a".repeat(24), "still works");
    expect(await store.get("a".repeat(24))).toBe("still works");
    store.close();
  });

  it("refuses use after close", async () => {
    const store = new SqliteStore(fresh());
    store.close();
    store.close();
    await expect(store.get("a".repeat(24))).rejects.toThrow(/closed/);
  });
});
