import { describe, expect, it } from "vitest";
import { compressSearch, isDefinition } from "./index.js";
import { rankMatches } from "./rank.js";
import { parseSearch } from "./parse.js";

describe("definitions beyond the nine languages", () => {
  it.each([
    ['  val readTimeout: Int by option("--read-timeout")'],
    ["  internal var readTimeout = 10_000"],
    ["  fun readTimeoutMillis(): Int"],
    ['\tReadOnly            bool       `json:"readOnly" yaml:"readOnly"`'],
    ["  def read_timeout"],
    ["public function readTimeout($x)"],
  ])("%s is a definition", (line) => {
    expect(isDefinition(line)).toBe(true);
  });
  it("does not take calls for definitions", () => {
    expect(isDefinition("    builder.readTimeout(5, SECONDS)")).toBe(false);
  });
});

describe("ranking", () => {
  it("ranks release notes below code unless the question asks about versions", () => {
    const text = "CHANGELOG.md:12:readTimeout = 10s by default\nsrc/Client.kt:40:  readTimeout = 5\n";
    const m = parseSearch(text).lines.filter((l) => l.kind === "match");
    const s = rankMatches(m, "where is readTimeout used", "readtimeout");
    expect(s.get(m[0]!)!).toBeLessThan(s.get(m[1]!)!);
    const v = rankMatches(m, "which release changed readTimeout", "readtimeout");
    expect(v.get(m[0]!)!).toBeGreaterThan(s.get(m[0]!)!);
  });

  it("keeps the lines holding an exact token of the question", () => {
    const lines = Array.from({ length: 120 }, (_, i) => `src/mod${i % 12}/f${i}.go:${i + 1}:\tx := lookup(cfg, "key${i}")`);
    const text = lines.join("\n");
    const r = compressSearch(text, true, { query: "where is key87 looked up?" })!;
    expect(r.text).toContain('src/mod3/f87.go:88:\tx := lookup(cfg, "key87")');
  });
});

describe("--heading output", () => {
  it("counts each kept file's path line in the budget", () => {
    const groups = Array.from({ length: 200 }, (_, f) =>
      [`some/rather/long/directory/path/file${f}.kt`, ...Array.from({ length: 4 }, (_, k) => `${k * 10 + 1}:    x.readTimeout(${k})`)].join("\n"),
    );
    const text = groups.join("\n\n") + "\n";
    const r = compressSearch(text, true, {})!;
    expect(r.text.length).toBeLessThan(text.length * 0.45);
  });
});
