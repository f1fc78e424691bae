import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonChild } from "./proxy-harness.js";

const dir = mkdtempSync(join(tmpdir(), "harness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (name: string, body: string) => {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
};

describe("jsonChild", () => {
  it("resolves with the JSON on the script's last stdout line, and passes node flags before the script", async () => {
    const f = script("ok.mjs", `process.stdout.write("progress\\n" + JSON.stringify({ flags: process.execArgv, n: 3 }) + "\\n");`);
    await expect(jsonChild<{ flags: string[]; n: number }>(f, "ok", ["--no-warnings"])).resolves.toEqual({ flags: ["--no-warnings"], n: 3 });
  });

  it("rejects, naming the run, when the script exits non-zero", async () => {
    const f = script("fail.mjs", `process.stdout.write(JSON.stringify({ partial: true }) + "\\n"); process.exit(3);`);
    await expect(jsonChild(f, "the failing run")).rejects.toThrow("the failing run: exit 3");
  });

  it("rejects when the last line is not JSON", async () => {
    const f = script("text.mjs", `process.stdout.write("not json\\n");`);
    await expect(jsonChild(f, "text")).rejects.toThrow(SyntaxError);
  });
});
