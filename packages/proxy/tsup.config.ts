import { defineConfig } from "tsup";

export default defineConfig({
  // worker.js and default-pipeline.js are loaded by path (worker threads), so they are entries too.
  entry: ["src/index.ts", "src/node.ts", "src/worker.ts", "src/default-pipeline.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/node.ts"] },
  clean: true,
  target: "es2022",
  shims: true,
});
