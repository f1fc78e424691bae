import { describe, expect, it } from "vitest";
import { detect, sampledLines, stripLineNumbers } from "./detect.js";

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

  it("recognises rg -C output, where context lines outnumber the matches", () => {
    // -C 3 around isolated matches: one line in seven is a `path:line:` match.
    const group = (f: string, at: number) => [
      ...[3, 2, 1].map((d) => `src/${f}.c-${at - d}-    int v${d} = lookup(db, key);`),
      `src/${f}.c:${at}:    robj *o = lookupKeyWrite(c->db, c->argv[1]);`,
      ...[1, 2, 3].map((d) => `src/${f}.c-${at + d}-    if (o == NULL) return ${d};`),
    ];
    const text = [group("db", 40), ["--"], group("db", 90), ["--"], group("expire", 12), ["--"], group("t_string", 300)].flat().join("\n");
    expect(detect(text).kind).toBe("search");
    // Date-led log lines have the context-line shape too; they stay a log.
    expect(detect(lines(30, (i) => `2024-01-0${1 + (i % 9)} 10:00:${10 + i} INFO worker-${i}: job done`)).kind).toBe("log");
  });

  it("recognises rg output without line numbers (what rg prints into a pipe), not configuration", () => {
    const files = ["src/db.c", "src/expire.c", "src/t_string.c", "lib/server.h"];
    const rg = lines(40, (i) => `${files[i % 4]}:    robj *o = lookupKeyWrite(c->db, c->argv[${i}]);`);
    expect(detect(rg).kind).toBe("search");
    const config = lines(40, (i) => `app.module${i}.setting: value ${i}`);
    expect(detect(config).kind).not.toBe("search");
    const k8s = lines(40, (i) => `app.kubernetes.io/name-${i}: api`);
    expect(detect(k8s).kind).not.toBe("search");
  });

  it("keeps a document the tool read as prose, however much code it quotes", () => {
    const rst = [
      "PEP: 999", "Title: Assignment examples", "", "Abstract", "========", "",
      "This document shows examples of the new syntax.", "", "::", "",
      ...Array.from({ length: 30 }, (_, i) => `    def f${i}(x):\n        if (y := g(x)) is not None:\n            return y + ${i}`),
    ].join("\n");
    expect(detect(rst).kind).toBe("code");
    expect(detect(rst, { fileName: "peps/pep-0999.rst" }).kind).toBe("prose");
  });

  it("takes an XML document with HTML-like tag names for XML, a page for HTML", () => {
    const xml = ['<?xml version="1.0" encoding="utf-8"?>', "<component>", ...Array.from({ length: 12 }, (_, i) => `  <description><p>Paragraph ${i} of the release notes.</p></description>`), "</component>"].join("\n");
    expect(detect(xml).kind).toBe("xml");
    const page = ["<!DOCTYPE html>", "<html><head><title>x</title></head><body>", ...Array.from({ length: 12 }, (_, i) => `<div><p>Paragraph ${i}</p></div>`), "</body></html>"].join("\n");
    expect(detect(page).kind).toBe("html");
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

describe("detect: languages by content alone (no file name)", () => {
  const body = (indent: string, line: (i: number) => string, n = 6) => Array.from({ length: n }, (_, i) => indent + line(i)).join("\n");
  const sources: Record<string, string> = {
    php: `<?php\nnamespace App\\Http;\n\nuse App\\Models\\User;\n\nclass UserController extends Controller\n{\n    public function show(int $id): User\n    {\n${body("        ", (i) => `$this->log(${i});`)}\n        return User::find($id);\n    }\n\n    private function guard($user)\n    {\n        $allowed = $user->isAdmin();\n        return $allowed;\n    }\n}\n`,
    csharp: `using System;\nusing System.Collections.Generic;\n\nnamespace Shop.Orders;\n\npublic sealed class Order\n{\n    public int Id { get; set; }\n    public string Name { get; private set; }\n\n    public override string ToString()\n    {\n${body("        ", (i) => `Console.WriteLine(${i});`)}\n        return Name;\n    }\n}\n`,
    ruby: `require "json"\nrequire_relative "base"\n\nmodule Shop\n  class Order < Base\n    attr_reader :id, :items\n\n    def initialize(id)\n      @id = id\n      @items = []\n    end\n\n    def total\n      items.each do |item|\n        puts item\n      end\n    end\n  end\nend\n`,
    bash: `#!/usr/bin/env bash\nset -euo pipefail\n\nreadonly ROOT="$(cd "$(dirname "$0")" && pwd)"\n\nbuild() {\n  local target="$1"\n  if [[ -z "$target" ]]; then\n    echo "usage: build TARGET" >&2\n    exit 1\n  fi\n  for f in "$ROOT"/src/*; do\n    cp "$f" "$target"\n  done\n}\n\nbuild "$@"\n`,
    scala: `package shop.orders\n\nimport scala.collection.mutable._\n\nsealed trait Event\ncase class Created(id: Long) extends Event\n\nobject Orders extends App {\n  val cache = mutable.Map.empty[Long, Order]\n\n  def total(items: Seq[Int]): Int = {\n    items.sum\n  }\n\n  def describe(e: Event): String = e match {\n    case Created(id) => s"created $id"\n  }\n}\n`,
    kotlin: `package shop.orders\n\nimport kotlinx.coroutines.flow.Flow\n\ndata class Order(val id: Long, val name: String)\n\nclass Orders(private val repo: Repo) {\n    private val cache = mutableMapOf<Long, Order>()\n\n    suspend fun load(id: Long): Order? {\n        val order = repo.find(id)\n        order?.let { cache[id] = it }\n        return order\n    }\n\n    fun names(): List<String> = cache.values.map { it.name }\n\n    companion object {\n        const val TAG = "Orders"\n    }\n}\n`,
    swift: `import Foundation\n\nstruct Order: Codable {\n    let id: Int\n    var name: String\n}\n\nfinal class Orders {\n    private var cache: [Int: Order] = [:]\n\n    func load(_ id: Int) async throws -> Order {\n        guard let cached = cache[id] else {\n            throw OrdersError.missing\n        }\n        return cached\n    }\n\n    func rename(_ id: Int, to name: String) {\n        if let order = cache[id] {\n            self.cache[id] = Order(id: order.id, name: name)\n        }\n    }\n}\n`,
  };

  it.each(Object.keys(sources))("recognises %s by its structure", (lang) => {
    expect(detect(sources[lang]!)).toMatchObject({ kind: "code", language: lang });
  });

  it("leaves the C-family and scripting languages they resemble where they were", () => {
    const java = `package shop.orders;\n\nimport java.util.List;\n\npublic class Orders {\n    private final List<String> names;\n\n    @Override\n    public String toString() {\n        return String.join(",", names);\n    }\n\n    public static void main(String[] args) {\n        System.out.println(new Orders());\n    }\n}\n`;
    const python = `import os.path\nimport json\n\n\nclass Orders:\n    def __init__(self, root):\n        self.root = root\n\n    def load(self, name):\n        path = os.path.join(self.root, name)\n        with open(path) as f:\n            return json.load(f)\n`;
    const go = `package orders\n\nimport (\n\t"fmt"\n)\n\nfunc Load(id int) (*Order, error) {\n\to, err := find(id)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn o, nil\n}\n`;
    const cpp = `#include <vector>\n#include <string>\n\nnamespace shop {\n\nclass Orders {\npublic:\n  std::vector<std::string> names() const;\nprivate:\n  std::vector<std::string> names_;\n};\n\n}  // namespace shop\n`;
    expect(detect(java)).toMatchObject({ kind: "code", language: "java" });
    expect(detect(python)).toMatchObject({ kind: "code", language: "python" });
    expect(detect(go)).toMatchObject({ kind: "code", language: "go" });
    expect(detect(cpp)).toMatchObject({ kind: "code", language: "cpp" });
  });

  it("does not take shell commands quoted in prose, or a log, for a script", () => {
    const readme = "# Build\n\nRun the script from the repository root, then check its output.\n\n```bash\nset -euo pipefail\n./build.sh release\n```\n\nIt prints each file it copies and exits with a non-zero status on failure.\n";
    expect(detect(readme).kind).toBe("prose");
    expect(detect(lines(10, (i) => `2024-01-01 10:00:0${i} INFO done: echo "$HOME" fi`)).kind).toBe("log");
  });
});

describe("detect: compiler and linter diagnostics are line-oriented logs", () => {
  const rust = (n: number) =>
    [
      "   Compiling demo v0.1.0 (/home/dev/demo)",
      ...Array.from({ length: n }, (_, i) => [`warning: unused variable: \`v${i}\``, ` --> src/main.rs:${4 + i}:9`, "  |", `${4 + i} |     let v${i} = 5;`, "  |         ^^ help: if this is intentional, prefix it with an underscore: `_v`", "  |", "  = note: `#[warn(unused_variables)]` on by default", ""].join("\n")),
      "error: could not compile `demo` (bin \"demo\") due to 1 previous error",
    ].join("\n");
  const gcc = lines(4, (i) => `src/m${i}.c:${5 + i}:9: warning: unused variable 'x${i}' [-Wunused-variable]\n    ${5 + i} |     int x${i};\n      |         ^`);
  const clang = `${lines(3, (i) => `lib/a.cpp:${10 + i}:3: error: use of undeclared identifier 'y${i}'\n  y${i} = 2;\n  ^`)}\n3 errors generated.`;
  const tsc = lines(4, (i) => `src/app${i}.ts(${10 + i},5): error TS2322: Type 'string' is not assignable to type 'number'.`);
  const javac = "src/A.java:10: error: cannot find symbol\n        foo();\n        ^\n  symbol:   method foo()\n  location: class A\nsrc/B.java:4: error: ';' expected\n        int x = 1\n                 ^\n2 errors";
  const kotlin = lines(3, (i) => `w: file:///home/dev/app/src/main/kotlin/A${i}.kt:${12 + i}:9 Variable 'count' is never used`);
  const eslint = "/home/dev/web/src/app.js\n   1:10  error    'helper' is defined but never used  no-unused-vars\n   4:3   warning  Unexpected console statement        no-console\n  12:7   error    'tmp' is assigned a value but never used  no-unused-vars\n\n✖ 3 problems (2 errors, 1 warning)";

  it.each([
    ["rustc/clippy", rust(3)],
    ["gcc", gcc],
    ["clang", clang],
    ["tsc", tsc],
    ["javac", javac],
    ["kotlin (gradle)", kotlin],
    ["eslint", eslint],
    ["eslint (unix)", lines(4, (i) => `/home/dev/web/src/m${i}.js:${3 + i}:7: Unexpected console statement. [Warning/no-console]`)],
  ])("%s output is a log", (_name, text) => {
    expect(detect(text).kind).toBe("log");
  });

  it("leaves rg hits that mention errors, and a source file that prints them, alone", () => {
    const rg = lines(8, (i) => `src/report.c:${10 + i}:    fprintf(stderr, "error: bad input %d\\n", n${i});`);
    expect(detect(rg).kind).toBe("search");
    const src = `#include <stdio.h>\n\nint main(void) {\n  fprintf(stderr, "warning: unused\\n");\n  fprintf(stderr, "error: failed\\n");\n  return 1;\n}\n`;
    expect(detect(src, { fileName: "main.c" })).toMatchObject({ kind: "code", language: "c" });
  });
});

describe("sampledLines", () => {
  // The reference: split every line, then keep a third of 400 from the start, middle and end.
  const reference = (text: string) => {
    const lines = text.split(/\r?\n/);
    if (lines.length <= 400) return lines;
    const mid = Math.floor(lines.length / 2) - 66;
    return [...lines.slice(0, 133), ...lines.slice(mid, mid + 133), ...lines.slice(lines.length - 133)];
  };
  it("equals splitting every line and sampling, whatever the line breaks", () => {
    const pieces = ["a", "", "\r", "b\r", " x ", "\r\r"];
    for (const n of [0, 1, 2, 399, 400, 401, 402, 1000, 1001]) {
      const text = Array.from({ length: n }, (_, i) => `${i}${pieces[i % pieces.length]}`).join(n % 2 ? "\r\n" : "\n");
      expect(sampledLines(text)).toEqual(reference(text));
    }
    expect(sampledLines("a\r\n\r\nb\n\r")).toEqual(reference("a\r\n\r\nb\n\r"));
  });
});

describe("detect: prose words", () => {
  it("counts words across any blank, not only spaces", () => {
    const line = "Alpha\u00a0beta\u2003gamma\tdelta epsilon.";
    expect(detect(Array.from({ length: 8 }, () => line).join("\n")).kind).toBe("prose");
  });
});
