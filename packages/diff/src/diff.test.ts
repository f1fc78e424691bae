import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, estimateTokenizer, findMarkerHashes, type CompressContextV2 } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keepBudget } from "@headroom/text";
import { checkHunks, compressDiff, createDiffCompressor, DIFF_CURVE, headroomPlugin, hunkMatchesFiles, parseDiff, parseHunkHeader, scoreLine } from "./index.js";

const count = (t: string) => estimateTokenizer.count(t);
const ctx = (over: Partial<CompressContextV2> = {}) => createMockContext(over);
const unit = (text: string) => createUnit(text);

/** Builds old/new files and their unified diff (one hunk per change site, 3 lines of context). */
function makeFiles(n: number): { oldLines: string[]; newLines: string[] } {
  const oldLines: string[] = [];
  const newLines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const l = i % 10 === 0 ? `func handler${i}(w http.ResponseWriter) error {` : `    value${i} := compute(${i})`;
    oldLines.push(l);
    if (i % 7 === 0) newLines.push(`    value${i} := computeSafely(${i}, opts)`);
    else newLines.push(l);
    if (i % 11 === 0) newLines.push(`    log.Printf("checked %d", ${i})`);
  }
  return { oldLines, newLines };
}

/** A small Myers-free diff: lines differ only by in-place edits and insertions, as made by makeFiles. */
function unified(oldLines: string[], newLines: string[], file = "app/server.go"): string {
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && oldLines[i] === newLines[j]) {
      ops.push(" " + oldLines[i]);
      i++;
      j++;
    } else if (j < newLines.length && oldLines[i] !== undefined && newLines[j + 1] === oldLines[i]) {
      ops.push("+" + newLines[j]);
      j++;
    } else if (i < oldLines.length && j < newLines.length && !newLines[j]!.startsWith("    log.")) {
      ops.push("-" + oldLines[i], "+" + newLines[j]);
      i++;
      j++;
    } else if (j < newLines.length) {
      ops.push("+" + newLines[j]);
      j++;
    } else {
      ops.push("-" + oldLines[i]);
      i++;
    }
  }
  // Group into hunks with 3 lines of context.
  const changed = ops.map((o) => o[0] !== " ");
  const out = [`diff --git a/${file} b/${file}`, "index 0123456789ab..ba9876543210 100644", `--- a/${file}`, `+++ b/${file}`];
  let k = 0;
  let oldNo = 1;
  let newNo = 1;
  const advance = (o: string) => {
    if (o[0] !== "+") oldNo++;
    if (o[0] !== "-") newNo++;
  };
  while (k < ops.length) {
    if (!changed[k]) {
      advance(ops[k]!);
      k++;
      continue;
    }
    let s = k;
    for (let c = 0; c < 3 && s > 0 && !changed[s - 1]; c++) s--;
    let e = k;
    for (;;) {
      while (e < ops.length && changed[e]) e++;
      let g = e;
      while (g < ops.length && !changed[g] && g - e < 7) g++;
      if (g < ops.length && changed[g] && g - e < 7) e = g;
      else break;
    }
    const end = Math.min(ops.length, e + 3);
    let os = oldNo;
    let ns = newNo;
    for (let t = s; t < k; t++) {
      os--;
      ns--;
    }
    const body = ops.slice(s, end);
    const oc = body.filter((o) => o[0] !== "+").length;
    const nc = body.filter((o) => o[0] !== "-").length;
    out.push(`@@ -${os},${oc} +${ns},${nc} @@`, ...body);
    for (let t = k; t < end; t++) advance(ops[t]!);
    k = end;
  }
  return out.join("\n") + "\n";
}

describe("parseDiff", () => {
  it("reads hunk headers, including combined ones and omitted counts", () => {
    expect(parseHunkHeader("@@ -3 +3,2 @@ func x()")).toMatchObject({ parents: 1, oldStarts: [3], oldCounts: [1], newStart: 3, newCount: 2, section: " func x()" });
    expect(parseHunkHeader("@@@ -1,3 -1,4 +1,5 @@@")).toMatchObject({ parents: 2, oldStarts: [1, 1], oldCounts: [3, 4], newCount: 5 });
    expect(parseHunkHeader("@@ nonsense @@")).toBeUndefined();
  });

  it("keeps commit headers and messages of git log -p as raw lines and finds renames, modes, binaries", () => {
    const text = [
      "commit 1234567890abcdef1234567890abcdef12345678",
      "Author: A <a@example.com>",
      "",
      "    Rename util and make script executable",
      "",
      "diff --git a/old.txt b/new.txt",
      "similarity index 90%",
      "rename from old.txt",
      "rename to new.txt",
      "diff --git a/run.sh b/run.sh",
      "old mode 100644",
      "new mode 100755",
      "diff --git a/logo.png b/logo.png",
      "index 1111111..2222222 100644",
      "Binary files a/logo.png and b/logo.png differ",
    ];
    const segs = parseDiff(text);
    const files = segs.flatMap((s) => (s.type === "file" ? [s.file] : []));
    expect(files.map((f) => f.path)).toEqual(["new.txt", "run.sh", "logo.png"]);
    expect(files[2]!.binary).toBe(true);
    expect(segs.filter((s) => s.type === "raw").map((s) => (s as { line: string }).line)).toContain("    Rename util and make script executable");
  });
});

describe("compressDiff", () => {
  const { oldLines, newLines } = makeFiles(400);
  const diff = unified(oldLines, newLines);

  it("rewrites every hunk header so it applies to the real old and new files", () => {
    expect(checkHunks(diff)).toEqual([]);
    const r = compressDiff(diff, count, { targetRatio: 0.25 })!;
    expect(r.text.length).toBeLessThan(diff.length);
    expect(checkHunks(r.text)).toEqual([]);
    const hunks = parseDiff(r.text.split("\n")).flatMap((s) => (s.type === "file" ? s.file.hunks : []));
    expect(hunks.length).toBeGreaterThan(3);
    for (const h of hunks) expect(hunkMatchesFiles(h, oldLines, newLines)).toBeUndefined();
  });

  it("keeps file headers and changed lines, drops index lines, ends with totals and a marker of the whole", () => {
    const r = compressDiff(diff, count, { targetRatio: 0.3 })!;
    expect(r.text).toContain("diff --git a/app/server.go b/app/server.go");
    expect(r.text).not.toContain("index 0123456789ab");
    expect(r.text).toMatch(/\[diff totals: 1 file, \d+ hunks, \+\d+ -\d+; \d+ of \d+ changed lines shown/);
    const whole = r.originals.find((o) => o.content === diff)!;
    expect(whole.key).toBe(ccrKey(diff));
    for (const h of findMarkerHashes(r.text)) expect(r.originals.some((o) => o.key === h)).toBe(true);
  });

  it("prefers definitions and query terms when the budget is tight", () => {
    const r = compressDiff(diff, count, { targetRatio: 0.15, query: "log.Printf checked" })!;
    expect(r.text).toContain('log.Printf("checked %d", 11)');
  });

  it("summarises lock files and generated files to one line with counts", () => {
    const lock = ["diff --git a/pnpm-lock.yaml b/pnpm-lock.yaml", "index 1..2 100644", "--- a/pnpm-lock.yaml", "+++ b/pnpm-lock.yaml", "@@ -1,3 +1,3 @@", " a:", "-  b: 1", "+  b: 2", " c:"];
    const r = compressDiff(diff + lock.join("\n") + "\n", count)!;
    const line = r.text.split("\n").find((l) => l.includes("pnpm-lock.yaml"))!;
    expect(line).toMatch(/^\[pnpm-lock\.yaml: generated\/lock file, 1 hunk, \+1 -1 lines omitted\. Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(r.text).not.toContain("  b: 2");
  });

  it("handles combined diffs (diff --cc) with correct per-parent counts", () => {
    const cc = [
      "diff --cc file.c",
      "index 1111111,2222222..3333333",
      "--- a/file.c",
      "+++ b/file.c",
      "@@@ -1,5 -1,6 +1,6 @@@",
      "  int a;",
      "- int b;",
      " -int c;",
      "++int merged(void);",
      "+ int d;",
      "  int e;",
      "  int f;",
      "  int g;",
    ].join("\n");
    expect(checkHunks(cc)).toEqual([]);
    const r = compressDiff(cc, count, { targetRatio: 0.1, minTokens: 1 })!;
    expect(r.text).toContain("++int merged(void);");
    expect(checkHunks(r.text)).toEqual([]);
  });

  it("keeps an unparseable hunk verbatim rather than re-cutting it", () => {
    const bad = "--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n a\n-b\n+c\n";
    const r = compressDiff(bad, count, { minTokens: 1 })!;
    expect(r.text).toContain("@@ -1,5 +1,5 @@\n a\n-b\n+c");
  });

  it("returns undefined for text that is not a diff", () => {
    expect(compressDiff("hello\nworld\n", count)).toBeUndefined();
  });
});

describe("budget allocation", () => {
  const section = (file: string, body: string[]) => {
    const old = body.filter((l) => l[0] !== "+").length;
    const neu = body.filter((l) => l[0] !== "-").length;
    return [`diff --git a/${file} b/${file}`, `--- a/${file}`, `+++ b/${file}`, `@@ -1,${old} +1,${neu} @@`, ...body];
  };

  it("gives a small file a fair share beside a large one, not only its single best line", () => {
    const big = section("src/handlers.ts", Array.from({ length: 120 }, (_, i) => `+export function handler${i}(req: Request): Response {`));
    const small = section("src/config.ts", [" const defaults = {", "+  retries = 3", "+  backoff = 250", "+  jitter = true", "+  maxDelay = 8000", " };"]);
    const d = [...big, ...small].join("\n") + "\n";
    const r = compressDiff(d, count, { minTokens: 1 })!;
    expect(checkHunks(r.text)).toEqual([]);
    for (const l of ["+  retries = 3", "+  backoff = 250", "+  jitter = true", "+  maxDelay = 8000"]) expect(r.text).toContain(l);
    expect(r.text).toContain("+export function handler0(req: Request): Response {");
  });

  it("ranks an old line by the words the new lines do not bring back", () => {
    const base = { body: "  connect(host, port);", removed: true, runStart: false, docFile: false, deletedFile: false, testFile: false, changedNames: new Set<string>(), query: new Set<string>() };
    expect(scoreLine({ ...base, novelty: 0 })).toBeLessThan(scoreLine({ ...base, novelty: 1 }));
    expect(scoreLine({ ...base, novelty: 1 })).toBeLessThan(scoreLine({ ...base, removed: false }));
    // Old halves of lightly modified calls go first; pure deletions and the new halves stay.
    const body: string[] = [];
    for (let i = 0; i < 12; i++) body.push(`-  connect${i}(host, port);`, `+  connect${i}(host, port, { timeout: 5000 });`, `-  legacyHandshake${i}(session, compatibilityMode);`, " ");
    const r = compressDiff(section("net/client.ts", body).join("\n") + "\n", count, { targetRatio: 0.8, minTokens: 1 })!;
    expect(checkHunks(r.text)).toEqual([]);
    const shown = (p: string) => r.text.split("\n").filter((l) => l.startsWith(p)).length;
    expect(shown("+  connect")).toBe(12);
    expect(shown("-  legacyHandshake")).toBeGreaterThanOrEqual(2);
    expect(shown("-  connect")).toBeLessThan(shown("-  legacyHandshake"));
    // Context is only shown beside shown lines, never as a run of its own.
    for (const run of r.text.split(/^@@.*$/m).slice(1)) expect(run.split("\n").some((l) => /^[-+]/.test(l))).toBe(true);
  });

  it("keeps the old wording of a reworded message: it is gone from the new code", () => {
    const body: string[] = [];
    for (let i = 0; i < 10; i++) body.push(`-  check${i}(host, port);`, `+  check${i}(host, port, opts);`, " ");
    body.push(`-  return fmt.Errorf("user is not authorized to update the forward")`, `+  return fmt.Errorf("user is not authorized to access the forward (needs get)")`);
    const r = compressDiff(section("net/auth.go", body).join("\n") + "\n", count, { targetRatio: 0.6, minTokens: 1 })!;
    expect(r.text).toContain(`-  return fmt.Errorf("user is not authorized to update the forward")`);
    expect(r.text.split("\n").filter((l) => l.startsWith("-  check")).length).toBeLessThan(3);
  });

  it("scores an added sentence of documentation above a bare line of the same file", () => {
    const base = { removed: false, runStart: false, docFile: true, deletedFile: false, testFile: false, changedNames: new Set<string>(), query: new Set<string>() };
    const sentence = scoreLine({ ...base, body: "The limit now applies to every request sent by the client." });
    expect(sentence).toBeGreaterThan(scoreLine({ ...base, body: "max_requests_total_value_limit" }));
    expect(sentence).toBeGreaterThan(scoreLine({ ...base, docFile: false, body: "The limit now applies to every request sent by the client." }));
  });

  it("keeps the old half of a changed signature", () => {
    const body: string[] = [];
    for (let i = 0; i < 40; i++) body.push(`-  legacyHandshake${i}(session, compatibilityMode);`);
    body.push(" ");
    body.push("-func Dial(host string, port int) (*Conn, error) {", "+// Dial connects to host:port.", "+//", "+// opts sets the timeouts.", "+func Dial(host string, port int, opts Options) (*Conn, error) {");
    const r = compressDiff(section("net/dial.go", body).join("\n") + "\n", count, { targetRatio: 0.2, minTokens: 1 })!;
    expect(r.text).toContain("-func Dial(host string, port int) (*Conn, error) {");
  });

  it("ranks a line holding a rare exact token of the question above lines sharing only a common word", () => {
    const body: string[] = [];
    for (let i = 0; i < 30; i++) body.push(`+  store.put(value${i % 3}, value);`, " ");
    body.push("+  store.put(0x7f3a, value);");
    const d = section("cache/store.ts", body).join("\n") + "\n";
    const r = compressDiff(d, count, { query: "where is the value 0x7f3a stored?", targetRatio: 0.25, minTokens: 1 })!;
    expect(r.text).toContain("+  store.put(0x7f3a, value);");
    // Tool arguments count too: their exact tokens, not their JSON keys.
    const byArgs = compressDiff(d, count, { toolArgs: JSON.stringify({ command: "git log -S 0x7f3a" }), targetRatio: 0.25, minTokens: 1 })!;
    expect(byArgs.text).toContain("+  store.put(0x7f3a, value);");
  });

  it("scores helpers of a test file below its test names", () => {
    const base = { body: "func makeFactory(phase v1.PodPhase) Factory {", removed: false, runStart: false, docFile: false, deletedFile: false, changedNames: new Set<string>(), query: new Set<string>() };
    expect(scoreLine({ ...base, testFile: true })).toBeLessThan(scoreLine({ ...base, testFile: false }));
    expect(scoreLine({ ...base, testFile: true })).toBeLessThan(scoreLine({ ...base, body: "func TestFactory_Start(t *testing.T) {", testFile: true }));
  });

  it("scores the first line of a long comment above the lines that continue it", () => {
    const base = { body: "   * the replica drops its cached primary so that it cannot win the election", removed: false, runStart: false, docFile: false, deletedFile: false, testFile: false, changedNames: new Set<string>(), query: new Set<string>() };
    expect(scoreLine({ ...base, continuesComment: true })).toBeLessThan(scoreLine(base));
    // Not for code: a statement after a comment is not a continuation of it.
    expect(scoreLine({ ...base, body: "  dropCachedPrimary(server);", continuesComment: true })).toBe(scoreLine({ ...base, body: "  dropCachedPrimary(server);" }));
  });

  it("marks a file's omissions without repeating its path or counts", () => {
    const { oldLines, newLines } = makeFiles(400);
    const r = compressDiff(unified(oldLines, newLines), count, { targetRatio: 0.2 })!;
    const m = r.text.split("\n").filter((l) => /^\[\d+ of \d+ changed lines omitted\. Retrieve more: hash=[a-f0-9]{24}\]$/.test(l));
    expect(m).toHaveLength(1);
    expect(r.originals.some((o) => o.meta?.path === "app/server.go")).toBe(true);
  });
});

describe("plugin", () => {
  it("declines when the context is not reversible and compresses when it is", async () => {
    const { oldLines, newLines } = makeFiles(300);
    const d = unified(oldLines, newLines);
    const p = headroomPlugin();
    expect(p).toMatchObject({ specificationVersion: "v2", name: "diff", kinds: ["diff"] });
    expect(await p.compress(unit(d), ctx({ allowLossy: false }))).toMatchObject({ decline: expect.stringContaining("lossy") });
    const r = (await p.compress(unit(d), ctx())) as { text: string; lossless: boolean; outputTokens: number };
    expect(r.lossless).toBe(false);
    expect(count(r.text)).toBeLessThan(count(d));
    expect(r.outputTokens).toBe(count(r.text)); // counted once, and right
    expect(await createDiffCompressor().compress(unit(r.text), ctx())).toMatchObject({ decline: expect.stringContaining("marker") }); // never re-compress
  });

  it("passes the pipeline's validation (checkCompressor) on a plain diff, a git log and a no-diff text", async () => {
    const { oldLines, newLines } = makeFiles(300);
    const log = `commit ${"a".repeat(40)}\nAuthor: A <a@example.com>\nDate:   Mon Jan 1 00:00:00 2024\n\n    Fix handler checks\n\n${unified(oldLines, newLines)}`;
    const report = await checkCompressor(headroomPlugin(), [
      { name: "unified", text: unified(oldLines, newLines), expect: "compressed" },
      { name: "git log -p", text: log, expect: "compressed", query: "which handler checks changed?", source: { toolName: "git", toolArgs: JSON.stringify({ command: "git log -p app/server.go" }) } },
      { name: "not a diff", text: "hello\nworld\n".repeat(50) },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.runs.filter((r) => r.store && r.status === "compressed")).toHaveLength(2);
  });

  const arb = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.array(fc.constantFrom("@@ -1,3 +1,3 @@", " a", "-b", "+c", "diff --git a/x b/x", "--- a/x", "+++ b/x", "\\ No newline at end of file", "", "\r", "\ud800", "@@@ -1 -1 +1 @@@", "++x", " -y"), { maxLength: 60 }).map((a) => a.join("\n")),
    fc.array(fc.constantFrom("@@ -1,3 +1,3 @@", " a", "-b", "+c", "diff --git a/x b/x"), { maxLength: 60 }).map((a) => a.join("\r\n")),
  );
  it("never throws, is deterministic and never longer than its input (fast-check)", () => {
    const p = headroomPlugin();
    fc.assert(
      fc.property(arb, (s) => {
        const a = p.compress(unit(s), ctx()) as { text?: string };
        const b = p.compress(unit(s), ctx()) as { text?: string };
        expect(a?.text).toEqual(b?.text);
        if (a.text !== undefined) expect(a.text.length).toBeLessThan(s.length);
      }),
      { numRuns: 150 },
    );
  });

  it("survives a 10 MB input", () => {
    const { oldLines, newLines } = makeFiles(2000);
    const d = unified(oldLines, newLines);
    const big = d.repeat(Math.ceil(10_000_000 / d.length)).slice(0, 10_000_000);
    const r = headroomPlugin().compress(unit(big), ctx()) as { text: string };
    expect(r.text.length).toBeLessThan(big.length);
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.HEADROOM_CORPUS ?? path.resolve(here, "../../../../shared/corpus");
const diffDir = path.join(corpus, "diff");
if (!existsSync(diffDir)) console.warn(`corpus not found at ${diffDir}: skipping`);
describe.skipIf(!existsSync(diffDir))("corpus diffs", () => {
  it("emits only correct hunk headers and keeps every commit title", () => {
    for (const f of readdirSync(diffDir).filter((x) => x.endsWith(".json"))) {
      const c = JSON.parse(readFileSync(path.join(diffDir, f), "utf8")) as { content: string };
      const r = compressDiff(c.content, count)!;
      expect(checkHunks(r.text), f).toEqual([]);
      for (const l of c.content.split("\n")) if (/^commit [0-9a-f]{40}/.test(l)) expect(r.text).toContain(l);
      // No fixed ratio (issue 13): never longer than the input, and at most the curve's budget for the
      // diff's size (all of a small diff's changed lines fit; the structural transforms still save).
      const n = count(c.content);
      expect(count(r.text), f).toBeLessThan(n);
      expect(count(r.text), f).toBeLessThanOrEqual(keepBudget(n, DIFF_CURVE) * 1.03);
    }
  });
});

describe("budget curve", () => {
  it("keeps a larger share of a small diff than of a large one (no fixed ratio)", () => {
    const file = (name: string, n: number) => [
      `diff --git a/${name} b/${name}`, `index 1111111..2222222 100644`, `--- a/${name}`, `+++ b/${name}`,
      `@@ -1,${n} +1,${n} @@`, ...Array.from({ length: n }, (_, i) => (i % 4 === 0 ? `-  old${i}(value, ${i});\n+  renamed${i}(value, ${i} + offset);` : `   keep${i}(value);`)),
    ];
    const diff = (files: number) => Array.from({ length: files }, (_, f) => file(`src/m${f}.ts`, 40).join("\n")).join("\n") + "\n";
    const share = (d: string) => count(compressDiff(d, count)!.text) / count(d);
    expect(share(diff(4))).toBeGreaterThan(share(diff(60)) + 0.1);
  });
});

describe("structural savings below the curve's floor", () => {
  const hunk = (ctxLines: number, i: number) => [
    `@@ -${i * 100 + 1},${2 * ctxLines + 1} +${i * 100 + 1},${2 * ctxLines + 1} @@ def f${i}():`,
    ...Array.from({ length: ctxLines }, (_, k) => `     before_${i}_${k}(value)`),
    `-    return compute_old_${i}(value)`,
    `+    return compute_new_${i}(value, strict=True)`,
    ...Array.from({ length: ctxLines }, (_, k) => `     after_${i}_${k}(value)`),
  ];
  const diff = (ctxLines: number, hunks: number) =>
    ["diff --git a/src/m.py b/src/m.py", "index 1111111..2222222 100644", "--- a/src/m.py", "+++ b/src/m.py", ...Array.from({ length: hunks }, (_, i) => hunk(ctxLines, i)).flat()].join("\n") + "\n";

  it("keeps every changed line of a small diff and only the nearest context line", () => {
    const d = diff(3, 5);
    const r = compressDiff(d, count)!;
    for (const l of d.split("\n")) if (/^[-+] /.test(l)) expect(r.text).toContain(l);
    expect(r.text).toContain("before_2_2");
    expect(r.text).toContain("after_2_0");
    expect(r.text).not.toContain("before_2_0");
    expect(r.text).not.toContain("after_2_2");
    expect(r.text).not.toContain("index 1111111");
    expect(checkHunks(r.text)).toEqual([]);
  });

  it("saves by content, not by a ratio: more context, more savings at the same size class", () => {
    const saving = (d: string) => 1 - count(compressDiff(d, count)!.text) / count(d);
    const dense = saving(diff(0, 12));
    const loose = saving(diff(3, 5));
    expect(loose).toBeGreaterThan(dense + 0.15);
  });
});

describe("moved and re-indented lines", () => {
  it("drops the old copy of a re-indented line at any size and says so", () => {
    const d = [
      "diff --git a/src/run.py b/src/run.py",
      "index 1111111..2222222 100644",
      "--- a/src/run.py",
      "+++ b/src/run.py",
      "@@ -1,4 +1,5 @@ def run(jobs):",
      "-for job in jobs:",
      "-    result = execute_job(job, retries=3)",
      "-    report_progress(result)",
      "+with progress_bar(len(jobs)) as bar:",
      "+    for job in jobs:",
      "+        result = execute_job(job, retries=3)",
      "+        report_progress(result)",
      "     cleanup_workers()",
      "",
    ].join("\n");
    const r = compressDiff(d, count)!;
    expect(r.text).toContain("+        result = execute_job(job, retries=3)");
    expect(r.text).not.toContain("-    result = execute_job(job, retries=3)");
    expect(r.text).not.toContain("-    report_progress(result)");
    expect(r.text).toContain("3 of them moved or re-indented");
    expect(checkHunks(r.text)).toEqual([]);
  });
});

describe("repeated hunks", () => {
  const file = (name: string, at: number) => [
    `diff --git a/${name} b/${name}`,
    "index 1111111..2222222 100644",
    `--- a/${name}`,
    `+++ b/${name}`,
    `@@ -${at},3 +${at},3 @@ fn open_file()`,
    "     let fd = open(path)?;",
    "-    let guard = Guard::new(fd);",
    "+    let guard = Guard::with_close_on_drop(fd);",
    "     guard.check()?;",
  ];

  it("shows a change applied twice once and points the second copy to the first", () => {
    const d = [...file("tests/a.rs", 10), ...file("tests/b.rs", 40), ""].join("\n");
    const r = compressDiff(d, count)!;
    expect(r.text.split("+    let guard = Guard::with_close_on_drop(fd);").length).toBe(2);
    expect(r.text).toContain("[1 hunk repeats an earlier change: @@ -40,3 +40,3 @@ as in tests/a.rs @@ -10,3 +10,3 @@]");
    expect(checkHunks(r.text)).toEqual([]);
  });

  it("does not count a one-line change as a repeat", () => {
    const one = (name: string) => [`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`, "@@ -1 +1 @@", "-}", "+};"];
    const r = compressDiff([...one("a.c"), ...one("b.c"), ""].join("\n"), count);
    expect(r?.text ?? "").not.toContain("repeat");
  });
});
