import { describe, expect, it } from "vitest";
import { ANY_RULE, codeLikeness, detectLanguage, LANG_RULES } from "./language-rules.js";

/** The scoring as it was before the one-alternation filter: every rule tested on every line. */
function reference(lines: string[]): { lang?: string; score: number } {
  const score: Record<string, number> = {};
  let hits = 0;
  for (const line of lines) {
    let hit = false;
    for (const r of LANG_RULES) {
      if (r.has && !r.has.some((h) => line.includes(h))) continue;
      if (r.re.test(line)) {
        score[r.lang] = (score[r.lang] ?? 0) + r.w;
        hit = true;
      }
    }
    if (hit) hits++;
  }
  if (score.typescript) score.typescript += score.javascript ?? 0;
  if (score.cpp) score.cpp += score.c ?? 0;
  let best: string | undefined;
  for (const k of Object.keys(score).sort()) if (!best || score[k]! > score[best]!) best = k;
  const codeish = lines.filter((l) => /[{};()=]\s*$|^\s{2,}\S|^\s*(?:\/\/|#|\/\*|\*)/.test(l)).length;
  return { lang: best, score: lines.length ? (hits * 2 + codeish) / (lines.length * 2) : 0 };
}

// What the rules look for, and what sits around it: lines made of these hit many rules, several at once.
const FRAGMENTS = [
  "def ", "async def ", "class Foo(Base):", "from a.b import ", "import os", "@decorator", "elif ", "except E:", '"""', "package main", "func (s *S) Run(",
  "import (", "type T struct {", ":= ", "err != nil", "pub fn ", "impl<T> ", "use std::io;", "let mut ", "#[derive", "&mut ", "::new(", "-> Result<", "Option<",
  "Some(", "package a.b;", "import static a.B;", "public static void run(", "@Override", "#include <vector>", '#include "x.h"', "#define X", "#ifndef X",
  "static int f(", "typedef ", "std::", "template <", "namespace ns", "constexpr", "noexcept", "public:", "function f(", "const x = require(", "module.exports",
  "export default", "=> {", "this.x = ", "});", "interface I {", "type A = ", "): string", "private x: ", "<?php", "use App\\Models\\User;", "$this->", "$x = ",
  "echo $", "?>", "using System;", "namespace A.B;", "{ get; set; }", "async Task", "override ", "var x = new Y", "string[] args", "Console.Write", "end", " do |x|",
  ".each", "puts ", "unless ", "require 'x'", "module Foo", "attr_reader :x", "#!/usr/bin/env bash", "if [[ -z x ]]; then", "fi", "done", "set -euo pipefail",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's "${x}", which the bash rule looks for.
  "export X=", "local y=", '"${x}"', "$(cmd", 'echo "', "object O extends App", "val x = ", "match {", "case X =>", "fun f(", "companion object", "?.let {",
  "!!.", "when (x) {", " -> ", "guard let ", "if let x = ", "self.x = ", "@objc", "import Foundation", "struct S: P {", "  ", "    x = y;", "return 0;", "}", "{",
  "// note", "# note", "/* c */", " * c", "(", ")", "=", ";", "Hello, world.", "The quick brown fox", "2024-01-01 INFO", "a", "x.y", "\t",
];

/** A deterministic line mixer (a linear congruential generator): no randomness in the suite's runs. */
function mixedLines(n: number): string[] {
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  return Array.from({ length: n }, () => {
    const parts = 1 + (next() % 4);
    let line = "";
    for (let k = 0; k < parts; k++) line += (next() % 3 === 0 ? " " : "") + FRAGMENTS[next() % FRAGMENTS.length];
    return line;
  });
}

describe("language rules", () => {
  it("can be joined in one alternation: no flags, no backreferences", () => {
    for (const r of LANG_RULES) {
      expect(r.re.flags).toBe("");
      expect(r.re.source).not.toMatch(/\\[1-9]|\\k</);
    }
  });

  it("the alternation matches a line exactly when some rule does, and each `has` holds for every match", () => {
    const lines = [...FRAGMENTS, ...mixedLines(20_000)];
    let hits = 0;
    for (const line of lines) {
      const some = LANG_RULES.some((r) => r.re.test(line));
      expect(ANY_RULE.test(line), line).toBe(some);
      if (some) hits++;
      for (const r of LANG_RULES) if (r.has && r.re.test(line)) expect(r.has.some((h) => line.includes(h)), `${r.re} on ${line}`).toBe(true);
    }
    expect(hits).toBeGreaterThan(lines.length / 4);
    expect(hits).toBeLessThan(lines.length);
  });

  it("scores every sample as every rule tested on every line did", () => {
    const lines = mixedLines(6_000);
    for (let from = 0; from < lines.length; from += 300) {
      const sample = lines.slice(from, from + 300);
      expect(detectLanguage(sample)).toEqual(reference(sample));
      expect(codeLikeness(sample)).toBe(reference(sample).score);
    }
    expect(detectLanguage([])).toEqual(reference([]));
    expect(codeLikeness([])).toBe(0);
  });
});
