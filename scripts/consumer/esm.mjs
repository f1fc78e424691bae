// Imports every subpath every installed @headroom package exports, from ESM, and checks it is ESM.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const names = JSON.parse(readFileSync(new URL("./packages.json", import.meta.url), "utf8"));
let n = 0;
for (const name of names) {
  const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8"));
  for (const sub of Object.keys(pkg.exports ?? {})) {
    if (sub === "./package.json") continue;
    const spec = sub === "." ? name : `${name}/${sub.slice(2)}`;
    const mod = await import(spec);
    if (!Object.keys(mod).length) throw new Error(`${spec}: no exports from ESM`);
    n++;
  }
}
console.log(`esm: imported ${n} entry points of ${names.length} packages`);
