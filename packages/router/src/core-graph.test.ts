import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverPlugins, loadsSecondCore, MODULE_SYSTEM } from "./node.js";

// The bench depends on every first-party plugin: discovering from there loads them all, as a user's app does.
const BENCH = resolve(__dirname, "../../../apps/bench");
const coreCjs = createRequire(join(__dirname, "package.json")).resolve("@headroom/core");

// One file on purpose: once the CommonJS core is loaded, it stays in this worker's require cache.
describe("one @headroom/core module graph", () => {
  it("discovering every first-party plugin from ESM loads no CommonJS copy of core", async () => {
    expect(MODULE_SYSTEM).toBe("import");
    expect(coreCjs).toMatch(/core[\\/]dist[\\/]index\.cjs$/);
    const warnings: string[] = [];
    const { registry, errors } = await discoverPlugins({ from: BENCH, onWarning: (m) => warnings.push(m) });
    expect(errors).toEqual([]);
    expect(registry.list().map((c) => c.name)).toEqual(expect.arrayContaining(["code", "diff", "log", "prose", "search", "smart-crusher"]));
    expect(warnings).toEqual([]);
    expect(loadsSecondCore()).toBe(false);
    expect(createRequire(__filename).cache[coreCjs]).toBeUndefined();
  });

  it("warns when a plugin drags the CommonJS core in beside the ESM one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headroom-two-cores-"));
    const d = join(dir, "node_modules", "hr-requires-core");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "package.json"), JSON.stringify({ name: "hr-requires-core", version: "1.0.0", type: "module", exports: { import: "./index.js" }, headroom: true }));
    writeFileSync(
      join(d, "index.js"),
      `import { createRequire } from "node:module";
const core = createRequire(import.meta.url)(${JSON.stringify(coreCjs)});
export function headroomPlugin() {
  return { specificationVersion: core.SPECIFICATION_VERSION_V2, name: "hr-requires-core", kinds: ["log"], compress: () => null };
}
`,
    );
    const warnings: string[] = [];
    const { errors } = await discoverPlugins({ from: dir, onWarning: (m) => warnings.push(m) });
    expect(errors).toEqual([]);
    expect(loadsSecondCore()).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/^hr-requires-core made Node load the CommonJS build of @headroom\/core/)]);
  });
});
