import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { SPECS } from "./src/languages.js";

const require = createRequire(import.meta.url);

/**
 * Copies just the grammar `.wasm` files (and each grammar's license) out of the tree-sitter-* packages
 * into dist/grammars: those packages also carry C sources and native prebuilds (~140 MB with install
 * scripts), none of which web-tree-sitter uses, so they are devDependencies only.
 */
function copyGrammars(): void {
  const out = join("dist", "grammars");
  mkdirSync(out, { recursive: true });
  for (const { wasm } of Object.values(SPECS)) {
    const dir = dirname(require.resolve(`${wasm.pkg}/package.json`));
    copyFileSync(join(dir, wasm.file), join(out, wasm.file));
    copyFileSync(join(dir, "LICENSE"), join(out, `${wasm.pkg}.LICENSE`));
  }
}

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  // The grammar loader finds dist/grammars with import.meta.url: shim it for CJS.
  shims: true,
  onSuccess: async () => copyGrammars(),
});
