import { describe, expect, it } from "vitest";
import { compressCode } from "./parts.js";
import { grammarLoadTimes } from "./grammars.js";

// Grammars load on first use, once per process (each test file runs in its own): which ones this file's
// compressions loaded says which grammars parsed its inputs.
const fn = (name: string) => `function ${name}(req, res) {\n  const a = req.query.a;\n  const b = req.query.b;\n  if (!a) return res.status(400).end();\n  res.send(String(a) + String(b));\n  return res;\n}\n`;

describe("fallback grammars", () => {
  it("a file cut off before its closers keeps the named grammar, parsed once", async () => {
    const full = [fn("first"), fn("second"), fn("third")].join("\n");
    const cut = full.slice(0, full.lastIndexOf("res.send"));
    const r = await compressCode(cut, "javascript");
    expect(r?.language).toBe("javascript");
    expect(r?.parseErrors).toBeGreaterThan(0);
    expect(Object.keys(grammarLoadTimes()).sort()).toEqual(["javascript"]);
  });

  it("a file the named grammar misreads is still tried with the fallbacks (TSX reads this one cleanly)", async () => {
    // Type annotations in a .js file: ERROR nodes for the JavaScript grammar, clean for TypeScript's.
    const typed = [fn("first"), "function typed(a: number, b: string): string {\n  const c: number = a + 1;\n  const d: string = b + c;\n  const e: string = d.trim();\n  const f: string = e.toUpperCase();\n  return f;\n}\n"].join("\n");
    await compressCode(typed, "javascript");
    expect(Object.keys(grammarLoadTimes())).toContain("tsx");
  });
});
