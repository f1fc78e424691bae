/**
 * Fast paths against the plain code they replace: each reference below is the straightforward version
 * (what the code did before it was made faster); on seeded random input both must agree everywhere.
 */
import { describe, expect, it } from "vitest";
import { hasLongSharedToken } from "./costs.js";
import { informative, isNumericish, NUMERICISH } from "./values.js";
import { detectLogFormat, RULES, type LogFormat } from "./formats.js";
import { columnOutliers } from "./columns.js";
import { isNumber, NUMBER } from "./importance.js";
import { analyzeLogWithHeads, stripCr } from "./records.js";

/** A seeded generator (deterministic tests). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Random text from `alphabet`, with runs of one character now and then (long tokens, long gaps). */
function randomText(r: () => number, alphabet: string, maxLen: number): string {
  let out = "";
  const n = Math.floor(r() * maxLen);
  while (out.length < n) {
    const ch = alphabet[Math.floor(r() * alphabet.length)]!;
    out += r() < 0.1 ? ch.repeat(1 + Math.floor(r() * 20)) : ch;
  }
  return out;
}

describe("hasLongSharedToken", () => {
  // Runs of code units above 32 scanned one by one.
  const reference = (line: string, above: string): boolean => {
    let start = -1;
    for (let i = 0; i <= line.length; i++) {
      const space = i === line.length || line.charCodeAt(i) <= 32;
      if (!space) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0 && i - start >= 16 && above.includes(line.slice(start, i))) return true;
      start = -1;
    }
    return false;
  };

  it("agrees with the code-unit scan", () => {
    const r = rng(7);
    // Few distinct letters, so tokens of the line are often found in the line above.
    const alphabet = "ab \t\u0001\u00a0\r";
    for (let k = 0; k < 20000; k++) {
      const above = randomText(r, alphabet, 90);
      const line = r() < 0.5 ? randomText(r, alphabet, 90) : above.slice(Math.floor(r() * 10)) + randomText(r, alphabet, 20);
      expect(hasLongSharedToken(line, above)).toBe(reference(line, above));
    }
  });
});

describe("informative", () => {
  // One scan with range tests and set lookups, to the end of the value.
  const NUM = new Set([...".:,-/T+[]()"].map((ch) => ch.charCodeAt(0)));
  const STAMP = new Set([...":.,TZ+-"].map((ch) => ch.charCodeAt(0)));
  const slow = (v: string) => /\p{L}/u.test(v) && !NUMERICISH.test(v) && !/^(?:0x)?[0-9a-f]{6,}$/i.test(v) && !/^\d[\d:.,TZ+-]*$/.test(v);
  const reference = (v: string): boolean => {
    let letter = false;
    let numericish = v.length > 0;
    let hex = true;
    let stamp = v.length > 0 && v.charCodeAt(0) >= 48 && v.charCodeAt(0) <= 57;
    const from = v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) | 32) === 120 ? 2 : 0;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 128) return slow(v);
      const l = c | 32;
      const digit = c >= 48 && c <= 57;
      if (l >= 97 && l <= 122) letter = true;
      if (numericish && !digit && !NUM.has(c)) numericish = false;
      if (hex && i >= from && !digit && !(l >= 97 && l <= 102)) hex = false;
      if (stamp && !digit && !STAMP.has(c)) stamp = false;
    }
    return letter && !numericish && !(hex && v.length - from >= 6) && !stamp;
  };

  it("agrees with the full scan", () => {
    const r = rng(11);
    const alphabets = ["0123456789abcdefxX:.-TZ", "0x1aF9 ", "09:-.,TZ+/[]()aé", "abgzAGZ_-09é€😀", "0123456789"];
    for (let k = 0; k < 40000; k++) {
      const v = randomText(r, alphabets[k % alphabets.length]!, 14);
      expect(informative(v)).toBe(reference(v));
    }
    for (let c = 0; c < 300; c++) {
      const ch = String.fromCharCode(c);
      for (const v of [ch, `a${ch}`, `0${ch}`, `0x${ch}`, `${ch}b1`, `0xabcde${ch}`]) expect(informative(v)).toBe(reference(v));
    }
  });
});

describe("detectLogFormat", () => {
  // Every rule counted over the whole sample.
  const reference = (lines: readonly string[]): LogFormat => {
    const sample = lines.filter((l) => l.trim() !== "").slice(0, 200);
    if (!sample.length) return "generic";
    let best: LogFormat = "generic";
    let bestCount = 0;
    for (const r of RULES) {
      let n = 0;
      for (const l of sample) if (r.line.test(l)) n++;
      if (n > bestCount) {
        bestCount = n;
        best = r.format;
      }
    }
    return bestCount >= Math.max(1, sample.length / 5) ? best : "generic";
  };
  // Lines typical of each format, some typical of two (a jest line that is also go-test-like), and noise.
  const pool = [
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
    "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
    "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening",
    "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1",
    "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created",
    "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure",
    '{"level":"info","msg":"x"}',
    "5m   Normal   Scheduled   pod/web-1   Successfully assigned",
    "tests/test_a.py::test_x PASSED",
    "PASS src/a.test.ts",
    "   Compiling serde v1.0.0",
    "--- FAIL: TestX (0.00s)",
    "FAIL",
    "npm WARN deprecated x@1",
    "src/a.ts(1,2): error TS2304: Cannot find name",
    "make[1]: *** [all] Error 2",
    "plain text line",
    "",
    "   ",
  ];

  it("agrees with counting every rule over the whole sample", () => {
    const r = rng(3);
    for (let k = 0; k < 3000; k++) {
      // Few kinds per log, in random proportions, so that winners, ties and near-threshold counts occur.
      const kinds = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pool[Math.floor(r() * pool.length)]!);
      const lines = Array.from({ length: Math.floor(r() * 260) }, () => kinds[Math.floor(r() * r() * kinds.length)]!);
      expect(detectLogFormat(lines)).toBe(reference(lines));
    }
  });
});

describe("isNumber", () => {
  it("agrees with NUMBER", () => {
    const r = rng(5);
    for (let k = 0; k < 40000; k++) {
      const v = randomText(r, k % 2 ? "0123456789.-" : "0-9.\n e+x", 8);
      expect(isNumber(v)).toBe(NUMBER.test(v));
    }
    for (const v of ["", "-", ".", "-.", "1.", ".5", "-0", "1.5", "1.5.", "12\n", "1e3", "٣"]) expect(isNumber(v)).toBe(NUMBER.test(v));
  });
});

describe("columnOutliers from the text and the tokens", () => {
  // Rows of a few columns of few values, with the odd double space, tab, no-break space, trailing
  // blank, CRLF, `<*>`, month names, rows of more than 80 tokens and JSON lines mixed in.
  const words = ["GET", "POST", "200", "404", "a", "b", "<*>", "Mon", "x1", "-", "svc-1", "svc-2", "ok"];
  const gaps = [" ", " ", " ", " ", " ", " ", "  ", "\t", "\u00a0", " \t"];
  function randomLog(r: () => number): string {
    const rows: string[] = [];
    const cols = 5 + Math.floor(r() * 4);
    const n = 20 + Math.floor(r() * 120);
    const odd = r() < 0.5 ? 0 : r() * 0.1;
    for (let i = 0; i < n; i++) {
      if (r() < odd * 0.1) {
        rows.push(r() < 0.5 ? JSON.stringify({ a: i, b: "x y" }) : Array.from({ length: 85 }, (_, k) => `t${k % 3}`).join(" "));
        continue;
      }
      let row = "";
      for (let c = 0; c < cols; c++) {
        const w = c === 0 ? `2024-01-01T00:00:${String(i % 60).padStart(2, "0")}` : r() < 0.98 ? words[(c * 3 + (r() < 0.95 ? 0 : Math.floor(r() * 3))) % words.length]! : words[Math.floor(r() * words.length)]!;
        row += (c ? (r() < odd ? gaps[Math.floor(r() * gaps.length)]! : " ") : "") + w;
      }
      if (r() < odd * 0.2) row += " ";
      if (r() < odd * 0.2) row += "\r";
      rows.push(row);
    }
    return rows.join("\n");
  }

  it("finds the same outliers as splitting every head", () => {
    const r = rng(17);
    let found = 0;
    for (let k = 0; k < 1500; k++) {
      const text = randomLog(r);
      const { analysis: a, heads: source } = analyzeLogWithHeads(text);
      const heads = a.records.map((x) => stripCr(a.lines[x.start]!));
      const at: number[] = [];
      for (let i = 0, p = 0, line = 0; i < a.records.length; i++) {
        while (line < a.records[i]!.start) p += a.lines[line++]!.length + 1;
        at.push(p);
      }
      expect(source.at).toEqual(at);
      const expected = [...columnOutliers(a.records, heads)];
      found += expected.length;
      expect([...columnOutliers(a.records, heads, source)].sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
    }
    expect(found).toBeGreaterThan(100);
  });
});

describe("isNumericish", () => {
  it("agrees with NUMERICISH", () => {
    const r = rng(23);
    for (let k = 0; k < 40000; k++) {
      const v = randomText(r, k % 2 ? "0123456789.:,-/T+[]()" : "09.:Tt Z[]()\u0660é-/\n", 8);
      expect(isNumericish(v)).toBe(NUMERICISH.test(v));
    }
    for (let c = 0; c < 300; c++) expect(isNumericish(`1${String.fromCharCode(c)}`)).toBe(NUMERICISH.test(`1${String.fromCharCode(c)}`));
  });
});
