/**
 * One small own fixture per selection heuristic: whole-identifier exact terms, lines repeated across
 * files, adjacent matches, near-repeats, test functions, rolled-up file lists, numbers in line keys and
 * the plugin's detector.
 */
import { describe, expect, it } from "vitest";
import { listFiles, prepareSearch } from "./compress.js";
import { searchConfidence } from "./detect.js";
import { lineFeatures } from "./features.js";
import { KeptBlocks } from "./blocks.js";
import { spendGreedy } from "./greedy.js";
import { compressSearch } from "./index.js";
import { parseSearch, type SearchLine } from "./parse.js";
import { rankMatches, words } from "./rank.js";

const matchesOf = (text: string) => parseSearch(text).lines.filter((l) => l.kind === "match");

/**
 * Runs the greedy on one parsed text with equal scores (or `scores`) and a budget of `lines` lines of unit
 * cost; `terms` gives each line the exact question terms it holds (as prepareSearch would).
 */
function pick(text: string, lines: number, scores?: number[], terms?: string[][]): string[] {
  const m = matchesOf(text);
  const score = new Map(m.map((l, i) => [l, scores?.[i] ?? 1]));
  const features = lineFeatures(m, new Set());
  if (terms)
    m.forEach((l, i) => {
      features.get(l)!.terms = new Set(terms[i]);
    });
  const keep = new Set<SearchLine>();
  const groups = [...new Set(m.map((l) => l.path))].map((p) => ({ matches: m.filter((l) => l.path === p) }));
  let left = lines;
  spendGreedy(
    groups,
    score,
    features,
    keep,
    () => 1,
    () => left,
    (l) => {
      keep.add(l);
      left--;
    },
  );
  return m.filter((l) => keep.has(l)).map((l) => `${l.path}:${l.line}`);
}

describe("exact terms count where the identifier stands whole", () => {
  it("credits `X` in lines that hold it whole, though every line holds it as part of `X_FILE`", () => {
    const lines = [
      ...Array.from({ length: 6 }, (_, i) => `shell/s${i}.sh:${i + 3}:  cat "$FZF_OPTS_FILE" ${i}`),
      'src/opts.go:50:\twords := parse(os.Getenv("FZF_OPTS"))',
      'src/opts.go:51:\tpath := os.Getenv("FZF_OPTS_FILE")',
    ].join("\n");
    const p = prepareSearch(parseSearch(lines), "where are FZF_OPTS and FZF_OPTS_FILE read?")!;
    const [whole, part] = p.groups.at(-1)!.matches;
    // `FZF_OPTS` is a substring of every line; counted whole, it is selective and weighs something.
    expect(p.score.get(whole!)!).toBeGreaterThan(rankMatches([whole!], undefined, undefined).get(whole!)!);
    expect(p.score.get(part!)!).toBeGreaterThan(0.1);
  });
});

describe("a line repeated across files is shown once or twice, the files are listed", () => {
  it("keeps informative lines over the twentieth copy of one call", () => {
    const copies = Array.from({ length: 30 }, (_, i) => `internal/view/v${i}.go:${10 + i}:\tif !${"abcdefghij"[i % 10]}.App().Config.IsReadOnly() {`);
    const names =
      "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune".split(
        " ",
      );
    const own = names.map((n, i) => `internal/config/k${i}.go:${5 + i}:\t${n}ReadOnly bool // ${n} setting`);
    const kept = pick([...copies, ...own].join("\n"), 20);
    expect(kept.filter((k) => k.startsWith("internal/view/")).length).toBeLessThanOrEqual(2);
    expect(kept.filter((k) => k.startsWith("internal/config/")).length).toBeGreaterThanOrEqual(18);
  });

  it("does not take lines that differ in their numbers for copies", () => {
    const text = ["docs/a.rst:10:    r = requests.get(url, timeout=5)", "docs/b.rst:20:    r = requests.get(url, timeout=(3.05, 27))"].join("\n");
    const m = matchesOf(text);
    const f = lineFeatures(m, new Set());
    expect(f.get(m[0]!)!.keyId).not.toBe(f.get(m[1]!)!.keyId);
    expect(pick(text, 2)).toEqual(["docs/a.rst:10", "docs/b.rst:20"]);
  });
});

describe("adjacent matches read as one block", () => {
  it("takes the line right beside a kept one over an equally scored distant one", () => {
    const text = ["src/k.go:10:\tSkipCheck bool", "src/k.go:40:\tReadOnly bool", "src/k.go:41:\tNoExit bool"].join("\n");
    // Line 40 is best; of the two others (equal, the distant one first in input order), the neighbour wins.
    expect(pick(text, 2, [1, 2, 1])).toEqual(["src/k.go:40", "src/k.go:41"]);
  });
});

describe("a neighbour lends adjacency only when it names a new term", () => {
  const text = ["src/o.go:3910:\t// first: from the rc path", "src/o.go:3911:\tif p := getenv(RC_FILE) {", "src/o.go:3914:\twords := split(getenv(RC))"].join("\n");
  it("skips the comment that restates the kept line's term for a line naming another", () => {
    expect(pick(text, 2, [1, 3, 1.5], [["RC_FILE"], ["RC_FILE"], ["RC"]])).toEqual(["src/o.go:3911", "src/o.go:3914"]);
  });
  it("still takes the neighbour when it names a term the kept line lacks", () => {
    expect(pick(text, 2, [1, 3, 1.5], [["RC_FILE", "RC"], ["RC_FILE"], ["RC"]])).toEqual(["src/o.go:3910", "src/o.go:3911"]);
  });
});

describe("a kept line pulls in the line that opens it", () => {
  it("takes the `if` guarding a kept assignment over an unrelated line", () => {
    const text = ["src/k.go:200:\tother := thing", "src/k.go:340:\tif flags.ReadOnly != nil {", "src/k.go:341:\t\tk.manual = flags.ReadOnly"].join("\n");
    // The `if` names no term its body lacks, so only the opener rule brings it in.
    expect(pick(text, 2, [1.1, 1, 3], [[], ["ReadOnly"], ["ReadOnly"]])).toEqual(["src/k.go:340", "src/k.go:341"]);
  });
});

describe("kept lines spread over a file", () => {
  it("takes a line in a new place of the file over a third line of the block kept first", () => {
    const text = ["src/a.go:10:\talpha bravo", "src/a.go:13:\tcharlie delta", "src/a.go:16:\techo foxtrot", "src/a.go:80:\tgolf hotel"].join("\n");
    expect(pick(text, 3, [3, 2, 2, 1.5])).toEqual(["src/a.go:10", "src/a.go:13", "src/a.go:80"]);
  });

  it("counts blocks of kept lines, merging them when a line joins two", () => {
    const b = new KeptBlocks(5);
    for (const n of [10, 13, 30]) b.add(n);
    expect(b.count).toBe(2);
    expect(b.near(18)).toBe(true);
    expect(b.near(22)).toBe(false);
    b.add(20);
    expect(b.count).toBe(3);
    b.add(25);
    expect(b.count).toBe(2);
    b.add(16);
    expect(b.count).toBe(1);
  });
});

describe("near-repeats yield to their first occurrence", () => {
  it("keeps the first of two nearly equal lines", () => {
    const text = [
      "defs.rs:7610:\\flag{unrestricted} flags is equivalent to \\flag{no-ignore} \\flag{hidden}.",
      "defs.rs:7611:Three \\flag{unrestricted} flags is equivalent to \\flag{no-ignore} \\flag{hidden}",
    ].join("\n");
    // Even when the variant scores a little higher on its own.
    expect(pick(text, 1, [1, 1.2])).toEqual(["defs.rs:7610"]);
  });
});

describe("test functions are test cases", () => {
  it("ranks a function declared in a test file above calls in it", () => {
    const m = matchesOf(["src/tests/loom.rs:140:fn at_thread_cap_runs() {", "src/tests/loom.rs:151:        let jh0 = rt.spawn_blocking(|| {});"].join("\n"));
    const s = rankMatches(m, "which test covers it?", "spawn_blocking");
    expect(s.get(m[0]!)!).toBeGreaterThan(s.get(m[1]!)! + 0.4);
  });
});

describe("test names keep their weight in test files", () => {
  it("spares a test case's name the halving of test files' lines", () => {
    // No question words in either line: only the priors count, and the test name's stays whole.
    const m = matchesOf(['src/a.js:3:it("reads the rc file", () => {', 'test/a.test.js:3:it("reads the rc file", () => {'].join("\n"));
    const s = rankMatches(m, "which one?", "rc");
    expect(s.get(m[1]!)!).toBeCloseTo(s.get(m[0]!)!, 6);
  });
});

describe("file lists", () => {
  it("rolls directories up when naming every file would not fit", () => {
    const files = Array.from({ length: 60 }, (_, i) => ({ path: `r${i % 3}/src/deep/dir/f${i}.go`, n: 2 }));
    const full = listFiles(files);
    expect(full).toContain("r0/src/deep/dir/{f0.go (2)");
    const rolled = listFiles(files, 120);
    expect(rolled.length).toBeLessThanOrEqual(160);
    expect(rolled).toContain("(20 files, 40 matches)");
  });

  it("keeps a huge output within the budget curve: the closing list is rolled up too", () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `mod${i % 50}/pkg${i % 400}/file${i}.go:${i + 1}:\tx := lookup(cfg, ${i})`).join("\n");
    const r = compressSearch(text, true)!;
    expect(r.text.length).toBeLessThan(text.length * 0.05);
    expect(r.text).toMatch(/files, \d+ matches\)/);
  });
});

describe("detector", () => {
  it("recognises rg output and not logs, JSON or prose", () => {
    expect(searchConfidence("src/a.ts:3:foo()\nsrc/a.ts-4-bar\n--\nsrc/b.ts:9:foo(1)\n")).toBeGreaterThan(0);
    expect(searchConfidence("src/a.ts\n3:foo()\n4-bar\n\nsrc/b.ts\n9:foo(1)\n")).toBeGreaterThan(0);
    expect(searchConfidence("2015-10-17 15:37:56,547 INFO a\n2015-10-17 15:37:57,001 WARN b\n")).toBe(0);
    expect(searchConfidence('{"a": 1}')).toBe(0);
    expect(searchConfidence("Just a sentence.\nAnother: one.\n")).toBe(0);
  });

  it("recognises rg output without line numbers (piped), and not configuration keys", () => {
    expect(searchConfidence("src/db.c:    o = lookupKeyWrite(db, key);\nsrc/expire.c:    lookupKeyWrite(c->db, k);\nsrc/t_string.c:  lookupKeyWrite(x);\n")).toBeGreaterThan(0);
    expect(searchConfidence("logging.level: debug\nserver.port: 8080\nspring.main.banner: off\n")).toBe(0);
  });

  it("folds short plurals, so a question's `flag` meets a `flags/` directory", () => {
    expect(words("core/flags/defs.rs keys tests class")).toEqual(["core", "flag", "def", "rs", "key", "test", "class"]);
    const m = matchesOf(['crates/core/flags/defs.rs:2860:        Some("no-hidden")', 'crates/core/util/misc.rs:10:        Some("no-hidden")'].join("\n"));
    const s = rankMatches(m, "where is the flag defined?", "hidden");
    expect(s.get(m[0]!)!).toBeGreaterThan(s.get(m[1]!)!);
  });

  it("splits identifiers the same way as before (words)", () => {
    expect(words("HTTPRequestTimeout fooBar2Baz")).toEqual(["http", "request", "timeout", "foo", "bar2", "baz"]);
  });
});
