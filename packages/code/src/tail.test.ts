import { describe, expect, it } from "vitest";
import { betterOnTail, lastConstruct } from "./compress.js";
import { compressCode } from "./parts.js";
import { parseText } from "./grammars.js";
import { errorStats } from "./verify.js";

const fn = (name: string) =>
  `export function ${name}(a: number, b: number): number {\n  const c = a + b;\n  const d = c * 2;\n  const e = d - a;\n  const f = e * e;\n  const g = f - c;\n  return g + 1;\n}\n`;
// Long enough that the cut declaration's error tokens stay under the 2% a parse may leave unplaced.
const head = Array.from({ length: 40 }, (_, i) => fn(`f${i}`)).join("\n");

describe("lastConstruct", () => {
  const text = "export type A = 1;\n\nexport type B =\n  | \"x\"\n  | (string & {\n";
  it("is the column-0 line opening the construct an offset is in, when no later line opens another", () => {
    expect(lastConstruct(text, text.indexOf("(string"))).toBe(text.indexOf("export type B"));
    expect(lastConstruct(text, text.indexOf("export type B"))).toBe(text.indexOf("export type B"));
  });
  it("is undefined when a later line opens another construct, or nothing opens one", () => {
    expect(lastConstruct(text, text.indexOf("= 1"))).toBeUndefined();
    expect(lastConstruct("  indented\n  only\n", 3)).toBeUndefined();
    expect(lastConstruct(text, Number.POSITIVE_INFINITY)).toBeUndefined();
  });
  it("closers and white space in column 0 open nothing", () => {
    const t = "function f() {\n  if (x) {\n}\n  y(\n";
    expect(lastConstruct(t, t.indexOf("y("))).toBe(0);
  });
});

describe("betterOnTail", () => {
  const stats = async (text: string) => {
    const tree = (await parseText("typescript", text))!;
    try {
      return errorStats(tree);
    } finally {
      tree.delete();
    }
  };

  it("a read cut off in its last declaration spares the fallback its full parse", async () => {
    const cut = `${head}\nexport type Normalize<T> = T extends undefined\n  ? never\n  : T extends Record<any, any>\n    ? Flatten<\n        {`;
    const e = await stats(cut);
    expect(e.errorNodes).toBeGreaterThan(0);
    expect(await betterOnTail(cut, e, ["tsx"], undefined)).toEqual([]);
    expect((await compressCode(cut, "typescript"))?.language).toBe("typescript");
  });

  it("JSX in the last construct of a .ts file still gets the TSX parse, which wins", async () => {
    const jsx = `${head}\nexport function View(props: { name: string }) {\n  const label = props.name.trim();\n  const size = label.length;\n  const wide = size > 10;\n  return <div className={wide ? "wide" : "narrow"}>{label}</div>;\n}\n`;
    const e = await stats(jsx);
    expect(e.errorNodes).toBeGreaterThan(0);
    expect(await betterOnTail(jsx, e, ["tsx"], undefined)).toEqual(["tsx"]);
    expect((await compressCode(jsx, "typescript"))?.language).toBe("tsx");
  });

  it("errors before the last construct: every fallback, as before", async () => {
    const mid = `${head.replace("const d = c * 2;", "const d = <b>c</b>;")}`;
    const e = await stats(mid);
    expect(e.errorNodes).toBeGreaterThan(0);
    expect(await betterOnTail(mid, e, ["tsx"], undefined)).toEqual(["tsx"]);
  });
});
