import { describe, expect, it } from "vitest";
import { analyzeLog, compressLog, ditto, gapRecords, isStateLine, outlierRecords, WILDCARD } from "./index.js";
import { columnOutliers } from "./columns.js";
import { learnColumns } from "./records.js";

const pad = (n: number) => String(n).padStart(2, "0");

describe("records by learned head shape", () => {
  it("groups PHP frames and JSON tails under the time-stamped line above", () => {
    const rec = (i: number) => [`[2023-05-15 18:${pad(i)}:32] local.ERROR: Boom ${i}`, "[stacktrace]", "#0 /app/a.php(12): f()", "#1 {main}", '"} '];
    const a = analyzeLog([0, 1, 2, 3].flatMap(rec).join("\n"));
    expect(a.records.length).toBe(4);
    expect(a.records[0]!.end - a.records[0]!.start).toBe(5);
  });

  it("mines JSON lines by their fields, so enum-like values separate templates", () => {
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ Time: `2024-01-01T00:00:${pad(i)}Z`, Action: i % 3 === 0 ? "fail" : "pass", Test: `T${i}` }));
    const a = analyzeLog(lines.join("\n"));
    expect(a.format).toBe("jsonl");
    const fail = a.records.filter((r) => lines[r.start]!.includes('"fail"'));
    expect(new Set(fail.map((r) => r.template.id)).size).toBe(1);
    expect(fail[0]!.template).not.toBe(a.records.find((r) => lines[r.start]!.includes('"pass"'))!.template);
  });
});

describe("importance signals", () => {
  it("flags state changes and successes", () => {
    expect(isStateLine("Shutdown succeeded for broker 2")).toBe(true);
    expect(isStateLine("Accepted password for root from 1.2.3.4")).toBe(true);
    expect(isStateLine("Received 12 bytes from 1.2.3.4")).toBe(false);
  });

  it("finds a rare value in a column of few values, and a numeric extreme of a template", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `2015-01-13 00:${pad(i)}:17 GET /p${i} 80 10.0.0.${i % 5} ${i === 17 ? 404 : 200} ${i === 29 ? 2411 : 300 + i}`);
    const a = analyzeLog(rows.join("\n"));
    const heads = a.records.map((r) => a.lines[r.start]!);
    expect([...columnOutliers(a.records, heads)]).toContain(17);
    // Read from the text the heads are cut from: the same outliers.
    const at = a.records.map((r) => a.lines.slice(0, r.start).join("\n").length + (r.start ? 1 : 0));
    expect([...columnOutliers(a.records, heads, { text: rows.join("\n"), at })]).toEqual([...columnOutliers(a.records, heads)]);
    expect([...outlierRecords(a.records)]).toContain(29);
  });

  it("keeps both sides of the longest gap in time", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `2023-05-15 ${i < 20 ? "18" : "19"}:${pad(i)}:00 tick ${i}`);
    const a = analyzeLog(rows.join("\n"));
    expect([...gapRecords(a.lines, a.records)].sort((x, y) => x - y)).toEqual([19, 20]);
  });

  it("shows a long variable value repeated from the line above as a ditto mark", () => {
    const ua = "Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_9_4)+Chrome/36.0";
    const tpl = ["GET", WILDCARD, WILDCARD];
    expect(ditto(`GET /b ${ua}`, `GET /a ${ua}`, tpl)).toBe("GET /b 〃");
    expect(ditto(`GET /b ${ua}`, `GET /a ${ua}`, ["GET", WILDCARD, "x"])).toBe(`GET /b ${ua}`);
  });
});

describe("budget curve", () => {
  it("keeps a small log whole and cuts a large one, keeping what the question names", () => {
    const small = Array.from({ length: 30 }, (_, i) => `2024-01-01 10:00:${pad(i)} INFO worker ${i} done`).join("\n");
    expect(compressLog(small, true)).toBeNull();
    const big = Array.from({ length: 4000 }, (_, i) => `2024-01-01 10:${pad((i / 60) | 0 % 60)}:${pad(i % 60)} INFO request from 10.1.${(i / 250) | 0}.${i % 250} served in ${i % 7}ms`).join("\n");
    const r = compressLog(big, true, { query: "what did 10.1.9.77 get?" })!;
    expect(r.text.length).toBeLessThan(big.length * 0.1);
    expect(r.text).toContain("request from 10.1.9.77 served");
    expect(compressLog(big, true)!.text).not.toContain("request from 10.1.9.77 served");
  });

  it("gives the question a share of the curve when the first records of many templates already exceed it", () => {
    // 400 templates (distinct leading words), five records each: the template heads alone cost more than
    // the curve allows, and the record the question names is not a head.
    const word = (i: number) => String.fromCharCode(97 + (i % 26), 97 + ((i / 26) | 0) % 26, 97 + ((i / 676) | 0) % 26);
    const lines: string[] = [];
    for (let r = 0; r < 5; r++)
      for (let t = 0; t < 400; t++)
        lines.push(`2024-01-01 10:${pad(r * 10 + (t % 10))}:${pad(t % 60)} INFO ${word(t)} ${word(t + 7)} ${word(t + 13)} served request ${t * 5 + r} from 10.${r}.${t % 250}.${(t * 3) % 250} in ${t % 9}ms`);
    const log = lines.join("\n");
    const query = "what did 10.3.7.21 get?";
    expect(log).toContain("from 10.3.7.21 in");
    expect(compressLog(log, true, { query, priorityShare: 0 })!.text).not.toContain("from 10.3.7.21 in");
    expect(compressLog(log, true, { query })!.text).toContain("from 10.3.7.21 in");
  });
});

describe("small repetitive output", () => {
  it("is collapsed losslessly even with a store (below the floor nothing is dropped)", () => {
    const text = Array(1000).fill("y").join("\n");
    const r = compressLog(text, true)!;
    expect(r.lossless).toBe(true);
    expect(r.text).toBe("y\n[previous line repeated 999 more times]");
  });
});

describe("what else is kept and how it is shown", () => {
  it("keeps every error record that names a different failing test, before rarer info lines", () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const t = `2024-01-01T10:00:${pad(i % 60)}.${String(i).padStart(6, "0")}Z`;
      lines.push(JSON.stringify({ Time: t, Action: "output", Package: "example.com/pkg", Test: `TestCase${i % 40}`, Output: `=== RUN   TestCase${i % 40} step ${i}\n` }));
      if (i % 50 === 7) lines.push(JSON.stringify({ Time: t, Action: "fail", Package: "example.com/pkg", Test: `TestBroken${i}/sub`, Elapsed: 0 }));
    }
    const out = compressLog(lines.join("\n"), true)!.text;
    for (let i = 7; i < 400; i += 50) expect(out).toContain(`"Test":"TestBroken${i}/sub","Elapsed":0`);
  });

  it("summarises a template only when the summary is shorter than the lines it stands for", () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`2024-01-01 10:${pad((i / 60) | 0)}:${pad(i % 60)} worker ${i % 9} finished job ${1000 + i} in ${i % 13}ms`);
    // Pairs of short lines, one pair per kind: a "×1 more like …" note would restate the dropped one.
    const word = (k: number) => String.fromCharCode(97 + (k % 26), 97 + ((k / 26) | 0) % 26, 97 + ((k * 7) % 26));
    for (let k = 0; k < 400; k++) lines.push(`2024-01-01 11:00:${pad(k % 60)} rotate ${word(k)} at ${k}`, `2024-01-01 11:01:${pad(k % 60)} rotate ${word(k)} at ${k + 1}`);
    const text = lines.join("\n");
    const out = compressLog(text, true)!.text;
    expect(out).toMatch(/\[×\d+ more like "worker/);
    expect(text.split("\n").filter((l) => l.includes(" rotate ") && !out.includes(l)).length).toBeGreaterThan(50);
    expect(out).not.toMatch(/\[×1 more like "rotate/);
  });

  it("shows a repeated long value as a ditto mark also across an omission note", () => {
    const ua = "Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_9_4)+AppleWebKit/537.36+Chrome/36.0";
    const lines = Array.from({ length: 600 }, (_, i) => `2015-01-13 22:${pad((i / 60) | 0)}:${pad(i % 60)} GET /probe/p${i}.php - 80 - 183.60.244.30 ${ua} - 404 0 2 1405 ${240 + (i % 9)}`);
    const out = compressLog(lines.join("\n"), true, { query: "were /probe/p100.php and /probe/p300.php requested?" })!.text.split("\n");
    const a = out.findIndex((l) => l.includes("/probe/p100.php"));
    const b = out.findIndex((l) => l.includes("/probe/p300.php"));
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a + 1);
    expect(out[b]).toContain("〃");
    expect(out[b]).not.toContain(ua);
  });
});

describe("marker", () => {
  it("says how many error and warning records were left out", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `2024-01-01 ${pad((i / 3600) | 0)}:${pad(((i / 60) | 0) % 60)}:${pad(i % 60)} ${i % 5 === 0 ? "WARN" : "INFO"} cache ${i % 5 === 0 ? "miss" : "hit"} for key k${i}`);
    const first = compressLog(lines.join("\n"), true)!.text.split("\n")[0]!;
    expect(first).toMatch(/; \d+ warnings not shown; .*Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(first).not.toMatch(/error/);
  });
});

describe("tab-separated logs", () => {
  it("are mined by fields: a many-valued column (host) is a wildcard, a few-valued one (status) splits templates", () => {
    const hosts = Array.from({ length: 40 }, (_, i) => `h${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0))}.example.org`);
    const rows = Array.from({ length: 200 }, (_, i) => ["1320279566.45", `C${i}`, "GET", hosts[i % 40]!, `/p/${i}`, i === 123 ? "404" : "200", i === 123 ? "Not Found" : "OK"].join("\t"));
    const text = ["#fields\tts\tuid\tmethod\thost\turi\tstatus\tmsg", ...rows].join("\n");
    const cols = learnColumns(text.split("\n"))!;
    expect(cols.width).toBe(7);
    expect(cols.variable[3]).toBe(true); // host
    expect(cols.variable[2]).toBe(false); // method
    const a = analyzeLog(text);
    const ok = new Set(a.records.slice(1).filter((r) => !a.lines[r.start]!.includes("404")).map((r) => r.template.id));
    expect(ok.size).toBe(1);
    expect(a.records[124]!.template.id).not.toBe([...ok][0]);
    expect(learnColumns(["a b c", "d e f", "g h i", "j k l", "m n o", "p q r", "s t u", "v w x"])).toBeUndefined();
  });
});
