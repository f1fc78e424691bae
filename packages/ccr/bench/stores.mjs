// Put/get latency of the durable stores on this runtime: `node bench/stores.mjs`, `bun bench/stores.mjs`.
// 2000 originals of 20 kB each, the second of two rounds reported (the first warms up).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const { FileStore, SqliteStore, findSqliteDriver } = await import("../dist/node.js");
const dir = mkdtempSync(join(tmpdir(), "storeb-"));
const val = "x".repeat(20000);
const N = 2000;
const runtime = globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const backends = [["file", (p) => new FileStore(p)]];
if (findSqliteDriver().driver) backends.push([`sqlite (${findSqliteDriver().driver.name})`, (p) => new SqliteStore(`${p}.sqlite`)]);
for (const [name, open] of backends) {
  for (let rep = 0; rep < 2; rep++) {
    const s = open(join(dir, `${name.split(" ")[0]}${rep}`));
    let t = performance.now();
    for (let i = 0; i < N; i++) await s.put(String(i).padStart(24, "0"), val + i);
    const put = ((performance.now() - t) / N) * 1000;
    t = performance.now();
    for (let i = 0; i < N; i++) await s.get(String(i).padStart(24, "0"));
    const get = ((performance.now() - t) / N) * 1000;
    t = performance.now();
    const opened = open(join(dir, `${name.split(" ")[0]}${rep}`));
    await opened.get("0".repeat(24));
    const reopen = ((performance.now() - t) * 1000);
    if (rep) console.log(JSON.stringify({ runtime, store: name, putUs: +put.toFixed(1), getUs: +get.toFixed(1), reopenAndGetUs: +reopen.toFixed(0) }));
    s.close();
    opened.close();
  }
}
rmSync(dir, { recursive: true, force: true });
