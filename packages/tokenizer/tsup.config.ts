import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig, type Options } from "tsup";

const require = createRequire(import.meta.url);
const ENCODINGS = ["o200k_base", "cl100k_base"];

/**
 * The root entry imports each encoding entry at run time (`import("./o200k_base.js")`): keep that import
 * pointing at the sibling dist file of the same format instead of inlining both encodings into it.
 */
const encodingsExternal: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "encodings-external",
  setup(build) {
    const ext = build.initialOptions.format === "cjs" ? ".cjs" : ".js";
    build.onResolve({ filter: new RegExp(`^\\./(${ENCODINGS.join("|")})\\.js$`) }, (args) =>
      args.importer.endsWith(join("src", "index.ts")) ? { path: args.path.replace(/\.js$/, ext), external: true } : undefined,
    );
  },
};

export default defineConfig({
  entry: ["src/index.ts", ...ENCODINGS.map((e) => `src/${e}.ts`)],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  splitting: false,
  // Only the two encodings we use are shipped (gpt-tokenizer itself is 56 MB with every encoding, in
  // three builds, with source maps): bundle them into our entries and ship its MIT license beside them.
  noExternal: ["gpt-tokenizer"],
  esbuildPlugins: [encodingsExternal],
  onSuccess: async () => {
    mkdirSync("dist", { recursive: true });
    copyFileSync(join(dirname(require.resolve("gpt-tokenizer/package.json")), "LICENSE"), join("dist", "gpt-tokenizer.LICENSE"));
  },
});
