import { defineConfig } from "tsup";

// An app, not a library: ESM only (it uses import.meta.url to find plugins installed beside it).
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  target: "es2022",
  external: [/^@headroom\//],
});
