import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  // `import.meta.url` in the CJS build of ./node (createRequire for the optional SQLite drivers).
  shims: true,
});
