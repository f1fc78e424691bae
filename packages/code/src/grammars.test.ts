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
    // Compressed grammars unpack and load; the two from collection packages parse their language.
    for (const id of ["kotlin", "swift"] as const) {
      expect(built.grammarPath(id).endsWith(".wasm.br")).toBe(true);
      expect(existsSync(resolve(dist, "grammars", `tree-sitter-${id}.LICENSE`))).toBe(true);
      expect(await built.countParseErrors(id === "kotlin" ? "fun f(x: Int): Int { return x }\n" : "func f(_ x: Int) -> Int { return x }\n", id)).toBe(0);
    }
  });
});
