import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, createPipeline, findMarkerHashes, type Store } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeLog, collapseRepeats, compressLog, createLogCompressor, detectLogFormat, expandRepeats, headroomPlugin, severityOf } from "./index.js";


function hdfsLike(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = `081109 ${String(203615 + i).padStart(6, "0")} ${100 + (i % 50)}`;
    if (i % 3 === 0) out.push(`${ts} INFO dfs.DataNode$PacketResponder: PacketResponder ${i % 3} for block blk_${1000 + i} terminating`);
    else if (i % 3 === 1) out.push(`${ts} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.7.${i % 200}:50010 is added to blk_${2000 + i} size 67108864`);
    else out.push(`${ts} INFO dfs.DataNode$DataXceiver: Receiving block blk_${3000 + i} src: /10.250.1.${i % 200}:5${i % 10} dest: /10.250.1.${i % 200}:50010`);
  }
  out.splice(300, 0, "081109 213000 17 WARN dfs.DataNode$DataXceiver: 10.251.70.112:50010:Got exception while serving blk_42 to /10.251.74.79:");
  out.splice(600, 0, "081109 214000 19 ERROR dfs.DataNode: java.io.IOException: Could not read from stream");
  out.splice(601, 0, "\tat org.apache.hadoop.dfs.DataNode.read(DataNode.java:12)", "\tat org.apache.hadoop.dfs.DataNode.run(DataNode.java:40)");
  out.splice(900, 0, "081109 215000 21 INFO dfs.FSNamesystem: BLOCK* ask 10.250.14.38:50010 to replicate blk_-7571 to datanode(s) 10.251.122.38:50010");
  return out.join("\n");
}

describe("format recognition", () => {
  const cases: Array<[string, string[]]> = [
    ["pytest", ["============================= test session starts ==============================", "tests/test_a.py ..F.", "tests/test_b.py ....", "=========================== 1 failed, 7 passed in 0.12s ==========================="]],
    ["jest", ["PASS src/a.test.ts", "FAIL src/b.test.ts", "  ✓ adds (3 ms)", "Tests:       1 failed, 4 passed, 5 total"]],
    ["cargo", ["   Compiling foo v0.1.0 (/x)", "    Finished dev [unoptimized] target(s) in 1.2s", "test tests::a ... ok", "test tests::b ... FAILED"]],
    ["go-test", ["=== RUN   TestA", "--- PASS: TestA (0.00s)", "=== RUN   TestB", "--- FAIL: TestB (0.01s)", "FAIL"]],
    ["npm", ["npm WARN deprecated x@1.0.0", "npm ERR! code E404", "npm ERR! 404 Not Found"]],
    ["make", ["gcc -c a.c -o a.o", "a.c:3:5: error: unknown type name 'foo'", "make: *** [Makefile:2: a.o] Error 1"]],
    ["syslog", ["Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0", "Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown"]],
    ["access", ['83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /a.png HTTP/1.1" 200 203023 "-" "Mozilla/5.0"']],
    ["apache-error", ["[Sun Dec 04 04:54:20 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties", "[Sun Dec 04 04:54:20 2005] [error] mod_jk child workerEnv in error state 6"]],
    ["log4j", ["2015-07-29 17:41:44,747 - INFO  [main:QuorumPeer@1] - Notification time out: 3200", "[2016-12-19 20:39:48,918] WARN [ReplicaFetcherThread-0-2], Error in fetch"]],
    ["hadoop", ["081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating"]],
    ["logcat", ["03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs", "03-17 16:13:46.764  2227  2794 E KeyguardUpdateMonitor: isSimPinSecure"]],
    ["jsonl", ['{"ts":"2024-01-01T00:00:00Z","level":"info","msg":"started"}', '{"ts":"2024-01-01T00:00:01Z","level":"error","msg":"boom"}']],
    ["k8s-events", ["LAST SEEN   TYPE      REASON    OBJECT          MESSAGE", "2m          Warning   BackOff   pod/web-1       Back-off restarting failed container"]],
  ];
  it.each(cases)("recognises %s", (format, lines) => {
    expect(detectLogFormat(lines)).toBe(format);
  });

  it("classifies severities by explicit level before keywords", () => {
    expect(severityOf("2015-07-29 17:41:44,747 - INFO  [x] - instruction cache parity error corrected", "log4j")).toBe("info");
    expect(severityOf("[Sun Dec 04 05:15:09 2005] [error] [client 1.2.3.4] Directory index forbidden", "apache-error")).toBe("error");
    expect(severityOf("03-17 16:13:45.466  1702 17632 W ActivityManager: Bad activity token", "logcat")).toBe("warn");
    expect(severityOf('1.2.3.4 - - [18/May/2015:03:05:34 +0000] "GET /x HTTP/1.1" 500 - "-" "bot"', "access")).toBe("error");
    expect(severityOf("Dec 10 11:03:53 LabSZ sshd[25457]: fatal: Write failed: Connection reset by peer", "syslog")).toBe("error");
    expect(severityOf('{"level":"warn","msg":"slow"}', "jsonl")).toBe("warn");
  });
});

describe("template mining", () => {
  it("collapses lines equal up to variables into one template with a count", () => {
    const a = analyzeLog(hdfsLike(300));
    const responder = a.templates.find((t) => t.tokens.join(" ").includes("PacketResponder <*> for block <*> terminating"));
    expect(responder?.count).toBe(100);
    expect(a.templates.length).toBeLessThan(10);
  });
});

describe("lossy form (reversible)", () => {
  const text = hdfsLike(1200);
  const r = compressLog(text, true)!;

  it("keeps errors with their trace, warnings, rare events and first occurrences", () => {
    expect(r.lossless).toBe(false);
    expect(r.text).toContain("ERROR dfs.DataNode: java.io.IOException: Could not read from stream");
    expect(r.text).toContain("\tat org.apache.hadoop.dfs.DataNode.run(DataNode.java:40)");
    expect(r.text).toContain("Got exception while serving blk_42");
    expect(r.text).toContain("to replicate blk_-7571 to datanode(s) 10.251.122.38:50010");
    expect(r.text).toContain(text.split("\n")[0]);
    expect(r.text).toMatch(/\[×\d+ more like "INFO dfs\.DataNode\$PacketResponder: PacketResponder <\*> for block <\*> terminating" — /);
  });

  it("stores the original under the marker's key", () => {
    const hashes = findMarkerHashes(r.text);
    expect(hashes).toHaveLength(1);
    expect(r.originals).toEqual([expect.objectContaining({ key: hashes[0], content: text })]);
    expect(hashes[0]).toBe(ccrKey(text));
    expect(r.text).toMatch(/hash=[a-f0-9]{24}/);
  });

  it("saves most of a repetitive log and every kept line is verbatim or bracketed", () => {
    expect(r.text.length).toBeLessThan(text.length * 0.15);
    const input = new Set(text.split("\n"));
    for (const l of r.text.split("\n")) expect(input.has(l) || l.startsWith("[")).toBe(true);
  });

  it("bounds long stack traces and keeps their causes", () => {
    const lines = ["2024-01-01 00:00:00,000 ERROR [main] boom", "java.lang.IllegalStateException: outer"];
    for (let i = 0; i < 60; i++) lines.push(`\tat com.example.Foo.bar${i}(Foo.java:${i})`);
    lines.push("Caused by: java.io.IOException: inner", "\tat com.example.Io.read(Io.java:1)", "\t... 42 more");
    for (let i = 0; i < 40; i++) lines.push(`2024-01-01 00:00:${String(i).padStart(2, "0")},000 INFO [main] tick ${i}`);
    const out = compressLog(lines.join("\n"), true)!.text;
    expect(out).toContain("Caused by: java.io.IOException: inner");
    expect(out).toContain("\t... 42 more");
    expect(out).toMatch(/\[… \d+ trace lines …\]/);
    expect(out).not.toContain("bar40(");
  });

  it("keeps test summaries", () => {
    const lines = ["============================= test session starts =============================="];
    // Above the budget curve's floor (≈1000 tokens): smaller logs are kept whole.
    for (let i = 0; i < 500; i++) lines.push(`tests/test_mod${i}.py::test_case PASSED`);
    lines.push("=========================== 1 failed, 500 passed in 3.21s ===========================");
    const out = compressLog(lines.join("\n"), true)!.text;
    expect(out).toContain("1 failed, 500 passed in 3.21s");
  });
});

describe("lossless form (no store)", () => {
  it("collapses identical runs and round-trips", () => {
    const text = ["start", ...Array(30).fill("retrying connection to db"), "ok", "", "", "", ""].join("\n");
    const r = compressLog(text, false)!;
    expect(r.lossless).toBe(true);
    expect(r.originals).toBeUndefined();
    expect(findMarkerHashes(r.text)).toEqual([]);
    expect(expandRepeats(r.text)).toBe(text);
  });

  it("declines when nothing repeats or when the input already looks like a repeat note", () => {
    expect(compressLog(hdfsLike(100), false)).toBeNull();
    expect(collapseRepeats("a\na\na\na\n[previous line repeated 2 more times]")).toBeNull();
  });
});

describe("properties", () => {
  const logish = fc.array(
    fc.oneof(
      fc.constantFrom("INFO start", "ERROR boom", "WARN slow", "\tat x.y(Z.java:1)", "", "\r", "[previous line repeated 2 more times]"),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 20 }),
    ),
    { maxLength: 120 },
  );
  const joiner = fc.constantFrom("\n", "\r\n");

  it("never throws, is deterministic, never longer, lossless round-trips", () => {
    fc.assert(
      fc.property(logish, joiner, fc.boolean(), (lines, nl, trailing) => {
        const text = lines.join(nl) + (trailing ? nl : "");
        for (const rev of [true, false]) {
          const a = compressLog(text, rev);
          const b = compressLog(text, rev);
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          if (!a) continue;
          expect(a.text.length).toBeLessThan(text.length);
          if (a.lossless) expect(expandRepeats(a.text)).toBe(text);
          else expect(a.originals![0]!.content).toBe(text);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("handles lone surrogates and a 10 MB input", () => {
    const odd = "\uD800 INFO x\n\uDC00 ERROR y\n".repeat(50);
    expect(() => compressLog(odd, true)).not.toThrow();
    const big = hdfsLike(2000);
    const huge = big.repeat(Math.ceil(10_000_000 / big.length)).slice(0, 10_000_000);
    const r = compressLog(huge, true);
    expect(r!.text.length).toBeLessThan(huge.length / 10);
    const oneLine = "x".repeat(10_000_000);
    expect(compressLog(oneLine, true)).toBeNull();
  });
});

describe("plugin", () => {
  it("exposes a v2 compressor for kind log", async () => {
    const c = headroomPlugin();
    expect(c.specificationVersion).toBe("v2");
    expect(c.kinds).toEqual(["log"]);
    expect(createLogCompressor({ name: "x" }).name).toBe("x");
    expect(await c.compress(createUnit(hdfsLike(200)), createMockContext({ allowLossy: false }))).toMatchObject({ decline: expect.any(String) });
    const lossy = await c.compress(createUnit(hdfsLike(200)), createMockContext());
    expect(lossy).toMatchObject({ lossless: false });
  });

  it("returns its output's token count, so the pipeline does not count the output again", async () => {
    const ctx = createMockContext();
    for (const [text, c] of [[hdfsLike(200), ctx], ["2024-01-01 10:00:00 INFO tick\n".repeat(60), createMockContext({ allowLossy: false })]] as const) {
      const r = (await headroomPlugin().compress(createUnit(text), c)) as { text: string; outputTokens?: number };
      expect(r.outputTokens).toBe(c.tokenizer.count(r.text));
    }
  });

  it("passes the pipeline's validation (checkCompressor) with its own detector", async () => {
    const report = await checkCompressor(headroomPlugin(), [
      { name: "hdfs-like", text: hdfsLike(800), expect: "compressed", query: "which blocks were deleted?" },
      { name: "repeats", text: "2024-01-01 10:00:00 INFO tick\n".repeat(60) },
      { name: "prose", text: "Not a log at all, just a sentence.\n".repeat(5) },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.runs.find((r) => r.fixture === "hdfs-like" && r.store)?.status).toBe("compressed");
  });

  it("runs through the pipeline and the store returns the original", async () => {
    const mem = new Map<string, string>();
    const store: Store = {
      get: async (k) => mem.get(k),
      put: async (k, v) => void mem.set(k, v),
      has: async (k) => mem.has(k),
      delete: async (k) => mem.delete(k),
    };
    const text = hdfsLike(800);
    const p = createPipeline({ compressors: [headroomPlugin()], store, detect: () => ({ kind: "log", confidence: 1 }) });
    const r = await p.compressText(text);
    expect(r.errors).toEqual([]);
    expect(r.tokensAfter).toBeLessThan(r.tokensBefore / 5);
    expect(mem.get(findMarkerHashes(r.text)[0]!)).toBe(text);
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.HEADROOM_CORPUS ?? path.resolve(here, "../../../../shared/corpus");
if (!existsSync(corpus)) console.warn(`corpus not found at ${corpus}: skipping`);

describe.skipIf(!existsSync(corpus))("corpus logs", () => {
  it("keeps the probes visible and saves most of every large log", () => {
    const dir = path.join(corpus, "logs");
    let answers = 0;
    let kept = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { content: string; probes: Array<{ answers: string[] }> };
      const r = compressLog(c.content, true);
      const out = r?.text ?? c.content;
      for (const p of c.probes) {
        for (const a of p.answers) {
          answers++;
          if (out.includes(a)) kept++;
        }
      }
      if (c.content.split("\n").length > 1000) expect(out.length).toBeLessThan(c.content.length * 0.15);
    }
    expect(kept / answers).toBeGreaterThanOrEqual(0.98);
  });
});
