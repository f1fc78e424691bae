// One test per selection heuristic, each on a small fixture of its own.
import { estimateTokenizer, findMarkerHashes, type CompressorResultV2 } from "@headroom/core";
import { checkCompressor, createMockContext, createUnit } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { splitBlocks, type Unit } from "./blocks.js";
import { toUnits } from "./units.js";
import { compressProse, headroomPlugin } from "./index.js";
import { isRoff, roffDetector } from "./detect.js";
import { headingRelevance, Lexicon, scoreUnits as scoreWith } from "./score.js";
import { announcersOf, followersOf, leadsOf, rankUnits, selectUnits, unitKeys } from "./select.js";
import { hasWords } from "./sentences.js";

const count = (t: string) => estimateTokenizer.count(t);
const lexiconOf = (units: readonly Unit[]) => {
  const lexicon = new Lexicon();
  return { lexicon, words: units.map((u) => lexicon.words(u.text)) };
};
const scoreUnits = (units: readonly Unit[], query: string | undefined) => {
  const { lexicon, words } = lexiconOf(units);
  return scoreWith(units, query, words, lexicon);
};
const unitsOf = (text: string) => {
  const lines = text.split("\n");
  return toUnits(lines, splitBlocks(lines));
};
const WORDS = "amber basalt cobalt dune ember flint garnet harbor iris jasper kelp lichen marble nectar opal pumice quartz reef slate tundra".split(" ");
/** A made-up word naming `n` (letters only): makes every filler sentence distinct. */
const name = (n: number): string => (n < 20 ? "" : name(Math.floor(n / 20))) + "bcdfghjklmnpqrstvwz"[n % 19]! + "aeiou"[n % 5]!;
/** `n` distinct filler sentences (no query words, no numbers). */
const filler = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, k) => {
    const w = (j: number) => WORDS[(k * 7 + j * 11 + seed * 3) % WORDS.length]!;
    return `The ${w(1)} ${name(seed * 1000 + k)} sits beside ${w(3)} while ${w(4)} drifts over ${w(5)} slowly.`;
  }).join(" ");

describe("block structure", () => {
  it("splits a block quote into its paragraphs and sentences, not one quote-long unit", () => {
    const text = ["> First quoted sentence is here.", "> Second quoted sentence is here.", ">", "> A new quoted paragraph starts."].join("\n");
    const units = unitsOf(text).map((u) => u.text.trim());
    expect(units).toEqual(["> First quoted sentence is here.\n>", "Second quoted sentence is here.", "> A new quoted paragraph starts."]);
  });
  it("makes each man-page entry (`.TP` / `.BI` / description) a unit and `.SH` a heading", () => {
    const text = [".SH OPTIONS", ".TP", '.BI "\\-\\-tabstop=" N', "Number of spaces for a tab (default: 8)", ".TP", '.BI "\\-\\-algo=" TYPE', "Matching algorithm (default: v2)"].join("\n");
    const lines = text.split("\n");
    const blocks = splitBlocks(lines).map((b) => `${b.kind}:${b.start}-${b.end}`);
    expect(blocks).toEqual(["heading:0-1", "para:1-4", "para:4-7"]);
    expect(toUnits(lines, splitBlocks(lines))[0]!.headings).toBe("OPTIONS");
  });
  it("reads `#` lines that stand alone between blank lines as headings even when they are dense", () => {
    const text = ["# Changes", "", "## 1.2.0", "", "- Fix the amber parser.", "", "## 1.1.0", "", "- Add basalt.", "", "## 1.0.0", "", "- First."].join("\n");
    expect(splitBlocks(text.split("\n")).filter((b) => b.kind === "heading")).toHaveLength(4);
    const conf = ["# The port to listen on.", "# Use 0 to disable.", "port 6379", "", "# Timeout.", "timeout 0"].join("\n");
    expect(splitBlocks(conf.split("\n")).some((b) => b.kind === "heading")).toBe(false);
  });
  it("marks `key: literal` lines of a long listing as settings, not calls or blocks", () => {
    const listing = ["```js", "{", ...Array.from({ length: 24 }, (_, k) => `  handler${k}: function (x) {`), "  adapter: 'xhr', // 'fetch' | 'http'", "  timeout: 0,", "}", "```"].join("\n");
    const settings = unitsOf(listing).filter((u) => u.setting).map((u) => u.text.trim());
    expect(settings).toEqual(["adapter: 'xhr', // 'fetch' | 'http'", "timeout: 0,"]);
  });
});

describe("detection", () => {
  it("claims man-page sources as prose, and nothing else", () => {
    const man = [".TH FIND 1", ".SH NAME", "find \\- search for files", ".SH OPTIONS", ".TP", ".B \\-L", "Follow symbolic links."].join("\n");
    expect(roffDetector.detect(man, {})).toEqual({ kind: "prose", confidence: 0.6 });
    expect(isRoff("# Title\n\nA paragraph.\n.SH is mentioned here once.")).toBe(false);
    expect(isRoff(["diff --git a/f.1 b/f.1", "+.SH NAME", "+.TH F 1"].join("\n"))).toBe(false);
  });
});

describe("scores", () => {
  it("raises a sentence that states a default value", () => {
    const [a, b] = scoreUnits(unitsOf("The ember option sets the tundra basalt width (default: 8). The ember option sets the tundra basalt width for slate."), undefined);
    expect(a!).toBeGreaterThan(b! + 0.9);
  });
  it("counts a capitalised normative word (`Note that …`) like a lower-case one", () => {
    const [a, b] = scoreUnits(unitsOf("Note that the amber reef includes the quartz basalt. Then the amber reef includes the quartz basalt."), undefined);
    expect(a!).toBeGreaterThan(b!);
  });
  it("raises a sentence that touches many of the question's distinct terms above one that repeats a few", () => {
    const text = `${filler(6)} Locking and reference counting dominate the measured overhead. Counting counting counting references overhead here. ${filler(6, 1)}`;
    const units = unitsOf(text);
    const s = scoreUnits(units, "what locking, reference-counting and overhead were measured?");
    const wide = units.findIndex((u) => u.text.startsWith("Locking"));
    const narrow = units.findIndex((u) => u.text.startsWith("Counting"));
    expect(s[wide]!).toBeGreaterThan(s[narrow]!);
  });
  it("ignores query terms found in most heading paths (the document's title word)", () => {
    // (Two paragraphs per section: a text whose lines are mostly `#` lines reads as a config file.)
    const para = (seed: number) => filler(3, seed).replace(/\. /g, ".\n");
    const sections = Array.from({ length: 8 }, (_, k) => `## Time usage ${k}\n\n${para(k)}`).join("\n\n");
    const text = `# Monotonic time\n\n${para(40)}\n\n${sections}\n\n## Representation\n\n${filler(1, 9)}`;
    const units = unitsOf(text);
    const hits = headingRelevance(units, "how is monotonic time represented?");
    expect(hits.slice(0, -1).every((h) => h === 0)).toBe(true);
    expect(hits[units.length - 1]).toBe(1);
  });
});

describe("selection", () => {
  it("spends at most a share of the budget on one unit per section", () => {
    // 60 one-sentence sections: the per-section pass must not take the whole budget.
    const text = Array.from({ length: 60 }, (_, k) => `## S${k}\n\n${filler(1, k)}`).join("\n\n");
    const units = unitsOf(text);
    const costs = units.map((u) => count(u.text));
    const scores = units.map(() => 1);
    const target = 200;
    const ranked = rankUnits(units, scores, costs, target, units.map(() => 0));
    let spent = 0;
    let firstPass = 0;
    for (const i of ranked) {
      if (i !== firstPass) break; // equal scores: the first pass takes units in order until its share runs out
      spent += costs[i]!;
      firstPass++;
    }
    expect(spent).toBeLessThanOrEqual(target * 0.3);
  });
  it("drops near-duplicates of any kept unit, however far apart, and keeps distinct ones", () => {
    const a = "The amber reef holds quartz basalt and cobalt dune near the harbor today.";
    const text = [a, filler(40), a.replace("today", "now"), "Slate tundra opal pumice differ entirely from those."].join("\n\n");
    const units = unitsOf(text);
    const costs = units.map((u) => count(u.text));
    const input = { units, ranked: units.map((_, i) => i), costs, followers: units.map(() => []), leads: units.map(() => -1), announcers: units.map(() => -1), followerShare: 0, fixed: 0, duplicateThreshold: 0.75 };
    const { lexicon, words } = lexiconOf(units);
    const kept = selectUnits(input, unitKeys(units, words, lexicon), Infinity);
    expect(kept[units.length - 2]).toBe(false);
    expect(kept[units.length - 1]).toBe(true);
  });
  it("counts words of two or more letters, as a fragment test does", () => {
    expect(hasWords("See below.", 3)).toBe(false);
    expect(hasWords("For a b example::", 3)).toBe(false); // single letters are no words
    expect(hasWords("Set it up", 3)).toBe(true);
    expect(hasWords("Éa 12 x", 1)).toBe(false);
  });
  it("brings the sentence that announces an example along with the example", () => {
    const listing = Array.from({ length: 24 }, (_, k) => `    >>> f'{(x${k}:=10)}'  # line ${k}`);
    const text = ["# Rules", "", "- Assignment expressions inside of f-strings require parentheses. Example::", "", ...listing, "", "- Another rule about lambda forms and their binding strength.", ""].join("\n");
    const units = unitsOf(text);
    const announcers = announcersOf(units, followersOf(units));
    const intro = units.findIndex((u) => u.text.includes("require parentheses"));
    const lines = units.map((u, i) => (u.kind === "code" ? i : -1)).filter((i) => i >= 0);
    expect(lines.length).toBeGreaterThan(1); // a long block, kept line by line
    for (const i of lines) expect(announcers[i]).toBe(intro);
    expect(announcers[intro]).toBe(-1);
    // Only a late code line is offered: its announcement is kept with it.
    const costs = units.map((u) => count(u.text));
    const input = { units, ranked: [lines.at(-1)!], costs, followers: units.map(() => []), leads: units.map(() => -1), announcers, followerShare: 100, fixed: 0, duplicateThreshold: 2 };
    const { lexicon, words } = lexiconOf(units);
    const kept = selectUnits(input, unitKeys(units, words, lexicon), Infinity);
    expect(kept[intro]).toBe(true);
  });
  it("names each section's lead: the first sentence of its first paragraph", () => {
    const units = unitsOf(["# Seams", "", "A seam is brittle when it cracks. It bends too.", "", "- an item of the list", "", "A joint is brittle without a gusset.", "", "# Other", "", "Ok.", "", "Later text of the other section here."].join("\n"));
    const at = (t: string) => units.findIndex((u) => u.text.startsWith(t));
    const leads = leadsOf(units, units.map((u) => !u.text.startsWith("It bends")));
    expect(leads[at("It bends")]).toBe(-1); // not asked about: kept, if at all, for its own facts
    expect(leads[at("A joint")]).toBe(at("A seam"));
    expect(leads[at("A seam")]).toBe(-1); // the lead itself
    // A fragment of fewer than three words states nothing: the section's next paragraph leads.
    expect(leads[at("Later")]).toBe(-1);
  });
  it("keeps a section's defining first sentence with the later sentence the question picks from it", () => {
    const section = [
      "## Brittle seams",
      "",
      "A seam is considered brittle if we can show from the weave of its cloth alone, without any test on a sample of it, that it will always crack sooner or later. In particular, twill seams and satin seams are brittle, and so are felled seams whose outer fold is brittle.",
      "",
      "A joint is considered brittle if it has no gusset and its seam is brittle.",
    ].join("\n");
    // Short sentences with a number each elsewhere outrank the long, plain lead per token.
    const facts = (seed: number) => Array.from({ length: 30 }, (_, k) => `The ${name(seed * 100 + k)} gauge reads ${10 + k} units on the dial.`).join(" ");
    const text = ["# Tailoring", "", facts(1), "", section, "", "## Hems", "", facts(2), ""].join("\n");
    const r = compressProse(text, count, { query: "what does a gusset do?", targetRatio: 0.2 })!;
    expect(r.text).toContain("A joint is considered brittle if it has no gusset");
    expect(r.text).toContain("A seam is considered brittle if we can show from the weave of its cloth alone");
    expect(r.tokens).toBeLessThan(count(text) * 0.35);
  });
  it("shingle ids are sorted, unique and equal for texts differing only in stop words and case", () => {
    const lx = new Lexicon();
    const x = lx.shingles(lx.words("Amber reef holds quartz basalt, amber reef holds quartz"));
    expect([...x]).toEqual([...new Set(x)].sort((p, q) => p - q));
    expect([...lx.shingles(lx.words("the amber REEF holds the quartz basalt, amber reef holds the quartz"))]).toEqual([...x]);
  });
});

describe("budget", () => {
  it("keeps a text below the curve's floor whole (declines), dropping only exact repeats", () => {
    const para = "The amber reef holds quartz basalt and cobalt dune near the harbor.";
    const small = `# Notes\n\n${filler(10)}\n\n${para}`;
    expect(compressProse(small, count)).toBeUndefined();
    const repeated = `# Notes\n\n${filler(10)}\n\n${Array.from({ length: 30 }, () => para).join("\n\n")}`;
    const r = compressProse(repeated, count)!;
    expect(r.text.split(para).length - 1).toBe(1);
    expect(r.tokens).toBe(count(r.text));
    expect(findMarkerHashes(r.text).length).toBeGreaterThan(0);
  });
  it("cuts a large text harder than a mid-size one (no fixed ratio)", () => {
    const doc = (sections: number) => Array.from({ length: sections }, (_, k) => `## Part ${k}\n\n${filler(12, k)} Value ${k} is ${k * 3}.`).join("\n\n");
    const share = (t: string) => compressProse(t, count)!.tokens / count(t);
    expect(share(doc(400))).toBeLessThan(share(doc(40)) - 0.1);
  });
});

describe("long tables", () => {
  it("are selected row by row: the header and separator stay with the rows the question is about", () => {
    const rows = Array.from({ length: 40 }, (_, k) => `| ${name(k)} compiler | ${WORDS[(k * 3) % WORDS.length]} | partial support for ${WORDS[k % WORDS.length]} and ${WORDS[(k + 5) % WORDS.length]} |`);
    const src = ["# Support", "", filler(200), "", "## Compilers", "", "| compiler | version | notes |", "|---|---|---|", ...rows, "", filler(200, 7), ""].join("\n");
    const r = compressProse(src, count, { query: `what does the table say about ${name(17)}?`, targetRatio: 0.1 })!;
    expect(r.text).toContain("| compiler | version | notes |\n|---|---|---|");
    expect(r.text).toContain(rows[17]!);
    expect(r.text.split("\n").filter((l) => l.startsWith("| ")).length).toBeLessThan(rows.length);
  });
});

describe("plugin (spec v2)", () => {
  const doc = Array.from({ length: 40 }, (_, k) => `## Part ${k}\n\n${filler(10, k)} The limit of part ${k} is ${k * 5}.`).join("\n\n");
  it("passes checkCompressor on markdown, a man page, a quote and a tiny text", async () => {
    const man = [".TH T 1", ".SH OPTIONS", ...Array.from({ length: 200 }, (_, k) => `.TP\n.BI "\\-\\-opt${k}=" N\n${filler(2, k)} (default: ${k})`)].join("\n");
    const quote = Array.from({ length: 300 }, (_, k) => `> ${filler(2, k)}\n>`).join("\n");
    // Without the router no detector says "prose": the real compressor, offered for any kind.
    const report = await checkCompressor({ ...headroomPlugin(), kinds: ["*"] }, [
      { name: "markdown", text: doc, query: "what is the limit of part 7?", expect: "compressed" },
      { name: "man page", text: man, expect: "compressed" },
      { name: "quote", text: quote, expect: "compressed" },
      { name: "tiny", text: "One sentence only." },
    ]);
    expect(report.problems).toEqual([]);
  });
  it("returns the output's token count, keeps the question's exact tokens, and declines marked text", () => {
    const ctx = createMockContext({ inputTokens: count(doc) });
    const r = headroomPlugin().compress(createUnit(doc, { query: "what is the limit of part 7?" }), ctx) as CompressorResultV2;
    expect(r.outputTokens).toBe(count(r.text));
    expect(r.text).toContain("The limit of part 7 is 35.");
    const again = headroomPlugin().compress(createUnit(r.text), createMockContext({ inputTokens: r.outputTokens! }));
    expect(again).toEqual({ decline: "already compressed (carries a marker)" });
  });
  it("uses exact tokens of the tool arguments", () => {
    const ctx = createMockContext({ inputTokens: count(doc) });
    const r = headroomPlugin().compress(createUnit(doc, { source: { toolArgs: '{"pattern":"part 33"}' } }), ctx) as CompressorResultV2;
    expect(r.text).toContain("The limit of part 33 is 165.");
  });
  it("stops when the signal is aborted", () => {
    const ac = new AbortController();
    ac.abort(new Error("cut off"));
    const ctx = createMockContext({ inputTokens: count(doc), signal: ac.signal });
    expect(() => headroomPlugin().compress(createUnit(doc), ctx)).toThrow("cut off");
  });
});
