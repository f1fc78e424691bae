import { describe, expect, it } from "vitest";
import { detect, stripLineNumbers } from "./detect.js";

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("\n");

describe("detect: formats outside the named log layouts", () => {
  it("takes time-stamped JSON lines for a log and other JSON lines for data", () => {
    const events = lines(6, (i) => `{"Time":"2024-01-01T10:00:0${i}Z","Action":"run","Test":"T${i}"}`);
    expect(detect(events).kind).toBe("log");
    const cdn = lines(6, (i) => `{"ClientIP":"10.0.0.${i}","EdgeStartTimestamp":171279000${i},"Status":200}`);
    expect(detect(cdn).kind).toBe("log");
    const rows = lines(6, (i) => `{"id":${i},"name":"n${i}"}`);
    expect(detect(rows).kind).toBe("json");
  });

  it("counts stack frames of a PHP log as part of its records", () => {
    const rec = (i: number) =>
      [`[2023-05-15 18:1${i}:32] local.ERROR: Target class [X${i}] does not exist.`, "[stacktrace]", ...Array.from({ length: 12 }, (_, k) => `#${k} /app/vendor/Container.php(${795 + k}): build('X')`), "#12 {main}", '"} '].join("\n");
    expect(detect([0, 1, 2, 3].map(rec).join("\n")).kind).toBe("log");
  });

  it("recognises strace -tt lines and epoch-first TSV event logs", () => {
    expect(detect(lines(8, (i) => `4787${i} 12:21:46.28477${i} close(${i}) = 0 <0.00001${i}>`)).kind).toBe("log");
    const zeek = ["#separator \\x09", "#fields\tts\tuid\thost", ...Array.from({ length: 8 }, (_, i) => `132027956${i}.452687\tC${i}x\twww.example.com`)].join("\n");
    expect(detect(zeek).kind).toBe("log");
  });

  it("recognises rg --heading output", () => {
    const text = "src/a.ts\n10:const x = 1;\n12:x();\n\nsrc/lib/b.ts\n3:import { x } from './a';\n";
    expect(detect(text).kind).toBe("search");
    expect(detect("10:first\n11:second\n12:third").kind).not.toBe("search");
  });

  it("reads a markdown document that opens with inline HTML as prose", () => {
    const text = [
      '<h3 align="center">Sponsors</h3> <table><tr><td><a href="x"><img src="a.png"></a></td><td><p>text</p></td></tr></table>',
      "",
      "# Project",
      "",
      "A library that does many useful things for its users, and does them well.",
      "",
      "## Install",
      "",
      "```bash",
      "npm install project",
      "```",
      "",
      "## Usage",
      "",
      "- first item of the list that explains usage",
      "- second item of the list that explains more",
    ].join("\n");
    expect(detect(text).kind).toBe("prose");
    expect(detect("<!doctype html><html><head><title>x</title></head><body><div><p>a</p><p>b</p></div></body></html>").kind).toBe("html");
  });
});

describe("detect: repetitive output", () => {
  it("takes one line shape repeated for log-like output", () => {
    expect(detect(Array(1000).fill("y").join("\n")).kind).toBe("log");
    expect(detect(Array.from({ length: 400 }, (_, i) => `Downloading package-${i}.tgz ... done`).join("\n")).kind).toBe("log");
  });
});

describe("detect: line-numbered reads", () => {
  const log = Array.from({ length: 40 }, (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, "0")}Z ${i === 17 ? "ERROR" : "INFO"} worker-${i % 3} job ${i} done`);
  const cat = (lines: string[], from = 1) => lines.map((l, i) => `${String(i + from).padStart(6)}\t${l}`).join("\n");
  const read = (lines: string[], from = 1) => lines.map((l, i) => `${String(i + from).padStart(6)}→${l}`).join("\n");

  it("a numbered log is a log, not a table (cat -n and the Read tool's arrow)", () => {
    expect(detect(log.join("\n")).kind).toBe("log");
    expect(detect(cat(log)).kind).toBe("log");
    expect(detect(read(log, 971)).kind).toBe("log");
  });

  it("a numbered table stays a table; numbers that are not consecutive are content", () => {
    const tsv = Array.from({ length: 20 }, (_, i) => `user-${i}\t${i * 3}\tok`);
    expect(detect(cat(tsv)).kind).toBe("tabular");
    expect(stripLineNumbers("1\ta\n3\tb\n4\tc")).toBeNull();
    expect(stripLineNumbers("1\ta\n2→b\n3\tc")).toBeNull();
    expect(stripLineNumbers("     1\ta\n     2\tb\n     3\tc\n")).toBe("a\nb\nc\n");
  });
});
