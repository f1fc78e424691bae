import { checkCompressor } from "@headroom/core/testing";
import { queryTerms } from "@headroom/text";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./fixtures.test-data.js";
import { compressCode, headroomPlugin, namedBy, relevantBodies, restoreCode } from "./index.js";

const body = (name: string, inner: string) =>
  `${[1, 2, 3, 4, 5, 6].map((i) => `    int ${name}_v${i} = ${inner}(${i});`).join("\n")}\n    return ${name}_v1;\n`;

/** A C file: a documented internal helper that the question names only in its doc comment, and others. */
const C_FILE = [
  "/* Looks a key up. Implements lookupKeyWrite() and lookupKeyRead(). */",
  `int lookupKey(int k) {\n${body("a", "probe")}}`,
  "/* Unrelated bookkeeping. */",
  `int updateStats(int k) {\n${body("b", "count")}}`,
  `int freeAll(int k) {\n${body("c", "release")}}`,
  `int callsIt(int k) {\n${body("d", "lookupKeyWrite")}}`,
  "",
].join("\n");

describe("bodies the question points at", () => {
  it("keeps a body whose doc comment names the question's identifier, collapses the others", async () => {
    const r = await compressCode(C_FILE, "c", { query: "Trace lookupKeyWrite: where are expired keys deleted?" });
    expect(r?.lossless).toBe(false);
    expect(r!.text).toContain("int a_v3 = probe(3);");
    expect(r!.text).not.toContain("int b_v3 = count(3);");
    // A body that merely calls the identifier is not about it.
    expect(r!.text).not.toContain("int d_v3 = lookupKeyWrite(3);");
    expect(restoreCode(r!.text, r!.originals)).toBe(C_FILE);
  });

  it("plain words never select a body; without exact terms every body collapses", async () => {
    const r = await compressCode(C_FILE, "c", { query: "where are expired keys looked up?" });
    expect(r!.text).not.toContain("int a_v3 = probe(3);");
  });

  it("takes exact tokens from the tool call's arguments too", async () => {
    const r = await compressCode(C_FILE, "c", { query: "what does this do?", toolArgs: JSON.stringify({ pattern: "lookupKeyWrite" }) });
    expect(r!.text).toContain("int a_v3 = probe(3);");
  });

  it("ranks by rarity and stops at the size-aware budget", () => {
    const terms = queryTerms("compare fooBar and bazQux");
    const select = relevantBodies(terms, 1)!;
    const docs = [
      { name: "a", doc: "/* fooBar bazQux */ int a()", size: 100 },
      { name: "b", doc: "/* fooBar */ int b()", size: 100 },
      { name: "c", doc: "int c()", size: 100 },
      { name: "d", doc: "int d()", size: 100 },
    ];
    expect([...select(docs)].sort()).toEqual([0, 1]);
    // A huge body does not fit the curve's share of all bodies; the smaller relevant one still does.
    const big = [{ ...docs[0]!, size: 400_000 }, docs[1]!, docs[2]!, docs[3]!];
    expect([...select(big)]).toEqual([1]);
    expect(relevantBodies(queryTerms("plain words only"), 1)).toBeUndefined();
  });

  it("a function named by a word or an exact token of the question keeps its body", () => {
    const named = namedBy(queryTerms("How does parse handle Session.resolve_redirects?"));
    expect(named("parse")).toBe(true);
    expect(named("resolve_redirects")).toBe(true);
    expect(named("merge")).toBe(false);
  });

  it("names compare across kebab, snake and camel case (a header or flag names its handler)", () => {
    const q = "where is x-accel-mapping read?";
    const named = namedBy(queryTerms(q), q);
    expect(named("x_accel_mapping")).toBe(true);
    expect(named("xAccelMapping")).toBe(true);
    expect(named("x_accel_map")).toBe(false);
  });
});

describe("plugin (spec v2) keeps the pipeline's rules", () => {
  it("passes checkCompressor on every fixture, lossy and lossless", async () => {
    const ext = { python: "py", javascript: "js", typescript: "ts", go: "go", rust: "rs", java: "java", c: "c", cpp: "cpp", csharp: "cs", php: "php", scala: "scala", bash: "sh", ruby: "rb", kotlin: "kt", swift: "swift" } as const;
    const fixtures = FIXTURES.map((f) => ({
      name: f.language,
      text: f.source,
      source: { toolName: "read_file", fileName: `src/x.${ext[f.language as keyof typeof ext]}` },
      expect: "compressed" as const,
    }));
    const report = await checkCompressor(headroomPlugin(), [...fixtures, { name: "c-query", text: C_FILE, query: "lookupKeyWrite", source: { fileName: "db.c" }, expect: "compressed" }, "not code at all"]);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
