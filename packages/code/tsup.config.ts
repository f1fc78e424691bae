import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { defineConfig } from "tsup";
import { SPECS } from "./src/languages.js";

const require = createRequire(import.meta.url);

/**
 * Copies just the grammar `.wasm` files (and each grammar's license) out of the grammar packages into
 * dist/grammars, brotli-compressed (`<name>.wasm.br`, ~15× smaller; grammars.ts unpacks them): those
 * packages also carry C sources and native prebuilds (~140 MB with install scripts), or dozens of other
 * languages' grammars (tree-sitter-wasms, 50 MB), none of which is used, so they are devDependencies only.
 * A grammar taken from a collection package ships its own license (from licenses/), not the collection's.
 */
function copyGrammars(): void {
  const out = join("dist", "grammars");
  mkdirSync(out, { recursive: true });
  for (const { id, wasm } of Object.values(SPECS)) {
    const dir = dirname(require.resolve(`${wasm.pkg}/package.json`));
    const bytes = readFileSync(join(dir, wasm.file));
    // Quality 9 is within 10% of the maximum (11) at a thirtieth of the build time.
    const packed = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    writeFileSync(join(out, `${basename(wasm.file)}.br`), packed);
    if (wasm.license) copyFileSync(wasm.license, join(out, `tree-sitter-${id}.LICENSE`));
    else copyFileSync(join(dir, "LICENSE"), join(out, `${wasm.pkg}.LICENSE`));
  }
}

export default defineConfig({
  // part-worker.js is loaded by path (worker threads), so it is an entry too.
  entry: ["src/index.ts", "src/part-worker.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts"] },
  clean: true,
  target: "es2022",
  // The grammar loader finds dist/grammars with import.meta.url: shim it for CJS.
  shims: true,
  onSuccess: async () => copyGrammars(),
});
