import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "node/index": "src/node/index.ts", "node/worker": "src/node/worker.ts", "node/prose-worker": "src/node/prose-worker.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", "node/index": "src/node/index.ts", "testing/index": "src/testing/index.ts" } },
  clean: true,
  target: "es2022",
  // Each entry self-contained: the pool finds its worker script beside itself (dist/node/worker.*).
  splitting: false,
  shims: true,
});
