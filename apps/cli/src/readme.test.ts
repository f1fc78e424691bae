import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../../..");

describe("README", () => {
  it("shows the custom-compressor example verbatim, and the example works", async () => {
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    const block = /<!-- example:custom-compressor -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const file = readFileSync(resolve(__dirname, "../examples/custom-compressor.ts"), "utf8").trimEnd();
    expect(block).toBe(file);

    const { example } = await import("../examples/custom-compressor.js");
    const { result, store, csv } = await example();
    expect(result.units[0]).toMatchObject({ kind: "tabular", compressor: "csv-head", status: "compressed" });
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore / 5);
    expect(await store.get(result.ccrHashes[0]!)).toBe(csv);
  });

  it("first section has exactly the two commands", () => {
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    const first = readme.split("\n## ")[1]!;
    const cmds = /```bash\n([\s\S]*?)```/.exec(first)![1]!.trim().split("\n");
    expect(cmds.map((c) => c.split("#")[0]!.trim())).toEqual(["npm run demo", "npm test"]);
  });
});
