import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, estimateTokenizer, findMarkerHashes, type CompressorResultV2 } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keepBudget, keepShare } from "@headroom/text";
import { listFiles } from "./compress.js";
import { compressSearch, definesSymbol, fromHeading, headroomPlugin, inferSymbol, isDefinition, parseSearch, toHeading } from "./index.js";

function rgOutput(): string {
  const out: string[] = [];
  // Large enough (≈ 6k tokens) for the budget curve to drop lines; small outputs are kept whole.
  for (let i = 1; i <= 300; i++) out.push(`src/app/handlers/user_${i % 4}.ts:${i * 7}:  const v = lookupUser(req, ${i});`);
  out.push("src/core/users.ts:12:export function lookupUser(req: Request, id: number): User {");
  for (let i = 1; i <= 100; i++) out.push(`test/users.test.ts:${i * 5}:    expect(lookupUser(r, ${i})).toBeDefined();`);
  out.push("docs/guide.md:88:Use lookupUser to resolve a user; it throws on a missing timeout.");
  out.push("rg: src/secret: Permission denied (os error 13)");
  return out.join("\n");
}

describe("parse", () => {
  it("reads matches, context, separators, headings, Windows paths and notices", () => {
    const p = parseSearch(
      [
        "src/a.ts:3:foo()",
        "src/a.ts-4-bar",
        "--",
        "C:\\repo\\b.c:10:int foo(void);",
        "C:\\repo\\b.c-11-{",
        "src/a-1.ts:9:x",
        "Binary file img.png matches",
        "garbage line",
      ].join("\n"),
    );
    expect(p.lines.map((l) => l.kind)).toEqual(["match", "context", "separator", "match", "context", "match", "notice", "other"]);
    expect(p.lines[3]).toMatchObject({ path: "C:\\repo\\b.c", line: 10, text: "int foo(void);" });
    expect(p.lines[4]).toMatchObject({ path: "C:\\repo\\b.c", line: 11, text: "{" });
    expect(p.lines[5]).toMatchObject({ path: "src/a-1.ts", line: 9 });
    const h = parseSearch(["src/a.ts", "3:foo()", "4-bar", "", "src/b.ts", "7:foo(1)"].join("\n"));
    expect(h.heading).toBe(true);
    expect(h.lines.filter((l) => l.kind === "match").map((l) => `${l.path}:${l.line}`)).toEqual(["src/a.ts:3", "src/b.ts:7"]);
  });
});

describe("scoring", () => {
  it("infers the searched symbol and tells definitions from uses", () => {
    expect(inferSymbol(["const v = lookupUser(a)", "export function lookupUser(", "lookupUser(b)"])).toBe("lookupuser");
    expect(definesSymbol("export function lookupUser(req: Request) {", "lookupuser")).toBe(true);
    expect(definesSymbol("func (c *Context) ShouldBindWith(obj any) error {", "shouldbind")).toBe(true);
    expect(definesSymbol("robj *lookupKeyRead(serverDb *db, robj *key);", "lookupkeyread")).toBe(true);
    expect(definesSymbol("  const v = lookupUser(req, 1);", "lookupuser")).toBe(false);
    expect(definesSymbol("    return lookupUser(x);", "lookupuser")).toBe(false);
    // A typed signature without a body (TS overload, interface member) declares the symbol too.
    expect(definesSymbol("  lookupUser(id: number): User | undefined;", "lookupuser")).toBe(true);
    expect(definesSymbol("  this.lookupUser(id);", "lookupuser")).toBe(false);
  });

  it("takes a definition shape already worked out instead of testing it again", () => {
    expect(definesSymbol("export function lookupUser(req: Request) {", "lookupuser", false)).toBe(false);
    expect(definesSymbol("export function lookupUser(req: Request) {", "lookupuser", true)).toBe(true);
    expect(isDefinition("pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>")).toBe(true);
    expect(isDefinition("    return spawn_blocking(f);")).toBe(false);
  });
});

describe("lossy form (reversible)", () => {
  const text = rgOutput();
  const r = compressSearch(text, true, { query: "how is the timeout handled when a user is missing?" })!;

  it("keeps definitions, query-relevant lines, and unparsable lines; counts what it drops per file", () => {
    expect(r.lossless).toBe(false);
    expect(r.text).toContain("src/core/users.ts:12:export function lookupUser(");
    expect(r.text).toContain("docs/guide.md:88:");
    expect(r.text).toContain("rg: src/secret: Permission denied (os error 13)");
    // Test files rank below sources: shown with a dropped count, or named with their match count.
    // The per-file note follows that file's lines, so it names the file by its base name.
    expect(r.text).toMatch(/\[\+\d+ more matches in users\.test\.ts\]|test\/\{?users\.test\.ts \(100\)/);
    expect(r.text).toMatch(/src\/app\/handlers\/user_1\.ts:\d+:.*\n\[\+\d+ more matches in user_1\.ts\]/);
  });

  it("stores the original under the marker's key and saves most of the text", () => {
    const [h] = findMarkerHashes(r.text);
    expect(h).toBe(ccrKey(text));
    expect(r.originals).toEqual([expect.objectContaining({ key: h, content: text })]);
    expect(r.text.length).toBeLessThan(text.length * 0.5);
    const input = new Set(text.split("\n"));
    for (const l of r.text.split("\n")) expect(input.has(l) || l.startsWith("[")).toBe(true);
  });

  it("groups interleaved output by file", () => {
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) lines.push(`${i % 2 ? "b.go" : "a.go"}:${i + 1}:\tx := doThing(${i})`);
    const out = compressSearch(lines.join("\n"), true)!.text.split("\n").slice(1);
    const firstB = out.findIndex((l) => l.startsWith("b.go"));
    expect(out.slice(firstB).some((l) => l.startsWith("a.go"))).toBe(false);
  });
});

describe("lossless form (no store)", () => {
  it("regroups under headings and round-trips", () => {
    const text = rgOutput().split("\n").slice(0, -1).join("\n") + "\n";
    const r = compressSearch(text, false)!;
    expect(r.lossless).toBe(true);
    expect(r.originals).toBeUndefined();
    expect(fromHeading(r.text)).toBe(text);
    expect(r.text.split("\n")[0]).toBe("src/app/handlers/user_1.ts");
  });

  it("declines when a line does not parse", () => {
    expect(toHeading(rgOutput())).toBeNull();
    expect(compressSearch("just some words\nand more", false)).toBeNull();
  });
});

describe("properties", () => {
  const line = fc.oneof(
    fc
      .tuple(fc.constantFrom("a.ts", "b/c.py", "C:\\x\\y.c", "d-1.go"), fc.nat(999), fc.constantFrom(":", "-"), fc.string({ maxLength: 30 }))
      .map(([p, n, s, t]) => `${p}${s}${n}${s}${t}`),
    fc.constantFrom("--", "", "\r", "Binary file x matches"),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 20 }),
  );
  it("never throws, is deterministic, never longer; lossless round-trips", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 100 }), fc.constantFrom("\n", "\r\n"), fc.boolean(), (ls, nl, trailing) => {
        const text = ls.join(nl) + (trailing ? nl : "");
        for (const rev of [true, false]) {
          const a = compressSearch(text, rev, { query: "where is foo defined" });
          expect(JSON.stringify(a)).toBe(JSON.stringify(compressSearch(text, rev, { query: "where is foo defined" })));
          if (!a) continue;
          expect(a.text.length).toBeLessThan(text.length);
          if (a.lossless) expect(fromHeading(a.text)).toBe(text);
          else expect(a.originals![0]!.content).toBe(text);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("handles lone surrogates and a 10 MB input", () => {
    expect(() => compressSearch("a.ts:1:\uD800x\nb.ts:2:\uDC00y\n".repeat(40), true)).not.toThrow();
    const base = rgOutput();
    const huge = base.repeat(Math.ceil(10_000_000 / base.length)).slice(0, 10_000_000);
    const r = compressSearch(huge, true);
    expect(r!.text.length).toBeLessThan(huge.length / 4);
    expect(compressSearch("x".repeat(10_000_000), true)).toBeNull();
  });
});

describe("plugin", () => {
  it("is a v2 compressor for kind search that uses the unit's query and tool arguments", async () => {
    const c = headroomPlugin();
    expect(c.specificationVersion).toBe("v2");
    expect(c.kinds).toEqual(["search"]);
    const text = rgOutput();
    const ctx = createMockContext({ allowLossy: true, inputTokens: estimateTokenizer.count(text) });
    const r = (await c.compress(
      createUnit(text, { query: "missing timeout", source: { toolName: "grep", toolArgs: '{"command":"rg -n lookupUser"}' } }),
      ctx,
    )) as CompressorResultV2;
    expect(r.text).toContain("docs/guide.md:88:");
    // The output's tokens are counted once, on the final text, and handed to the pipeline.
    expect(r.outputTokens).toBe(estimateTokenizer.count(r.text));
  });

  it("declines with a reason when there is nothing to drop and no shorter layout", async () => {
    const c = headroomPlugin();
    const out = await c.compress(createUnit("just some words\nand more"), createMockContext({ allowLossy: false, inputTokens: 6 }));
    expect(out).toEqual({ decline: expect.stringContaining("lossless") });
  });

  it("leaves a small output below the curve's floor as it is when lossy output is allowed (path:line: kept verbatim)", async () => {
    const c = headroomPlugin();
    const small = ["src/a.ts:3:  foo(1)", "src/a.ts:9:  foo(2)", "src/b.ts:4:export function foo(x: number) {"].join("\n") + "\n";
    const out = await c.compress(createUnit(small), createMockContext({ allowLossy: true, inputTokens: 30 }));
    expect(out).toEqual({ decline: expect.stringContaining("below the budget curve's floor") });
    // In lossless mode the --heading regrouping is still the one saving there is.
    const lossless = (await c.compress(createUnit(small), createMockContext({ allowLossy: false, inputTokens: 30 }))) as CompressorResultV2;
    expect(lossless.transforms).toEqual(["search:heading"]);
  });

  it("passes the pipeline's validation (checkCompressor) on own fixtures, lossy and lossless", async () => {
    const flat = rgOutput();
    const small =
      ["src/a.ts:3:  foo(1)", "src/a.ts:9:  foo(2)", "src/b.ts:4:export function foo(x: number) {", "src/b.ts:7:  return foo(x - 1);"].join("\n") + "\n";
    const heading =
      Array.from({ length: 60 }, (_, f) =>
        [`pkg/mod${f}/file.kt`, ...Array.from({ length: 5 }, (_, k) => `${k * 10 + 1}:    client.readTimeout(${k}, SECONDS)`)].join("\n"),
      ).join("\n\n") + "\n";
    const report = await checkCompressor(headroomPlugin(), [
      {
        name: "flat rg output",
        text: flat,
        query: "where is lookupUser defined?",
        source: { toolName: "grep", toolArgs: '{"command":"rg -n lookupUser"}' },
        expect: "compressed",
      },
      { name: "small output", text: small },
      { name: "--heading output", text: heading, query: "how is readTimeout applied?", expect: "compressed" },
    ]);
    expect(report.problems).toEqual([]);
    const lossy = report.runs.find((r) => r.fixture === "flat rg output" && r.store)!;
    expect(lossy.tokensAfter).toBeLessThan(lossy.tokensBefore);
  });

  it("stops when the pipeline gives up (ctx.signal)", () => {
    const c = headroomPlugin();
    const ctrl = new AbortController();
    ctrl.abort(new Error("cut off"));
    const text = rgOutput();
    expect(() =>
      c.compress(createUnit(text), createMockContext({ allowLossy: true, inputTokens: estimateTokenizer.count(text), signal: ctrl.signal })),
    ).toThrow("cut off");
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.HEADROOM_CORPUS ?? path.resolve(here, "../../../../shared/corpus");
if (!existsSync(corpus)) console.warn(`corpus not found at ${corpus}: skipping`);

describe.skipIf(!existsSync(corpus))("corpus search cases", () => {
  it("compresses every case, keeps every marker recoverable and the definitions probes visible", () => {
    const dir = path.join(corpus, "search");
    const count = (t: string) => estimateTokenizer.count(t);
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith(".json"))
      .sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { content: string; query: string };
      const r = compressSearch(c.content, true, { query: c.query, count })!;
      expect(r.originals![0]!.content).toBe(c.content);
      // The output keeps what the shared budget curve allows for the input's size (plus marker and notes).
      expect(r.outputTokens!).toBeLessThan(keepBudget(count(c.content)) * 1.1 + 40);
      expect(r.outputTokens!).toBeLessThan(count(c.content));
    }
  });
});

describe("selection", () => {
  it("keeps one of a run of lines that differ only in numbers, and never takes data rows for definitions", () => {
    const rows = Array.from(
      { length: 400 },
      (_, i) => `bench/raw.csv:${i + 1}:run_${"x"},1,${i},tool (ASCII),tool -r --no-widget ./,0.${1000 + i * 37},${200 + i},`,
    );
    const code = Array.from({ length: 400 }, (_, i) => `src/m${i}.rs:${10 + i}:    let w = widget_${i}(cfg.widget, ${i});`);
    const text = [...rows, ...code, "src/lib.rs:7:pub fn widget(cfg: &Config) -> Widget {"].join("\n");
    const r = compressSearch(text, true, { query: "where is widget defined" })!;
    const kept = r.text.split("\n");
    expect(kept.filter((l) => l.startsWith("bench/raw.csv:")).length).toBeLessThanOrEqual(1);
    expect(r.text).toContain("src/lib.rs:7:pub fn widget(");
    expect(kept.filter((l) => l.startsWith("src/m")).length).toBeGreaterThan(3);
  });

  it("finishes a kept open line with the line after it, and shows a file's last match instead of its note", () => {
    const uses = Array.from({ length: 200 }, (_, i) => `src/use${i % 25}.ts:${i + 3}:  total += widget(cfg, ${i}) * scale${i % 9};`);
    const text = [
      ...uses,
      "src/widget.ts:40:export function widget(cfg: Config, n: number) {",
      "src/widget.ts:41:  return render(widget.defaults, cfg, n);",
      "src/status.ts:12:  408: widgetTimeout,",
      "src/status.ts:97:  504: widgetGateway,",
    ].join("\n");
    const r = compressSearch(text, true, { query: "where is widget defined" })!;
    // The definition opens a body; its one-line body says what it does.
    expect(r.text).toContain("src/widget.ts:40:export function widget(cfg: Config, n: number) {\nsrc/widget.ts:41:  return render(");
    // Two short lines of one file: showing the second costs about what its note would.
    expect(r.text).toContain("src/status.ts:12:  408: widgetTimeout,\nsrc/status.ts:97:  504: widgetGateway,");
    expect(r.text).not.toContain("more match in status.ts");
  });

  it("cuts short outputs more gently than long ones (the shared budget curve)", () => {
    const out = (n: number) =>
      Array.from({ length: n }, (_, i) => `src/mod${i % 40}/file${i}.ts:${i + 1}:  const handler${i} = registerHandler(app, "route-${i}");`).join("\n");
    const count = (s: string) => Math.ceil(s.length / 4);
    const share = (n: number) => {
      const t = out(n);
      return count(compressSearch(t, true, { count })!.text) / count(t);
    };
    expect(share(2000)).toBeLessThan(share(300));
    expect(share(300)).toBeLessThan(keepShare(count(out(300))) + 0.02);
  });

  it("lists hidden files with their counts, sharing each directory", () => {
    expect(
      listFiles([
        { path: "a/b/x.c", n: 3 },
        { path: "a/b/y.c", n: 1 },
        { path: "z.md", n: 2 },
        { path: "a/c.h", n: 1 },
      ]),
    ).toBe("a/b/{x.c (3), y.c (1)}, z.md (2), a/c.h (1)");
  });

  it("with a token counter, fills the token target instead of undershooting it", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `src/f${i % 30}.ts:${i + 1}:  const v${i} = lookupUser(req, ${i}); // ${"note ".repeat(i % 7)}`);
    const text = lines.join("\n");
    const count = (s: string) => Math.ceil(s.length / 4);
    const plain = compressSearch(text, true, {})!;
    const fitted = compressSearch(text, true, { count })!;
    expect(count(fitted.text)).toBeLessThanOrEqual(count(text) * keepShare(count(text)) + 30);
    expect(count(fitted.text)).toBeGreaterThanOrEqual(count(plain.text) * 0.9);
  });
});
