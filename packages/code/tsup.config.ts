import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  // The grammar loader resolves .wasm files with createRequire(import.meta.url): shim it for CJS.
  shims: true,
});
