import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SPECIFICATION_VERSION, type CompressorV1 as Compressor, type CompressorV2 } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import { createRouter, detect, Registry, splitSections } from "./index.js";
import { createJsonMinifier, stripJsonWhitespace } from "./json-minify.js";
import { discoverPlugins, findPlugins } from "./node.js";

const tok = { name: "chars", encoding: "chars", estimated: true, count: (t: string) => t.length };

describe("detect (fixtures)", () => {
  it.each([
    ['{\n  "a": [1, 2, 3]\n}', "json"],
    ['{"level":"info","msg":"a"}\n{"level":"warn","msg":"b"}', "json"],
    ["diff --git a/x.ts b/x.ts\nindex 1234567..89abcde 100644\n--- a/x.ts\n+++ b/x.ts\n@@ -1,2 +1,2 @@\n-a\n+b\n c", "diff"],
    ["src/a.ts:10:const x = 1;\nsrc/b.ts:20:export const y = x;\nC:\\repo\\c.ts:3:let z;", "search"],
    ["2024-01-01 10:00:00,123 INFO start\n2024-01-01 10:00:01,456 ERROR boom\n2024-01-01 10:00:02,000 INFO done", "log"],
    ["<!doctype html><html><head><title>x</title></head><body><div><p>a</p><p>b</p></div></body></html>", "html"],
    ["name,age,city\nann,31,paris\nbob,42,rome\ncid,25,oslo", "tabular"],
    ["| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |", "tabular"],
    ["The quick brown fox jumps over the lazy dog. It was a sunny day in the park.\nEveryone who was there agreed that the weather was lovely and warm.", "prose"],
  ])("%#: detects %s", (text, kind) => {
    expect(detect(text).kind).toBe(kind);
  });

  it("detects code languages, and prefers the file-name hint", () => {
    expect(detect("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(1)\n}\n")).toMatchObject({ kind: "code", language: "go" });
    expect(detect("def f(x):\n    return x\n\nclass A:\n    pass\n")).toMatchObject({ kind: "code", language: "python" });
    expect(detect("x = 1\n", { fileName: "src/app.tsx" })).toMatchObject({ kind: "code", language: "tsx" });
  });

  it("finds sections in mixed text and splits losslessly", () => {
    const log = Array.from({ length: 12 }, (_, i) => `2024-01-01 10:00:${String(i).padStart(2, "0")} INFO step ${i} done`).join("\n");
    const json = JSON.stringify({ items: Array.from({ length: 12 }, (_, i) => ({ id: i, name: `n${i}` })) }, null, 2);
    const text = `${log}\n\n${json}\n`;
    const sections = splitSections(text);
    expect(sections.map((s) => s.kind)).toEqual(["log", "json"]);
    expect(sections.map((s) => s.text).join("")).toBe(text);
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => splitSections(s).map((x) => x.text).join("") === s), { numRuns: 200 });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (s) => typeof detect(s).kind === "string"), { numRuns: 200 });
  });
});

const corpus = process.env.HEADROOM_CORPUS ?? resolve(__dirname, "../../../../shared/corpus");
const haveCorpus = existsSync(corpus);
if (!haveCorpus) console.warn(`corpus not found at ${corpus}: skipping corpus detection tests`);

describe.skipIf(!haveCorpus)("detect (corpus samples of every kind)", () => {
  const expected: Record<string, string> = { logs: "log", json: "json", code: "code", search: "search", diff: "diff", text: "prose" };
  for (const [dir, kind] of Object.entries(expected)) {
    it(`${dir} → ${kind}`, () => {
      for (const f of readdirSync(join(corpus, dir))) {
        const c = JSON.parse(readFileSync(join(corpus, dir, f), "utf8"));
        const d = detect(c.content);
        expect(`${c.id}: ${d.kind}`).toBe(`${c.id}: ${kind}`);
        if (kind === "code") expect(`${c.id}: ${d.language}`).toBe(`${c.id}: ${c.language}`);
      }
    });
  }
});

describe("json-minify", () => {
  it("is lossless and keeps number spellings", async () => {
    const text = '{\n  "a": 1.0,\n  "big": 12345678901234567890,\n  "s": "with  spaces\\n and \\"quotes\\""\n}';
    const r = await createJsonMinifier().compress(createUnit(text), createMockContext());
    expect(r && "text" in r ? r.text : r).toBe('{"a":1.0,"big":12345678901234567890,"s":"with  spaces\\n and \\"quotes\\""}');
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const pretty = JSON.stringify(v, null, 2);
      expect(JSON.parse(stripJsonWhitespace(pretty))).toEqual(JSON.parse(pretty));
    }), { numRuns: 200 });
  });
});

describe("ContentRouter", () => {
  const msgs = (content: string) => [{ role: "tool", tool_call_id: "t", content }];
  const pretty = JSON.stringify({ rows: Array.from({ length: 30 }, (_, i) => ({ id: i, ok: true })) }, null, 2);

  it("routes JSON to the built-in minifier end to end", async () => {
    const r = await createRouter({ tokenizer: tok, minTokens: 1 }).compress(msgs(pretty));
    expect(JSON.parse((r.messages[0] as { content: string }).content)).toEqual(JSON.parse(pretty));
    expect(r.units[0]).toMatchObject({ kind: "json", compressor: "json-minify", lossless: true, status: "compressed" });
  });

  it("leaves a unit unchanged and says so when no compressor is installed for its kind", async () => {
    const log = Array.from({ length: 40 }, (_, i) => `2024-01-01 10:00:${String(i % 60).padStart(2, "0")} INFO request ${i} ok`).join("\n");
    const m = msgs(log);
    const r = await createRouter({ tokenizer: tok, minTokens: 1 }).compress(m);
    expect(r.messages).toBe(m);
    expect(r.units[0]).toMatchObject({ kind: "log", status: "unchanged", reason: "no compressor installed for log" });
  });

  it("prefers a registered compressor over the built-in, by priority", async () => {
    const mine: Compressor = { specificationVersion: SPECIFICATION_VERSION, name: "mine", kinds: ["json"], compress: () => ({ text: "{}", lossless: true }) };
    const registry = new Registry().register(mine);
    const r = await createRouter({ registry, tokenizer: tok, minTokens: 1 }).compress(msgs(pretty));
    expect(r.units[0]!.compressor).toBe("mine");
    expect(registry.describe()).toEqual([{ name: "mine", kinds: ["json"], source: "explicit" }]);
    expect(() => new Registry().register({ ...mine, specificationVersion: "v9" as never })).toThrow(/spec v9/);
  });

  it("uses compressors registered after the router was created (v1 and v2)", async () => {
    const router = createRouter({ tokenizer: tok, minTokens: 1 });
    expect((await router.compress(msgs(pretty))).units[0]!.compressor).toBe("json-minify");
    const v2: CompressorV2 = { specificationVersion: "v2", name: "late-v2", kinds: ["json"], priority: 5, compress: () => ({ text: "{}", lossless: true }) };
    router.registry.register(v2);
    expect((await router.compress(msgs(pretty))).units[0]!.compressor).toBe("late-v2");
    expect(router.describe().compressors.map((c) => c.name)).toEqual(["late-v2", "mixed", "terminal", "json-minify"]);
    expect(router.registry.kinds()).toEqual(["json"]);
  });

  it("reports and skips a malformed or unknown-version compressor given to createRouter", async () => {
    const v9 = { specificationVersion: "v9", name: "future", kinds: ["json"], compress: () => null } as unknown as Compressor;
    const router = createRouter({ compressors: [v9], tokenizer: tok, minTokens: 1 });
    expect(router.registry.list()).toEqual([]);
    const r = await router.compress(msgs(pretty));
    expect(r.units[0]!.compressor).toBe("json-minify");
    expect(r.errors).toEqual([{ stage: "plugin", compressor: "future", message: "compressor future implements spec v9; this core runs v1, v2 (skipped)" }]);
  });

  it("the built-in compressors keep the pipeline's rules (checkCompressor)", async () => {
    const jsonl = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: i, tags: ["a", "b"] }, null, 0).replace(/,/g, ", ")).join("\n");
    const report = await checkCompressor(createJsonMinifier(), [{ text: pretty, expect: "compressed" }, { text: jsonl, expect: "compressed" }, "not json at all"], { tokenizer: tok });
    expect(report.problems).toEqual([]);
  });

  it("handles mixed text section by section", async () => {
    const log = Array.from({ length: 12 }, (_, i) => `2024-01-01 10:00:${String(i).padStart(2, "0")} INFO step ${i} done`).join("\n");
    const text = `${log}\n\n${pretty}\n`;
    const r = await createRouter({ tokenizer: tok, minTokens: 1 }).compressText(text);
    expect(r.units[0]).toMatchObject({ kind: "mixed", compressor: "mixed" });
    expect(r.text.startsWith(log)).toBe(true);
    expect(r.text).toContain(JSON.stringify(JSON.parse(pretty)));
  });
});

describe("plugin discovery", () => {
  function project(withPlugin: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), "headroom-discover-"));
    const pkg = (name: string, json: object, code: string) => {
      const d = join(dir, "node_modules", ...name.split("/"));
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "package.json"), JSON.stringify({ name, version: "1.2.3", main: "index.cjs", ...json }));
      writeFileSync(join(d, "index.cjs"), code);
    };
    pkg("left-pad", {}, "module.exports = () => {}");
    if (withPlugin)
      pkg("@acme/headroom-csv", { headroom: { kinds: ["tabular"] } },
        `exports.headroomPlugin = (o = {}) => ({ specificationVersion: "v1", name: "acme-csv", kinds: ["tabular"],
           compress: (u) => ({ text: u.text.split("\\n").slice(0, 2).join("\\n") + (o.suffix || ""), lossless: true }) });`);
    return dir;
  }

  it("finds and loads a third-party plugin that declares itself, and nothing else", async () => {
    const dir = project(true);
    expect(findPlugins(dir).map((p) => p.name)).toEqual(["@acme/headroom-csv"]);
    const { registry, errors } = await discoverPlugins({ from: dir, pluginOptions: { "@acme/headroom-csv": { suffix: "!" } } });
    expect(errors).toEqual([]);
    expect(registry.describe()).toEqual([{ name: "acme-csv", kinds: ["tabular"], source: "@acme/headroom-csv", version: "1.2.3" }]);
    const csv = ["a,b", "1,2", "3,4", "5,6", "7,8"].join("\n");
    const r = await createRouter({ registry, tokenizer: tok, minTokens: 1 }).compressText(csv);
    expect(r.text).toBe("a,b\n1,2!");
  });

  it("finds nothing when the plugin is not installed", async () => {
    const dir = project(false);
    const { registry, found } = await discoverPlugins({ from: dir, onWarning: () => {} });
    expect(found).toEqual([]);
    expect(registry.list()).toEqual([]);
  });

  it("discovers the first-party packages installed in this workspace", () => {
    const names = findPlugins(resolve(__dirname, "../../../apps/cli")).map((p) => p.name);
    expect(names.every((n) => n.startsWith("@headroom/"))).toBe(true);
  });
});
