import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, estimateTokenizer, findMarkerHashes, type CompressContextV2, type CompressorResultV2 } from "@headroom/core";
import { createMockContext, createUnit } from "@headroom/core/testing";
import { keepBudget } from "@headroom/text";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toUnits } from "./units.js";
import { compressProse, GAP, headroomPlugin, PROSE_CURVE, splitBlocks, splitSentences, tidyProse } from "./index.js";
import { visibleText } from "./score.js";

const count = (t: string) => estimateTokenizer.count(t);
const ctx = (text: string, over: Partial<CompressContextV2> = {}) => createMockContext({ inputTokens: count(text), ...over });
const unit = (text: string, query?: string) => createUnit(text, query ? { query } : {});
const run = (text: string, query?: string, over: Partial<CompressContextV2> = {}) => headroomPlugin().compress(unit(text, query), ctx(text, over)) as CompressorResultV2 | { decline: string };

const topics = ["caching", "routing", "logging", "retries", "timeouts", "metrics", "tracing", "storage"];
function doc(): string {
  const out = ["# Operations guide", ""];
  for (const [i, t] of topics.entries()) {
    out.push(`## ${t[0]!.toUpperCase()}${t.slice(1)}`, "");
    for (let p = 0; p < 3; p++) {
      out.push(
        `The ${t} layer is described here in general terms for readers who are new to it. It was designed over several releases by many people.`,
        `Operators usually leave the ${t} defaults alone and rarely need to revisit them. Paragraph ${p} repeats the overview in other words for ${t}.`,
        "",
      );
    }
    out.push(`Set \`${t.toUpperCase()}_LIMIT=${100 + i}\` to change the ${t} limit.`, "");
    out.push("```sh", `headroom ${t} --limit ${100 + i}`, "```", "", `- ${t} item one`, `- ${t} item two`, "", "| key | value |", "|---|---|", `| ${t} | ${i} |`, "");
  }
  return out.join("\n");
}

const WORDS = "alpha bravo cache delta engine fetch gamma host index join kernel lease merge node offset parse queue route shard token".split(" ");
/** A document of `n` distinct sentences in sections of ten (no two near-duplicates). */
function varied(n: number): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    if (k % 10 === 0) out.push("", `## Part ${k / 10}`, "");
    const w = (j: number) => WORDS[(k * 7 + j * 13 + Math.floor(k / 20)) % WORDS.length]!;
    out.push(`The ${w(1)} ${w(2)} step ${k} reads ${w(3)} before ${w(4)} and ${w(5)} when ${w(6)} ${w(7)} is set.`);
  }
  return out.join("\n");
}

describe("blocks", () => {
  it("keeps code fences, list items, tables and headings intact", () => {
    const lines = ["# T", "", "Para one. Para two.", "", "```js", "a()", "", "b()", "```", "- item", "  continued", "- next", "", "| a | b |", "|---|---|", "", "Title", "=====", "", "    indented code", "    more"];
    const kinds = splitBlocks(lines).map((b) => `${b.kind}:${b.start}-${b.end}`);
    expect(kinds).toEqual(["heading:0-1", "blank:1-2", "para:2-3", "blank:3-4", "code:4-9", "item:9-11", "item:11-12", "blank:12-13", "table:13-15", "blank:15-16", "heading:16-18", "blank:18-19", "code:19-21"]);
  });
  it("splits sentences verbatim and not after abbreviations", () => {
    const t = "First one, e.g. this. Second one!\nThird on a new line? Yes.";
    const s = splitSentences(t);
    expect(s.join("")).toBe(t);
    expect(s).toHaveLength(4);
  });
  it("treats # lines of a commented config file as comments, not headings", () => {
    const lines = ["# The port to listen on.", "# Default 6379.", "port 6379", "", "# Timeout in seconds.", "timeout 0"];
    expect(splitBlocks(lines).some((b) => b.kind === "heading")).toBe(false);
  });
});

describe("nested structure", () => {
  const kinds = (lines: string[]) => splitBlocks(lines).filter((b) => b.kind !== "blank").map((b) => `${b.kind}:${b.start}-${b.end}`);
  it("splits a nested list into items instead of one indented code block", () => {
    const lines = ["1. Files that match:", "      1. `.gitignore` globs. More text.", "      2. `.ignore` globs, which take precedence.", "2. Hidden files."];
    expect(kinds(lines)).toEqual(["item:0-1", "item:1-2", "item:2-3", "item:3-4"]);
  });
  it("reads a reST `::` block as literal code split at blank lines, at any indentation", () => {
    const lines = ["For example::", "", "   ~= 0.9, >= 1.0", "", "   == 1.1", "", "After."];
    expect(kinds(lines)).toEqual(["para:0-1", "code:2-3", "code:4-5", "para:6-7"]);
  });
  it("gives a directive's head its own unit and splits a non-literal body (list-table) into items", () => {
    const lines = [".. list-table:: Overhead on bench 1.0", "   :header-rows: 1", "", "   * - One thread", "     - 6%", "", ".. code-block:: sh", "", "   make", "", "   make test"];
    expect(kinds(lines)).toEqual(["code:0-2", "item:3-4", "item:4-5", "code:6-7", "code:8-9", "code:10-11"]);
  });
  it("splits list items into sentences, but not inside quotes or after an enumerator, and merges fragments", () => {
    const lines = ['- Revert "drop charset. Closes #1" (breaks. clients). Second sentence here.', "", "3. Numbered item text. For example::"];
    const units = toUnits(lines, splitBlocks(lines)).map((u) => u.text);
    expect(units).toEqual(['- Revert "drop charset. Closes #1" (breaks. clients). ', "Second sentence here.", "3. Numbered item text. For example::"]);
  });
  it("scores by visible words: link targets and HTML are not content", () => {
    expect(visibleText('<img src="https://x.org/a.png"> see [docs](https://x.org/docs) or https://y.org')).toBe("  see [docs] or  ");
  });
});

describe("compressProse", () => {
  const text = doc();
  it("keeps the heading skeleton, query-relevant facts, and reaches the target ratio", () => {
    const r = compressProse(text, count, { query: "how do I change the retries limit?" })!;
    for (const t of topics) expect(r.text).toContain(`## ${t[0]!.toUpperCase()}${t.slice(1)}`);
    expect(r.text).toContain("RETRIES_LIMIT=103");
    expect(count(r.text)).toBeLessThan(count(text) * 0.6);
    expect(r.text).toContain(GAP);
  });
  it("drops near-duplicates and marks what it drops with recoverable markers", () => {
    const r = compressProse(text, count, { targetRatio: 0.3 })!;
    const hashes = findMarkerHashes(r.text);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(r.originals.some((o) => o.key === h)).toBe(true);
    expect(r.originals.find((o) => o.key === ccrKey(text))?.content).toBe(text);
  });
  it("keeps what a kept sentence announces with a colon: the next block, or a list's items", () => {
    // Salient filler (numbers, versions) outranks the bare list items on its own.
    const filler = (t: string) => Array.from({ length: 12 }, (_, k) => `Release ${k}.${k + 1} of the ${t} scheme changed ${k * 7} defaults in version ${k}.0.`).join(" ");
    const src = [
      "# Guide", "", filler("history"), "", "## Versions", "", "Versions follow this scheme, defined here:", "", "    [N!]N(.N)*", "", filler("versions"),
      "", "## Operators", "", "The operator decides the version clause kind:", "", "* `~=`: compatible", "* `==`: matching", "* `===`: arbitrary equality", "", filler("operators"), "",
    ].join("\n");
    const r = compressProse(src, count, { query: "which version scheme is defined and which operator kinds?", targetRatio: 0.3 })!;
    expect(r.text).toContain("Versions follow this scheme, defined here:");
    expect(r.text).toContain("[N!]N(.N)*");
    expect(r.text).toContain("The operator decides the version clause kind:");
    expect(r.text).toContain("* `===`: arbitrary equality");
    expect(count(r.text)).toBeLessThan(count(src) * 0.4);
  });
  it("keeps less when bias is higher", () => {
    // Above the curve's floor (below it nothing is dropped for size): the guide with distinct paragraphs.
    const big = varied(1200);
    const a = compressProse(big, count, { bias: 1 })!;
    const b = compressProse(big, count, { bias: 2 })!;
    expect(count(b.text)).toBeLessThan(count(a.text));
  });
  it("every kept line is verbatim from the input or a marked omission", () => {
    const r = compressProse(text, count)!;
    const src = new Set(text.split("\n"));
    for (const l of r.text.split("\n")) {
      if (!l || src.has(l) || l.startsWith("[") || l.includes(GAP)) continue;
      // a paragraph reduced to some of its sentences: each piece is a substring of the input
      expect(text).toContain(l);
    }
  });
});

describe("tidyProse (lossless)", () => {
  it("collapses blank runs and trailing spaces, but not inside code fences", () => {
    expect(tidyProse("a  \t\n\n\n\nb\n```\nx   \n\n\n```\n")).toBe("a\n\nb\n```\nx   \n\n\n```\n");
  });
});

describe("plugin", () => {
  it("is lossless without a store and lossy with one", () => {
    const p = headroomPlugin();
    expect(p).toMatchObject({ specificationVersion: "v2", name: "prose", kinds: ["prose"] });
    const text = doc();
    expect(run(text, undefined, { allowLossy: false })).toEqual({ decline: "lossless mode and nothing to tidy" });
    const messy = text.replace(/\n\n/g, "\n\n\n\n");
    const l = run(messy, undefined, { allowLossy: false }) as CompressorResultV2;
    expect(l.lossless).toBe(true);
    expect(l.originals).toBeUndefined();
    const r = run(text, "timeouts") as CompressorResultV2;
    expect(r.lossless).toBe(false);
    expect(r.originals!.length).toBeGreaterThan(0);
  });

  const arb = fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.array(fc.constantFrom("# H", "Some sentence here. Another one.", "", "```", "- item", "| a |", "\r", "\ud800 lone", "====", "    code", ".. note::", ".. list-table:: T", "   :widths: auto", "   * - cell", "For example::", "   literal", "      1. nested item. Two.", '- "quoted. Text" (a. b):', "\t- tab item"), { maxLength: 80 }).map((a) => a.join("\n")),
    fc.array(fc.constantFrom("Word salad sentence.", "", "## Head"), { maxLength: 80 }).map((a) => a.join("\r\n")),
  );
  it("never throws, is deterministic and never longer than its input (fast-check)", () => {
    for (const allowLossy of [true, false]) {
      fc.assert(
        fc.property(arb, (s) => {
          const a = run(s, undefined, { allowLossy });
          const b = run(s, undefined, { allowLossy });
          expect(a).toEqual(b);
          if (!("text" in a)) return;
          expect(a.text.length).toBeLessThan(s.length);
          expect(a.outputTokens).toBe(count(a.text));
          // Lossy output: every piece between omission marks is verbatim input; markers are the rest.
          if (allowLossy)
            for (const l of a.text.split("\n"))
              if (!/hash=[a-f0-9]{24}\]$/.test(l)) for (const piece of l.split(GAP)) expect(s).toContain(piece.trim());
        }),
        { numRuns: 100 },
      );
    }
  });

  it("survives a 10 MB input", () => {
    const d = doc();
    const big = d.repeat(Math.ceil(10_000_000 / d.length)).slice(0, 10_000_000);
    const r = run(big) as CompressorResultV2;
    expect(r.text.length).toBeLessThan(big.length);
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.HEADROOM_CORPUS ?? path.resolve(here, "../../../../shared/corpus");
const textDir = path.join(corpus, "text");
if (!existsSync(textDir)) console.warn(`corpus not found at ${textDir}: skipping`);
describe.skipIf(!existsSync(textDir))("corpus text", () => {
  // Savings follow the size-aware curve, not a fixed ratio: each case stays within its budget, the
  // corpus as a whole saves at least 35% (token-weighted), and every probe answer stays recoverable.
  it("keeps each case within the curve's budget and every probe answer recoverable from the stored original", () => {
    let before = 0;
    let after = 0;
    for (const f of readdirSync(textDir).filter((x) => x.endsWith(".json"))) {
      const c = JSON.parse(readFileSync(path.join(textDir, f), "utf8")) as { content: string; query: string; probes: { answers: string[] }[] };
      const n = count(c.content);
      const r = compressProse(c.content, count, { query: c.query });
      const out = r ? r.tokens : n;
      expect(out, f).toBeLessThanOrEqual(Math.max(keepBudget(n, PROSE_CURVE) * 1.05, 150) + 60);
      before += n;
      after += out;
      if (!r) continue;
      const recoverable = [r.text, ...findMarkerHashes(r.text).map((h) => r.originals.find((o) => o.key === h)!.content)].join("\n");
      for (const p of c.probes) for (const a of p.answers) expect(recoverable, f).toContain(a);
    }
    expect(1 - after / before).toBeGreaterThanOrEqual(0.35);
  });
});

describe("long code blocks", () => {
  it("are selected line by line: fences stay, the lines the question is about are kept, gaps are marked", () => {
    const filler = Array.from({ length: 40 }, (_, k) => `Paragraph ${k} explains part ${k} of the client in some detail, with words about setup and use.`).join(" ");
    const config = ["```js", "{", ...Array.from({ length: 60 }, (_, k) => `  option${k}: ${k}, // what option ${k} does`), "  maxRedirects: 21, // default", "}", "```"];
    const src = ["# Client", "", filler, "", "## Config", "", ...config, "", filler, ""].join("\n");
    const r = compressProse(src, count, { query: "what is the default for maxRedirects?", targetRatio: 0.3 })!;
    expect(r.text).toContain("  maxRedirects: 21, // default");
    expect(r.text).toContain("```js");
    expect(r.text.match(/^```$/gm)?.length).toBe(1);
    expect(r.text).toContain(GAP);
  });
});
