import { createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { compressCode, createCodeCompressor } from "./index.js";

/** A TypeScript module of `n` functions, each with a body long enough to collapse. */
function module(n: number): string {
  const fn = (i: number) =>
    `export function handler${i}(req: Request, retries = ${i % 3}): string | null {\n  let seen = 0;\n  for (let a = 0; a < retries; a++) {\n    seen += a;\n    if (req.ok) return req.body + seen;\n  }\n  return null;\n}\n`;
  return Array.from({ length: n }, (_, i) => fn(i)).join("\n");
}

/**
 * A signal that turns aborted on its `reads`-th read of `aborted` (deterministic: no clock), as the
 * pipeline's signal does when its deadline passes while a synchronous parse runs.
 */
function cutAfter(reads: number) {
  let n = 0;
  let cut = false;
  return {
    get aborted() {
      if (++n >= reads) cut = true;
      return cut;
    },
    throwIfAborted() {
      if (cut) throw new Error("cut off");
    },
    reads: () => n,
  };
}

describe("a parse under the caller's signal", () => {
  const small = module(3);
  const big = module(3000);

  it("is cancelled by tree-sitter once the signal reads aborted, and the shared parser then reads new text afresh", async () => {
    const before = await compressCode(small, "typescript");
    expect(before).not.toBeNull();
    const signal = cutAfter(4);
    await expect(compressCode(big, "typescript", { signal })).rejects.toThrow("cut off");
    // Read from inside the parse (tree-sitter's progress callback), not only between phases.
    expect(signal.reads()).toBeGreaterThanOrEqual(4);
    const after = await compressCode(small, "typescript");
    expect(after?.text).toBe(before!.text);
  });

  it("changes nothing while the signal does not abort", async () => {
    const plain = await compressCode(big, "typescript");
    const watched = await compressCode(big, "typescript", { signal: { aborted: false, throwIfAborted() {} } });
    expect(watched?.text).toBe(plain?.text);
    expect(watched?.originals).toEqual(plain?.originals);
  });

  it("lets the plugin hand the pipeline's cut-off back to the pipeline, not decline", async () => {
    const c = createCodeCompressor();
    const ctx = createMockContext({ detection: { kind: "code", confidence: 1, language: "typescript" } });
    const signal = cutAfter(4);
    const cut = { ...ctx, signal: Object.assign(signal, { reason: new Error("cut off") }) as unknown as typeof ctx.signal };
    await expect(c.compress(createUnit(big, { source: { toolName: "read_file", fileName: "big.ts" } }), cut)).rejects.toThrow("cut off");
  });
});
