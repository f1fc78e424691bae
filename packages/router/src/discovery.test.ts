import { existsSync, mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SPECIFICATION_VERSION } from "@headroom/core";
import { discoverPlugins, findPlugins, MODULE_SYSTEM, resolvePackageEntry } from "./node.js";

/**
 * A temp project with real plugin packages on disk. Each plugin's ESM and CJS builds name themselves
 * differently, so a test can tell which one discovery loaded.
 */
function project(plugins: { name: string; manifest: object; kinds?: string[] }[]): string {
  const dir = mkdtempSync(join(tmpdir(), "headroom-exports-"));
  for (const p of plugins) {
    const d = join(dir, "node_modules", ...p.name.split("/"));
    mkdirSync(join(d, "dist"), { recursive: true });
    writeFileSync(join(d, "package.json"), JSON.stringify({ name: p.name, version: "2.0.0", ...p.manifest }));
    const body = (fmt: string) =>
      `({ specificationVersion: ${JSON.stringify(SPECIFICATION_VERSION)}, name: ${JSON.stringify(p.name)} + "-${fmt}", kinds: ${JSON.stringify(p.kinds ?? ["tabular"])}, compress: () => null })`;
    writeFileSync(join(d, "dist", "index.mjs"), `export function headroomPlugin() { return ${body("esm")}; }\n`);
    writeFileSync(join(d, "dist", "index.cjs"), `exports.headroomPlugin = () => ${body("cjs")};\n`);
  }
  return dir;
}

const exportsOnly = { type: "module", exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.mjs", require: "./dist/index.cjs" } }, headroom: { kinds: ["tabular"] } };

describe("plugin discovery through exports", () => {
  it("loads a plugin that has only `exports` (no main), as ESM from an ESM caller", async () => {
    const dir = project([{ name: "@acme/headroom-exports", manifest: exportsOnly }]);
    const warnings: string[] = [];
    const { registry, errors } = await discoverPlugins({ from: dir, onWarning: (m) => warnings.push(m) });
    expect(errors).toEqual([]);
    expect(MODULE_SYSTEM).toBe("import");
    expect(registry.list().map((c) => c.name)).toEqual(["@acme/headroom-exports-esm"]);
    expect(warnings).toEqual([]);
  });

  it("loads the CJS build when asked for CommonJS, and the built ./node CJS entry does so by itself", async () => {
    const dir = project([{ name: "@acme/headroom-exports", manifest: exportsOnly }]);
    const { registry } = await discoverPlugins({ from: dir, moduleSystem: "require", onWarning: () => {} });
    expect(registry.list().map((c) => c.name)).toEqual(["@acme/headroom-exports-cjs"]);
    const built = resolve(__dirname, "../dist/node.cjs");
    if (!existsSync(built)) return;
    const cjs = createRequire(__filename)(built) as typeof import("./node.js");
    expect(cjs.MODULE_SYSTEM).toBe("require");
    const r = await cjs.discoverPlugins({ from: dir, onWarning: () => {} });
    expect(r.registry.list().map((c) => c.name)).toEqual(["@acme/headroom-exports-cjs"]);
  });

  it("prefers an ESM main-less package's exports over a CJS main (no second, CJS copy of core)", async () => {
    const dir = project([{ name: "hr-both", manifest: { main: "dist/index.cjs", exports: { import: "./dist/index.mjs", require: "./dist/index.cjs" }, headroom: true } }]);
    const { registry } = await discoverPlugins({ from: dir, onWarning: () => {} });
    expect(registry.list().map((c) => c.name)).toEqual(["hr-both-esm"]);
  });

  it("resolves the exports forms Node accepts", () => {
    const d = "/p";
    expect(resolvePackageEntry(d, { exports: "./a.js" }, "import")).toBe("/p/a.js");
    expect(resolvePackageEntry(d, { exports: { node: { import: "./n.mjs", require: "./n.cjs" }, default: "./d.js" } }, "require")).toBe("/p/n.cjs");
    expect(resolvePackageEntry(d, { exports: { ".": [{ import: "./a.mjs" }, "./b.js"] } }, "require")).toBe("/p/b.js");
    expect(resolvePackageEntry(d, { exports: { "./sub": "./s.js" } }, "import")).toBeUndefined();
  });

  it("uses package.json#headroom.kinds: filters by wanted kinds and warns when a plugin's compressors disagree", async () => {
    const dir = project([
      { name: "hr-csv", manifest: exportsOnly, kinds: ["tabular"] },
      { name: "hr-logs", manifest: { ...exportsOnly, headroom: { kinds: ["log"] } }, kinds: ["log", "prose"] },
    ]);
    expect(findPlugins(dir).map((p) => [p.name, p.kinds])).toEqual([["hr-csv", ["tabular"]], ["hr-logs", ["log"]]]);
    const only = await discoverPlugins({ from: dir, kinds: ["tabular"], onWarning: () => {} });
    expect(only.found.map((p) => p.name)).toEqual(["hr-csv"]);
    const warnings: string[] = [];
    await discoverPlugins({ from: dir, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^hr-logs declares kinds \[log\] .* handle \[log, prose\]/)]);
  });

  it("warns when nothing is found (running from / finds nothing, loudly)", async () => {
    const warnings: string[] = [];
    const { found } = await discoverPlugins({ from: mkdtempSync(join(tmpdir(), "headroom-empty-")), onWarning: (m) => warnings.push(m) });
    expect(found).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no Headroom compressor plugins found/);
  });

  it("by default also searches from the router's own install location, not only the working directory", async () => {
    const cwd = process.cwd();
    const empty = mkdtempSync(join(tmpdir(), "headroom-cwd-"));
    process.chdir(empty);
    try {
      // This router lives in the workspace, whose node_modules has no plugins; pnpm links them beside
      // the packages that depend on them. Link one beside the router to stand for a global install.
      const nm = resolve(__dirname, "../node_modules");
      const link = join(nm, `hr-beside-router-${process.pid}`);
      const p = project([{ name: `hr-beside-router-${process.pid}`, manifest: exportsOnly }]);
      symlinkSync(join(p, "node_modules", `hr-beside-router-${process.pid}`), link, "dir");
      try {
        expect(findPlugins().map((f) => f.name)).toContain(`hr-beside-router-${process.pid}`);
      } finally {
        unlinkSync(link);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
