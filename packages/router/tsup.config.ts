import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  // ./node finds its own install location with import.meta.url: shim it for CJS.
  shims: true,
  // Plugin discovery loads plugins in the module system the router itself was loaded in.
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, __HEADROOM_MODULE_SYSTEM__: JSON.stringify(format === "cjs" ? "require" : "import") };
  },
});
