import { describe, expect, it } from "vitest";
import { analyzeLog, compressLog, ditto, gapRecords, isStateLine, outlierRecords, WILDCARD } from "./index.js";
import { columnOutliers } from "./importance.js";

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
});
