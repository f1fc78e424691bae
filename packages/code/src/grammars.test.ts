import { existsSync } from "node:fs";
import { resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "./languages.js";

const dist = resolve(__dirname, "../dist");

// The published package has no tree-sitter-* dependencies: its grammars are the copies in dist/grammars.
describe.skipIf(!existsSync(resolve(dist, "index.js")))("built @headroom/code", () => {
  it("loads every grammar from dist/grammars", async () => {
    const built = (await import(resolve(dist, "index.js"))) as typeof import("./index.js");
    for (const id of LANGUAGES) {
      const path = built.grammarPath(id);
      expect(path.startsWith(`${resolve(dist, "grammars")}${sep}`)).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
    const lang = await built.loadLanguage("python");
    expect(lang).toBeDefined();
  });
});
