// Requires every subpath with a `require` condition, from CommonJS, and compresses through the CJS router.
const { readFileSync } = require("node:fs");
const names = JSON.parse(readFileSync(__dirname + "/packages.json", "utf8"));
let n = 0;
for (const name of names) {
  const pkg = require(`${name}/package.json`);
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    if (sub === "./package.json" || typeof target !== "object" || !target.require) continue;
    const spec = sub === "." ? name : `${name}/${sub.slice(2)}`;
    const mod = require(spec);
    if (!Object.keys(mod).length) throw new Error(`${spec}: no exports from CJS`);
    n++;
  }
}
const { createRouter } = require("@headroom/router");
const { headroomPlugin } = require("@headroom/smart-crusher");
const rows = JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ id: i, name: `row-${i}`, ok: true })), null, 2);
createRouter({ plugins: [headroomPlugin()], minTokens: 0, lossless: true }).compress([{ role: "tool", tool_call_id: "t", content: rows }]).then((r) => {
  if (!(r.tokensAfter < r.tokensBefore)) throw new Error("cjs: compress() saved nothing");
  console.log(`cjs: required ${n} entry points; router.compress() ${r.tokensBefore} → ${r.tokensAfter}`);
});
