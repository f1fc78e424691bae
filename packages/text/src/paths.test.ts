import { describe, expect, it } from "vitest";
import { combineBias, fileExtension, isDataPath, isDocPath, isFixturePath, isGeneratedPath, isHistoryPath, isLockPath, isTestPath, kindFromFileName, languageFromFileName, normalizeBias, normalizeLanguage, scaleByBias } from "./index.js";

describe("path predicates", () => {
  it("recognises tests across ecosystems", () => {
    for (const p of ["src/__tests__/a.ts", "tests/test_io.py", "pkg/x_test.go", "a/b.spec.ts", "lib/foo.test.js", "Spec/x.rb", "src/FooTest.java", "App/BarTests.cs", "win\\tests\\a.c"])
      expect(isTestPath(p), p).toBe(true);
    for (const p of ["src/latest.java", "src/contest.ts", "src/testing.ts", "docs/spec.md"]) expect(isTestPath(p), p).toBe(false);
  });

  it("recognises documentation and history", () => {
    for (const p of ["README", "docs/api.ts", "guide.mdx", "CHANGELOG.md", "NEWS", "README_zh"]) expect(isDocPath(p), p).toBe(true);
    for (const p of ["src/Newsfeed.ts", "src/HistoryService.java", "src/app.ts"]) expect(isDocPath(p), p).toBe(false);
    for (const p of ["CHANGELOG.md", "changelogs/1.2.md", "RELEASE-NOTES.txt", "HISTORY.rst"]) expect(isHistoryPath(p), p).toBe(true);
    expect(isHistoryPath("docs/api.md")).toBe(false);
  });

  it("recognises lock, generated, data and fixture files", () => {
    for (const p of ["pnpm-lock.yaml", "a/Cargo.lock", "go.sum", "x/custom.lock"]) expect(isLockPath(p), p).toBe(true);
    expect(isLockPath("src/lock.ts")).toBe(false);
    for (const p of ["yarn.lock", "dist/app.js", "a.min.js", "x.js.map", "__snapshots__/a.snap", "api.pb.go", "m_pb2.py", "vendor/x/y.go", "types.generated.ts"])
      expect(isGeneratedPath(p), p).toBe(true);
    expect(isGeneratedPath("src/distance.ts")).toBe(false);
    for (const p of ["rows.csv", "a.JSONL", "conf.yaml", "app.log"]) expect(isDataPath(p), p).toBe(true);
    expect(isDataPath("a.ts")).toBe(false);
    for (const p of ["test/fixtures/a.json", "pkg/testdata/in.txt", "__mocks__/fs.js", "out.golden"]) expect(isFixturePath(p), p).toBe(true);
    expect(isFixturePath("src/fixture.ts")).toBe(false);
  });
});

describe("languages and kinds by file name", () => {
  it("maps extensions, case-insensitively, and names", () => {
    expect(languageFromFileName("src/App.TSX")).toBe("tsx");
    expect(languageFromFileName("a.c++")).toBe("cpp");
    expect(languageFromFileName("x.pyw")).toBe("python");
    expect(languageFromFileName("README")).toBeUndefined();
    expect(languageFromFileName("a.constructor")).toBeUndefined();
    expect(fileExtension(" a/b.Go ")).toBe("go");
    expect(normalizeLanguage("TypeScript")).toBe("typescript");
    expect(normalizeLanguage("golang")).toBe("go");
    expect(normalizeLanguage("toString")).toBeUndefined();
    expect(kindFromFileName("a.ndjson")).toBe("json");
    expect(kindFromFileName("fix.patch")).toBe("diff");
    expect(kindFromFileName("a.py")).toBeUndefined();
  });
});

describe("bias", () => {
  it("treats anything but a finite positive number as 1", () => {
    expect(normalizeBias(2)).toBe(2);
    for (const b of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, undefined, null]) expect(normalizeBias(b)).toBe(1);
    expect(combineBias(2, 1.5)).toBe(3);
    expect(combineBias(-3, 2)).toBe(2);
    expect(combineBias(undefined, undefined)).toBe(1);
    expect(scaleByBias(5, 2, 2)).toBe(3);
    expect(scaleByBias(4, 4, 2)).toBe(2);
    expect(scaleByBias(4, Number.NaN)).toBe(4);
  });
});
