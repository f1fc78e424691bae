import { Query, type Language } from "web-tree-sitter";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { parseText } from "./grammars.js";
import { SPECS, type LanguageSpec } from "./languages.js";
import { walkNodes } from "./plan.js";

/** The reference: one tree-sitter query capturing every node type the walk acts on. */
function referenceQuery(language: Language, spec: LanguageSpec): Query {
  const known = (types: ReadonlySet<string>) => [...types].filter((t) => language.idForNodeType(t, true) !== null);
  const pats = [
    ...known(spec.functions).map((t) => `(${t}) @fn`),
    ...known(spec.macros).map((t) => `(${t}) @macro`),
    ...known(spec.comments).map((t) => `(${t}) @comment`),
    ...(spec.style === "python" ? ["(class_definition (block) @doc)"] : []),
  ];
  return new Query(language, pats.join("\n"));
}

/**
 * The cursor walk must hand the planner exactly what one query over the whole file would: the same
 * nodes in the same order, minus those inside a node it handled whole.
 */
describe("walkNodes", () => {
  it("does not descend into a node handled whole", async () => {
    const text = "function outer(a) {\n  // inside\n  function inner() { return a; }\n  return inner();\n}\n// after\nfunction next() {}\n";
    const tree = (await parseText("javascript", text))!;
    try {
      const names = (skip: boolean) => {
        let stopEnd = -1;
        const out: string[] = [];
        for (const { name, node } of walkNodes(tree, SPECS.javascript, () => stopEnd)) {
          out.push(`${name}:${node.text.split("\n")[0]}`);
          if (skip && node.text.startsWith("function outer")) stopEnd = node.endIndex;
        }
        return out;
      };
      expect(names(false)).toEqual(["fn:function outer(a) {", "comment:// inside", "fn:function inner() { return a; }", "comment:// after", "fn:function next() {}"]);
      expect(names(true)).toEqual(["fn:function outer(a) {", "comment:// after", "fn:function next() {}"]);
    } finally {
      tree.delete();
    }
  });

  for (const f of FIXTURES) {
    it(`${f.language}: the same nodes as a whole-tree query, with and without skipping`, async () => {
      const text = Array.from({ length: 40 }, () => f.source).join("\n");
      const tree = (await parseText(f.language, text))!;
      const spec = SPECS[f.language];
      const query = referenceQuery(tree.language, spec);
      try {
        const run = (walk: boolean, skip: boolean) => {
          let stopEnd = -1;
          const seen: string[] = [];
          const all = () => query.captures(tree.rootNode).sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
          for (const { name, node } of walk ? walkNodes(tree, spec, () => (skip ? stopEnd : -1)) : all()) {
            if (node.startIndex < stopEnd) continue;
            seen.push(`${name}@${node.startIndex}-${node.endIndex}`);
            if (skip && name === "fn" && node.endIndex - node.startIndex > 40) stopEnd = node.endIndex;
          }
          return seen;
        };
        const whole = run(false, false);
        expect(whole.length).toBeGreaterThan(40);
        expect(run(true, false)).toEqual(whole);
        expect(run(true, true)).toEqual(run(false, true));
      } finally {
        query.delete();
        tree.delete();
      }
    });
  }
});
