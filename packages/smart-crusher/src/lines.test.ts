import { findMarkerHashes } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { crush } from "./crush.js";
import { headroomPlugin } from "./index.js";
import { discriminator, entityField, parseJsonLines } from "./lines.js";

/** A small `go test -json`-shaped stream: 40 passing tests, one failing with its message, one skipped. */
function stream(): string {
  const out: string[] = [];
  const ev = (o: Record<string, unknown>) => out.push(JSON.stringify({ Time: `2024-01-01T10:${String(Math.floor(out.length / 60)).padStart(2, "0")}:${String(out.length % 60).padStart(2, "0")}Z`, ...o }));
  for (let i = 0; i < 40; i++) {
    const t = `TestCase${i}`;
    ev({ Action: "run", Package: "example/pkg", Test: t });
    ev({ Action: "output", Package: "example/pkg", Test: t, Output: `=== RUN   ${t}\n` });
    if (i === 17) {
      ev({ Action: "output", Package: "example/pkg", Test: t, Output: "    case_test.go:88: unexpected nil map\n" });
      ev({ Action: "output", Package: "example/pkg", Test: t, Output: `--- FAIL: ${t} (0.00s)\n` });
      ev({ Action: "fail", Package: "example/pkg", Test: t, Elapsed: 0 });
    } else if (i === 29) {
      ev({ Action: "output", Package: "example/pkg", Test: t, Output: "    case_test.go:120: needs a database\n" });
      ev({ Action: "skip", Package: "example/pkg", Test: t, Elapsed: 0 });
    } else {
      ev({ Action: "output", Package: "example/pkg", Test: t, Output: `--- PASS: ${t} (0.00s)\n` });
      ev({ Action: "pass", Package: "example/pkg", Test: t, Elapsed: 0 });
    }
  }
  ev({ Action: "output", Package: "example/pkg", Output: "FAIL\texample/pkg\t0.020s\n" });
  ev({ Action: "fail", Package: "example/pkg", Elapsed: 0.02 });
  return out.join("\n");
}

describe("JSON lines", () => {
  it("parses one record per line and finds the stream's kind and entity fields", () => {
    const p = parseJsonLines(stream())!;
    expect(p.records.length).toBe(p.lines.length);
    expect(discriminator(p.records)).toBe("Action");
    expect(entityField(p.records, "Action")).toBe("Test");
    expect(parseJsonLines('{"a":1}')).toBeNull();
    expect(parseJsonLines('{"a":1}\nnot json')).toBeNull();
    expect(parseJsonLines('{\n"a": 1\n}')).toBeNull();
  });

  it("keeps failures, skips and their entity's lines verbatim; the output stays JSON lines", () => {
    const text = stream();
    const r = crush(text, { reversible: true })!;
    expect(r.lossless).toBe(false);
    expect(r.transforms).toEqual(["smart-crusher:jsonl"]);
    const lines = r.text.split("\n");
    const markerLine = lines.pop()!;
    for (const l of lines) expect(text.split("\n")).toContain(l);
    expect(r.text).toContain("case_test.go:88: unexpected nil map");
    expect(r.text).toContain("case_test.go:120: needs a database");
    expect(r.text).toContain('"Action":"fail","Package":"example/pkg","Elapsed":0.02');
    expect(r.text).toContain("FAIL\\texample/pkg\\t0.020s");
    // The marker says how many lines went, by the stream's own kinds.
    expect(markerLine).toMatch(/^\[\d+ of 163 JSON lines omitted \(Action: \d+ output, \d+ (?:run|pass), .*\)\. Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(findMarkerHashes(r.text)).toEqual([r.originals[0]!.key]);
    expect(r.originals[0]!.content).toBe(text);
  });

  it("keeps the lines the question names first", () => {
    const r = crush(stream(), { reversible: true, query: "what did TestCase33 print?" })!;
    expect(r.text).toContain('"Test":"TestCase33","Output":"--- PASS: TestCase33 (0.00s)\\n"');
  });

  it("is lossless without a store: compact lines, or declined when already compact", () => {
    expect(crush(stream())).toBeNull();
    const spaced = '{ "a": 1, "b": [1, 2] }\n{ "a": 2, "b": [] }';
    expect(crush(spaced)!.text).toBe('{"a":1,"b":[1,2]}\n{"a":2,"b":[]}');
  });
});

describe("plugin (spec v2) keeps the pipeline's rules", () => {
  it("returns outputTokens only as the exact count of its text", async () => {
    const ctx = createMockContext({ allowLossy: false });
    const pretty = JSON.stringify({ a: [1, 2, 3], b: "x" }, null, 2);
    const out = await headroomPlugin().compress(createUnit(pretty), ctx);
    expect(out && "text" in out ? out.outputTokens : undefined).toBe(out && "text" in out ? ctx.tokenizer.count(out.text) : -1);
  });

  const rows = JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ id: i, name: `user${i}`, state: i === 7 ? "failed" : "ok", note: "x".repeat(30) })), null, 2);
  it("passes checkCompressor on JSON, JSON lines and non-JSON", async () => {
    const report = await checkCompressor(headroomPlugin(), [
      { name: "rows", text: rows, expect: "compressed", jsonOutput: "any" },
      { name: "rows-query", text: rows, query: "user7", expect: "compressed", jsonOutput: "any" },
      { name: "jsonl", text: stream(), expect: "compressed" },
      "plain text, not JSON",
    ]);
    expect(report.problems).toEqual([]);
  });
});

describe("units the router calls a log", () => {
  it("takes JSON lines and declines any other log at its first line", async () => {
    const ctx = createMockContext({ detection: { kind: "log", confidence: 0.9 } });
    const log = Array.from({ length: 50 }, (_, i) => `[2016-12-19 20:39:${String(i % 60).padStart(2, "0")},918] WARN fetch failed for partition ${i}`).join("\n");
    expect(await headroomPlugin().compress(createUnit(log), ctx)).toEqual({ decline: "a log that is not JSON lines" });
    const out = await headroomPlugin().compress(createUnit(stream()), ctx);
    expect(out && "text" in out ? out.transforms : []).toEqual(["smart-crusher:jsonl"]);
  });
});
