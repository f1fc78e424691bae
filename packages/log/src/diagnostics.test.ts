import { describe, expect, it } from "vitest";
import { analyzeLog, compressLog, detectLogFormat, severityOf } from "./index.js";

// Small outputs written in each tool's real layout (names and numbers are ours).
const rustWarning = (name: string, line: number) =>
  [
    `warning: unused variable: \`${name}\``,
    ` --> src/main.rs:${line}:9`,
    "  |",
    `${line} |     let ${name} = 5;`,
    `  |         ^^^^^ help: if this is intentional, prefix it with an underscore: \`_${name}\``,
    "  |",
    "  = note: `#[warn(unused_variables)]` on by default",
    "",
  ].join("\n");
const rustError = [
  "error[E0308]: mismatched types",
  "  --> src/lib.rs:12:5",
  "   |",
  "11 | fn size() -> i32 {",
  "   |              --- expected `i32` because of return type",
  '12 |     "large"',
  "   |     ^^^^^^^ expected `i32`, found `&str`",
  "",
  "note: function defined here",
  "  --> src/lib.rs:3:4",
  "   |",
  "3  | fn take(n: i32) {}",
  "   |    ^^^^",
  "",
].join("\n");
const cargo = (warnings: number) =>
  [
    "   Compiling demo v0.1.0 (/home/dev/demo)",
    ...Array.from({ length: warnings }, (_, i) => rustWarning(`value_${i}`, 10 + i)),
    rustError,
    "For more information about this error, try `rustc --explain E0308`.",
    `warning: \`demo\` (lib) generated ${warnings} warnings`,
    `error: could not compile \`demo\` (lib) due to 1 previous error; ${warnings} warnings emitted`,
  ].join("\n");

const gcc = [
  "src/main.c: In function 'main':",
  "src/main.c:5:9: warning: unused variable 'x' [-Wunused-variable]",
  "    5 |     int x;",
  "      |         ^",
  "src/main.c:7:3: error: 'y' undeclared (first use in this function)",
  "    7 |   y = 2;",
  "      |   ^",
  "src/main.c:7:3: note: each undeclared identifier is reported only once for each function it appears in",
  "src/util.c:12:14: warning: comparison of integer expressions of different signedness: 'int' and 'size_t' [-Wsign-compare]",
  "   12 |   for (i = 0; i < n; i++)",
  "      |                 ^",
].join("\n");

const tsc = [
  "src/app.ts(10,5): error TS2322: Type 'string' is not assignable to type 'number'.",
  "src/app.ts(14,11): error TS2339: Property 'nme' does not exist on type 'User'.",
  "src/db/pool.ts(3,1): error TS6133: 'unused' is declared but its value is never read.",
].join("\n");

const javac = [
  "src/main/java/shop/Orders.java:10: error: cannot find symbol",
  "        total(items);",
  "        ^",
  "  symbol:   method total(List<Item>)",
  "  location: class Orders",
  "src/main/java/shop/Cart.java:4: warning: [deprecation] Date(int,int,int) in Date has been deprecated",
  "    Date d = new Date(2020, 1, 1);",
  "             ^",
  "1 error",
  "1 warning",
].join("\n");

const gradleKotlin = [
  "> Task :app:compileKotlin",
  "w: file:///home/dev/app/src/main/kotlin/Orders.kt:12:9 Variable 'count' is never used",
  "w: file:///home/dev/app/src/main/kotlin/Orders.kt:20:13 Parameter 'force' is never used",
  "e: file:///home/dev/app/src/main/kotlin/Cart.kt:7:5 Unresolved reference: totl",
].join("\n");

const eslint = [
  "/home/dev/web/src/app.js",
  "   1:10  error    'helper' is defined but never used  no-unused-vars",
  "   4:3   warning  Unexpected console statement        no-console",
  "",
  "/home/dev/web/src/util.js",
  "  12:7   error    'tmp' is assigned a value but never used  no-unused-vars",
  "",
  "✖ 3 problems (2 errors, 1 warning)",
].join("\n");

describe("compiler diagnostics", () => {
  it("recognises the formats as diagnostics", () => {
    for (const text of [cargo(2), gcc, tsc, javac, gradleKotlin, eslint]) expect(["compiler", "cargo", "make"]).toContain(detectLogFormat(text.split("\n")));
    expect(detectLogFormat(tsc.split("\n"))).toBe("compiler");
    expect(detectLogFormat(eslint.split("\n"))).toBe("compiler");
  });

  it("groups a rustc diagnostic with its location, snippet and notes as one record", () => {
    const a = analyzeLog(cargo(2));
    const at = (head: string) => a.records.find((r) => a.lines[r.start] === head)!;
    const w = at("warning: unused variable: `value_0`");
    // Its closing blank line too: blank lines are no records of their own in compiler output.
    expect(a.lines.slice(w.start, w.end)).toEqual(rustWarning("value_0", 10).split("\n"));
    expect(w.severity).toBe("warn");
    const e = at("error[E0308]: mismatched types");
    // The column-0 `note:` after a blank line, and its own snippet, belong to the error.
    expect(a.lines.slice(e.start, e.end)).toEqual(rustError.split("\n"));
    expect(a.records.some((r) => a.lines[r.start] === "")).toBe(false);
    expect(e.severity).toBe("error");
    expect(a.records.some((r) => a.lines[r.start] === "note: function defined here")).toBe(false);
  });

  it("groups gcc's snippet, caret and note lines and javac's symbol/location lines under their head", () => {
    const g = analyzeLog(gcc);
    const err = g.records.find((r) => g.lines[r.start]!.includes("'y' undeclared"))!;
    expect(err.end - err.start).toBe(4);
    expect(err.severity).toBe("error");
    const j = analyzeLog(javac);
    const sym = j.records.find((r) => j.lines[r.start]!.includes("cannot find symbol"))!;
    expect(j.lines.slice(sym.start, sym.end)).toEqual(javac.split("\n").slice(0, 5));
  });

  it("reads the level of eslint and Gradle Kotlin lines; each eslint problem is its own record", () => {
    expect(severityOf("   4:3   warning  Unexpected console statement  no-console", "compiler")).toBe("warn");
    expect(severityOf("   1:10  error    'helper' is defined but never used  no-unused-vars", "compiler")).toBe("error");
    expect(severityOf("w: file:///a/Orders.kt:12:9 Variable 'count' is never used", "compiler")).toBe("warn");
    expect(severityOf("e: file:///a/Cart.kt:7:5 Unresolved reference: totl", "compiler")).toBe("error");
    const a = analyzeLog(eslint);
    expect(a.records.filter((r) => /^\s+\d+:\d+/.test(a.lines[r.start]!)).length).toBe(3);
  });

  it("folds repeated warnings into a template and keeps the error whole", () => {
    const text = cargo(150);
    const r = compressLog(text, true);
    expect(r).not.toBeNull();
    const out = r!.text;
    expect(out.length).toBeLessThan(text.length / 3);
    expect(out).toContain('more like "warning: unused variable: <*>"');
    // The error is shown with its snippet; past the trace bound (10 lines) its locations and notes stay.
    for (const l of rustError.split("\n").slice(0, 10)) expect(out).toContain(l);
    expect(out).toContain("note: function defined here\n  --> src/lib.rs:3:4\n");
    // The summary lines stay; the 40 warnings are one template, not 40 records.
    expect(out).toContain("error: could not compile `demo` (lib) due to 1 previous error; 150 warnings emitted");
    const shown = out.split("\n").filter((l) => l.startsWith("warning: unused variable:")).length;
    const folded = Number(/\[×(\d+) more like "warning: unused variable: <\*>"/.exec(out)![1]);
    expect(shown).toBeLessThan(50);
    expect(shown + folded).toBe(150);
    // A kept warning is whole: its location line follows it.
    const i = out.split("\n").findIndex((l) => l.startsWith("warning: unused variable:"));
    expect(out.split("\n")[i + 1]).toMatch(/^ --> src\/main\.rs:\d+:9$/);
  });
});
