import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const { SqliteStore, findSqliteDriver } = await import("../dist/node.js");
const only = process.argv[2] || undefined;
const dir = mkdtempSync(join(tmpdir(), "sqlb-"));
const val = "x".repeat(20000);
const N = 2000;
for (let rep = 0; rep < 2; rep++) {
  const s = new SqliteStore(join(dir, `s${rep}.sqlite`), only ? { driver: only } : {});
  let t = performance.now();
  for (let i = 0; i < N; i++) await s.put(String(i).padStart(24, "0"), val + i);
  const put = (performance.now() - t) / N * 1000;
  t = performance.now();
  for (let i = 0; i < N; i++) await s.get(String(i).padStart(24, "0"));
  const get = (performance.now() - t) / N * 1000;
  if (rep) console.log(JSON.stringify({ runtime: globalThis.Bun ? "bun " + Bun.version : "node " + process.version, driver: s.driver, putUs: +put.toFixed(1), getUs: +get.toFixed(1) }));
  s.close();
}
rmSync(dir, { recursive: true, force: true });
