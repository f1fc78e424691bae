import { defineConfig } from "tsup";

export default defineConfig({
  // checkpoint-worker.js is loaded by path (a worker thread), so it is an entry too.
  entry: ["src/index.ts", "src/node.ts", "src/checkpoint-worker.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/node.ts"] },
  clean: true,
  target: "es2022",
  // `import.meta.url` in the CJS build of ./node (createRequire for the optional SQLite drivers).
  shims: true,
});
