import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const example = resolve(__dirname, "../examples/tool-loop.ts");

describe("README tool-loop example", () => {
  it("is the example file verbatim", () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /<!-- example:tool-loop -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(example, "utf8").trimEnd());
  });

  // Needs the built .d.ts of @headroom/ccr and @headroom/router (npm test builds first).
  it.skipIf(!existsSync(resolve(__dirname, "../dist/index.d.ts")))("type-checks with the openai SDK (followUp typed by dialect)", () => {
    const program = ts.createProgram([example], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: ["node"],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diags).toEqual([]);
  }, 60_000);
});
