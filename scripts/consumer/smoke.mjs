// What a user does after `npm i`: discover the installed plugins, compress with a store, retrieve the
// original, parse code with the shipped grammars, and run the installed `headroom` bin.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDefaultRouter } from "@headroom/router/node";
import { MemoryStore } from "@headroom/ccr";
import { tiktokenTokenizer } from "@headroom/tokenizer";
import { compressCode } from "@headroom/code";
import assert from "node:assert/strict";

const warnings = [];
const store = new MemoryStore();
const router = await createDefaultRouter({ tokenizer: tiktokenTokenizer, store, onWarning: (m) => warnings.push(m) });
const names = router.compressors.map((c) => c.name);
assert.deepEqual(router.discoveryErrors, []);
for (const c of ["smart-crusher", "log", "code"]) assert.ok(names.includes(c), `discovered ${names.join(", ")}; missing ${c}`);

const rows = JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: i, user: `user${i}`, status: i === 137 ? "FAILED: disk full" : "ok", ms: (i * 37) % 500 })));
const r = await router.compress([{ role: "user", content: "which job failed?" }, { role: "tool", tool_call_id: "t1", content: rows }], { model: "gpt-4o" });
assert.ok(r.tokensAfter < r.tokensBefore, "saved nothing");
for (const h of r.ccrHashes) assert.ok(await store.get(h), `hash ${h} not in the store`);

const py = Array.from({ length: 40 }, (_, i) => `def f${i}(x):\n    """Doc ${i}."""\n    y = x * ${i}\n    for k in range(10):\n        y += k * ${i}\n        if y > 100:\n            print("big", y, k)\n    return y\n`).join("\n");
const code = await compressCode(py, "python", { reversible: true });
assert.ok(code && code.text.length < py.length, "python grammar did not load from the installed package");

// The bin: relative paths resolve from the directory it runs in, never from INIT_CWD.
const work = mkdtempSync(join(tmpdir(), "headroom-bin-"));
mkdirSync(join(work, "sub"));
const log = Array.from({ length: 300 }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} INFO worker ${i % 4} processed batch ${i}`).join("\n");
writeFileSync(join(work, "sub", "build.log"), log);
const bin = join(process.cwd(), "node_modules", ".bin", "headroom");
const run = (args, cwd, env = {}) => spawnSync(bin, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
const v = run(["--version"], work);
assert.equal(v.status, 0, v.stderr);
const c = run(["compress", "build.log", "--lossless"], join(work, "sub"), { INIT_CWD: "/" });
assert.equal(c.status, 0, c.stderr);
assert.match(c.stdout, /^tokens: \d+ → \d+/);
// The default store is the file store: no native module, so markers are retrievable on a plain install
// (this install skips install scripts), and `retrieve` reads them back, byte for byte.
const home = join(work, "home");
const st = run(["compress", "build.log", "--json"], join(work, "sub"), { HOME: home, XDG_DATA_HOME: "" });
assert.equal(st.status, 0, st.stderr);
assert.equal(st.stderr, "");
const stored = JSON.parse(st.stdout);
assert.ok(stored.ccrHashes.length > 0, "no marker with the default store");
for (const h of stored.ccrHashes) {
  const back = run(["retrieve", h], work, { HOME: home, XDG_DATA_HOME: "" });
  assert.equal(back.status, 0, back.stderr);
  assert.ok(log.includes(back.stdout.split("\n")[0]), "retrieve returned something else");
}
// A SQLite path without a built SQLite driver: one line, lossless output, no marker nothing could redeem.
const sq = run(["compress", "build.log", "--json", "--store", join(work, "ccr.sqlite")], join(work, "sub"));
assert.equal(sq.status, 0, sq.stderr);
assert.ok(sq.stderr.trim().split("\n").length <= 1, `more than one stderr line: ${sq.stderr}`);
const sqOut = JSON.parse(sq.stdout);
if (!sqOut.ccrHashes.length) assert.match(sq.stderr, /^headroom: no persistent CCR store, so the output is lossless/);
for (const h of sqOut.ccrHashes) assert.equal(run(["retrieve", h, "--store", join(work, "ccr.sqlite")], work).status, 0);
const bad = run(["retrieve", "xyz"], work, { HEADROOM_STORE: join(work, "none.sqlite") });
assert.equal(bad.status, 2, `retrieve xyz: ${bad.status} ${bad.stderr}`);
console.log(`smoke: ${names.length} compressors discovered; ${r.tokensBefore} → ${r.tokensAfter} tokens; bin ${v.stdout.trim()} ok`);
