import { ccrKey, createPipeline, findMarkerHashes } from "@headroom/core";
import { createMapStore, createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import {
  compressCode,
  countParseErrors,
  createCodeCompressor,
  extractSignatures,
  headroomPlugin,
  languageFromFileName,
  restoreCode,
  signatureRetention,
} from "./index.js";

describe.each(FIXTURES)("$language fixture", (f) => {
  it("collapses the long body behind a marker, keeps the signature and the short body, and re-parses", async () => {
    const r = await compressCode(f.source, f.language);
    expect(r).not.toBeNull();
    const out = r!.text;
    expect(out).toContain(f.signature);
    expect(out).not.toContain(f.bodyLine);
    expect(out).toMatch(/\d+ lines elided\. Retrieve more: hash=[a-f0-9]{24}\]/);
    expect(out.split("\n").some((l) => l.includes(f.shortFn))).toBe(true);
    expect(await countParseErrors(out, r!.language)).toBe(0);
    // Every marker points at an original that is an exact span of the input, keyed by its hash.
    const hashes = findMarkerHashes(out);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) {
      const o = r!.originals.find((x) => x.key === h)!;
      expect(o).toBeDefined();
      expect(ccrKey(o.content)).toBe(h);
      expect(f.source.includes(o.content)).toBe(true);
    }
    expect(r!.originals.some((o) => o.content.includes(f.bodyLine))).toBe(true);
    expect(restoreCode(out, r!.originals)).toBe(f.source);
  });

  it("keeps the body of a function the query names", async () => {
    const r = await compressCode(f.source, f.language, { query: `how does ${f.longFn} work?` });
    if (r) expect(r.text).toContain(f.bodyLine);
  });

  it("keeps every signature", async () => {
    const sigs = await extractSignatures(f.source, f.language);
    expect(sigs.map((s) => s.name)).toContain(f.longFn);
    const r = await compressCode(f.source, f.language);
    expect(signatureRetention(sigs, r!.text).missing).toEqual([]);
  });

  it("is lossless without a store: nothing elided", async () => {
    const messy = f.source.replace(/\n/, "   \n\n\n\n");
    const r = await compressCode(messy, f.language, { reversible: false });
    expect(r).not.toBeNull();
    expect(r!.lossless).toBe(true);
    expect(r!.originals).toEqual([]);
    expect(r!.text).toContain(f.bodyLine);
    expect(r!.text).not.toMatch(/hash=/);
    expect(r!.text).not.toMatch(/\n\n\n/);
    expect(r!.text.length).toBeLessThan(messy.length);
  });
});

describe("details", () => {
  it("Kotlin: a receiver function's braced body collapses, an expression body stays; names come from a grammar without fields", async () => {
    const body = Array.from({ length: 10 }, (_, i) => `    val p${i} = indexOf('@') + ${i}`).join("\n");
    const src = `fun String.isEmail(): Boolean {\n${body}\n    return true\n}\n\nfun twice(x: Int) = x * 2\n`;
    const r = await compressCode(src, "kotlin");
    expect(r!.text).toMatch(/^fun String\.isEmail\(\): Boolean \{\n {4}\/\/ \[11 lines elided\. Retrieve more: hash=[a-f0-9]{24}\]\n\}\n/);
    expect(r!.text).toContain("fun twice(x: Int) = x * 2\n");
    expect((await extractSignatures(src, "kotlin")).map((s) => s.name)).toEqual(["isEmail", "twice"]);
    expect(restoreCode(r!.text, r!.originals)).toBe(src);
  });

  it("Swift: init bodies collapse, computed properties stay; a signature runs to the parameter list's `)`", async () => {
    const body = Array.from({ length: 10 }, (_, i) => `        self.v${i} = v + ${i}`).join("\n");
    const src = `struct S {\n    init(v: Int) {\n${body}\n    }\n\n    var label: String {\n        return "s"\n    }\n\n    func f(_ a: Int, b c: String) -> Int { a }\n}\n`;
    const r = await compressCode(src, "swift");
    expect(r!.text).toMatch(/ {4}init\(v: Int\) \{\n {8}\/\/ \[10 lines elided\. Retrieve more: hash=[a-f0-9]{24}\]\n {4}\}\n/);
    expect(r!.text).toContain('    var label: String {\n        return "s"\n    }\n');
    expect((await extractSignatures(src, "swift")).find((s) => s.name === "f")?.text).toBe("f(_ a: Int, b c: String)");
    expect(await countParseErrors(r!.text, "swift")).toBe(0);
  });

  it("elides a Ruby method up to its `end`, rescue clauses included, and leaves endless methods alone", async () => {
    const body = (v: string) => Array.from({ length: 12 }, (_, i) => `    ${v} += ${i}`).join("\n");
    const src = `class A\n  def run(a)\n${body("x")}\n  rescue IOError => e\n    log(e)\n  end\n\n  def twice(x) = x * 2\n\n  def self.go\n${body("y")}\n  end\nend\n`;
    const r = await compressCode(src, "ruby");
    expect(r!.text).toMatch(/ {2}def run\(a\)\n {4}# \[14 lines elided\. Retrieve more: hash=[a-f0-9]{24}\]\n {2}end\n/);
    expect(r!.text).toMatch(/ {2}def self\.go\n {4}# \[12 lines elided\. Retrieve more: hash=[a-f0-9]{24}\]\n {2}end\n/);
    expect(r!.text).toContain("  def twice(x) = x * 2\n");
    expect(r!.text).not.toContain("rescue");
    expect(await countParseErrors(r!.text, "ruby")).toBe(0);
    expect(restoreCode(r!.text, r!.originals)).toBe(src);
  });

  it("keeps whitespace inside multi-line strings in lossless mode", async () => {
    const src = 'def f():\n    s = """a   \n\n\n\nb"""\n    return s   \n\n\n\nx = 1\n';
    const r = await compressCode(src, "python", { reversible: false });
    expect(r!.text).toBe('def f():\n    s = """a   \n\n\n\nb"""\n    return s\n\nx = 1\n');
  });

  it("trims long comments and docstrings to their first line", async () => {
    const words = (w: string) => `${w} ${"and more words ".repeat(4)}`;
    const block = ["two", "three", "four", "five"].map((w) => ` * ${words(w)}\n`).join("");
    const run = ["b", "c", "d", "e"].map((w) => `// ${words(w)}\n`).join("");
    const src = `/**\n * First line of the doc.\n${block} */\nint f(void);\n// a\n${run}int g(void);\n`;
    const r = await compressCode(src, "c");
    expect(r!.text).toContain("First line of the doc. [5 more comment lines. Retrieve more: hash=");
    expect(r!.text).toContain("// a\n// [4 more comment lines. Retrieve more: hash=");
    expect(await countParseErrors(r!.text, "c")).toBe(0);
    expect(restoreCode(r!.text, r!.originals)).toBe(src);
  });

  it("cuts short comments to their first line and keeps the whole file behind one footer marker", async () => {
    const body = Array.from({ length: 8 }, (_, i) => `    total += ${i}; // step ${i}`).join("\n");
    const src = `// Sum adds things up.\n// It really does.\nint sum(void) {\n${body}\n    return total;\n}\n`;
    const r = await compressCode(src, "c");
    expect(r!.text).toContain("// Sum adds things up. …\nint sum(void) {");
    expect(r!.text).not.toContain("It really does.");
    expect(r!.text).toMatch(/\n\/\/ \[13-line original file, comments untrimmed\. Retrieve more: hash=[a-f0-9]{24}\]\n$/);
    const file = r!.originals.find((o) => o.meta?.kind === "code-file")!;
    expect(file.content).toBe(src);
    expect(restoreCode(r!.text, r!.originals)).toBe(src);
    expect(await countParseErrors(r!.text, "c")).toBe(0);
    const noTrim = await compressCode(src, "c", { trimComments: false });
    expect(noTrim!.text).toContain("It really does.");
    expect(restoreCode(noTrim!.text, noTrim!.originals)).toBe(src);
  });

  it("puts a multi-line docstring's first line into the Python placeholder", async () => {
    const f = FIXTURES.find((x) => x.language === "python")!;
    const r = await compressCode(f.source, "python");
    expect(r!.text).toMatch(/\.\.\. {2}# Sum the items, scaled\. \[\d+ lines elided/);
  });

  it("declines unknown or broken input (fail open)", async () => {
    expect(await compressCode("def f(:\n  ))))\n" + "x = (\n".repeat(50), "python")).toBeNull();
    expect(await compressCode("   \n", "go")).toBeNull();
    const c = createCodeCompressor();
    expect(await c.compress(createUnit("hello"), createMockContext())).toEqual({ decline: expect.stringMatching(/no language/) });
  });

  it("parses a sample first when the language is a guess: text that only looks like code gets no full parse", async () => {
    const ts = FIXTURES.find((f) => f.language === "typescript")!.source;
    // A `git blame` of TypeScript: every line behind a commit, author and date.
    const lines = Array.from({ length: 40 }, () => ts.split("\n")).flat();
    const blame = lines.map((l, i) => `2ed7532a (Jane Doe 2026-11-21 09:03:50 +0000 ${String(i + 1).padStart(4)}) ${l}`).join("\n");
    expect(blame.length).toBeGreaterThan(20_000);
    // Parsing reads the signal's `aborted` as it goes: the reads count the parsing work done.
    const counting = () => {
      let reads = 0;
      return { signal: { throwIfAborted() {}, get aborted() { reads++; return false; } }, reads: () => reads };
    };
    const full = counting();
    const sampled = counting();
    expect(await compressCode(blame, "typescript", { signal: full.signal })).toBeNull();
    expect(await compressCode(blame, "typescript", { signal: sampled.signal, guessedLanguage: true })).toBeNull();
    expect(sampled.reads() * 4).toBeLessThan(full.reads());
    // Real source of the guessed language compresses exactly as when a file name says it.
    const big = Array.from({ length: 50 }, (_, k) => ts.replaceAll("Summer", `Summer${k}`).replaceAll("Options", `Options${k}`)).join("\n");
    expect(big.length).toBeGreaterThan(20_000);
    const plain = await compressCode(big, "typescript");
    expect(plain?.lossless).toBe(false);
    expect((await compressCode(big, "typescript", { guessedLanguage: true }))?.text).toBe(plain!.text);
  });

  it("picks the language from the file name first, then from detection", () => {
    expect(languageFromFileName("src/App.tsx")).toBe("tsx");
    expect(languageFromFileName("a/b/json.hpp")).toBe("cpp");
    expect(languageFromFileName("README.md")).toBeUndefined();
  });

  it("falls back to the TSX grammar for TypeScript with JSX", async () => {
    const src = `export function App(props: { name: string }) {\n${"  const x = 1;\n".repeat(6)}  return <div>{props.name}</div>;\n}\n`;
    const r = await compressCode(src, "typescript");
    expect(r?.language).toBe("tsx");
    expect(r!.text).toContain("export function App(props: { name: string }) {");
  });
});

describe("plugin in the core pipeline", () => {
  const f = FIXTURES.find((x) => x.language === "go")!;
  const text = f.source.repeat(1);
  const detect = () => ({ kind: "code" as const, confidence: 1, language: "go" });

  it("stores originals and emits markers with a store", async () => {
    const store = createMapStore();
    const p = createPipeline({ compressors: [headroomPlugin()], detect, store, minTokens: 0 });
    const r = await p.compressText(text);
    expect(r.errors).toEqual([]);
    expect(r.text).not.toContain(f.bodyLine);
    const hashes = findMarkerHashes(r.text);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(await store.get(h)).toBeDefined();
  });

  it("is lossless without a store", async () => {
    const p = createPipeline({ compressors: [headroomPlugin()], detect, minTokens: 0 });
    const r = await p.compressText(text.replace("\n", "    \n\n\n\n"));
    expect(r.text).toContain(f.bodyLine);
    expect(r.text).not.toMatch(/hash=/);
  });

  it("uses the file name of the Read tool call", async () => {
    const store = createMapStore();
    const p = createPipeline({ compressors: [headroomPlugin()], detect: () => ({ kind: "code", confidence: 1 }), store, minTokens: 0 });
    const r = await p.compressText(text, { toolName: "Read", toolArgs: JSON.stringify({ file_path: "/x/summer.go" }) });
    expect(r.text).not.toContain(f.bodyLine);
  });
});
