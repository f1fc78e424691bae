import { describe, expect, it } from "vitest";
import { keepRatio } from "./budget.js";
import { chooseKept, isProtectedWord, render, segment } from "./segment.js";

describe("isProtectedWord", () => {
  it("keeps numbers, identifiers, paths, URLs, flags and constants", () => {
    for (const w of ["42", "v1.2.3", "2019-04-01", "getUserName", "max_retries", "Foo::bar", "src/index.ts", "./run.sh", "https://example.com/a", "config.yaml", "parse()", "HTTP", "--verbose", "a=b", "#123", "@alice"]) expect(isProtectedWord(w), w).toBe(true);
  });
  it("lets plain words go", () => {
    for (const w of ["the", "quickly", "Because", "morning,", "e.g.", "(see"]) expect(isProtectedWord(w), w).toBe(false);
  });
});

describe("segment", () => {
  const text = ["# Title words here", "", "The first line of a paragraph.", "- an item with `some code span` inside", "> quoted line said \"keep this phrase\" today", "", "```js", "const x = the + of;", "```", "| a | b |", "|---|---|", ""].join("\n");
  const seg = segment(text, "what about the paragraph");

  it("keeps headings, code fences and tables verbatim and gives other lines their prefix", () => {
    const verbatim = seg.lines.filter((l) => l.verbatim).map((l) => l.text);
    expect(verbatim).toEqual(expect.arrayContaining(["# Title words here", "```js", "const x = the + of;", "```", "| a | b |", "|---|---|"]));
    const item = seg.lines.find((l) => l.text.startsWith("- an item"))!;
    expect(item.prefix).toBe("- ");
    expect(seg.lines.find((l) => l.text.startsWith(">"))!.prefix).toBe("> ");
  });

  it("protects code spans, quoted strings and query terms, and marks sentence ends", () => {
    const p = (w: string) => seg.words.find((x) => x.text === w)!;
    expect(p("`some").protect).toBe(true);
    expect(p("span`").protect).toBe(true);
    expect(p('"keep').protect).toBe(true);
    expect(p('phrase"').protect).toBe(true);
    expect(p("paragraph.").protect).toBe(true); // query term
    expect(p("first").protect).toBe(false);
    expect(p("paragraph.").boundary).toBe(true);
    expect(p("today").boundary).toBe(true); // end of line
  });

  it("renders what it is told to keep, line by line, with the markup intact", () => {
    const keep = seg.words.map((w) => w.protect || /^[A-Z]/.test(w.text));
    const out = render(seg, keep);
    expect(out).toContain("# Title words here");
    expect(out).toContain("```js\nconst x = the + of;\n```");
    expect(out).toContain("| a | b |\n|---|---|");
    expect(out).toContain("The paragraph.");
    expect(out).toContain("- `some code span`");
    expect(out).toContain('> "keep this phrase"');
    expect(out.endsWith("\n")).toBe(true);
    // Keeping everything reproduces the input's lines (blank runs collapsed only).
    expect(render(seg, seg.words.map(() => true))).toBe(text);
  });
});

describe("chooseKept", () => {
  const seg = segment("alpha beta gamma delta 42 epsilon zeta eta theta iota kappa lambda.");
  const probs = seg.words.map((_, i) => (i * 7919) % 13 / 13);

  it("keeps protected words and fills the budget by probability, deterministically", () => {
    const a = chooseKept(seg.words, probs, 0.5);
    expect(a).toEqual(chooseKept(seg.words, probs, 0.5));
    expect(a[seg.words.findIndex((w) => w.text === "42")]).toBe(true);
    const chars = (k: boolean[]) => seg.words.reduce((s, w, i) => s + (k[i] ? w.text.length + 1 : 0), 0);
    const total = chars(seg.words.map(() => true));
    expect(chars(a)).toBeGreaterThanOrEqual(total * 0.5);
    expect(chars(a)).toBeLessThan(total * 0.75);
    // A word with a higher probability is never dropped while a lower one among the free words is kept.
    const free = seg.words.map((_w, i) => i).filter((i) => !seg.words[i]!.protect);
    const minKept = Math.min(...free.filter((i) => a[i]).map((i) => probs[i]!));
    const maxDropped = Math.max(...free.filter((i) => !a[i]).map((i) => probs[i]!));
    expect(minKept).toBeGreaterThanOrEqual(maxDropped);
  });

  it("keeps everything at ratio 1 and only protected words at ratio 0", () => {
    expect(chooseKept(seg.words, probs, 1).every(Boolean)).toBe(true);
    expect(chooseKept(seg.words, probs, 0)).toEqual(seg.words.map((w) => w.protect));
  });
});

describe("keepRatio", () => {
  it("keeps everything when small and goes down towards the floor when large", () => {
    expect(keepRatio(100)).toBe(1);
    expect(keepRatio(250)).toBe(1);
    expect(keepRatio(1000)).toBeGreaterThan(0.55);
    expect(keepRatio(1000)).toBeLessThan(0.7);
    expect(keepRatio(100_000)).toBeCloseTo(0.33, 5);
    for (let t = 260; t < 20_000; t *= 1.5) expect(keepRatio(t * 1.5)).toBeLessThanOrEqual(keepRatio(t));
    expect(keepRatio(5000, 2)).toBeLessThan(keepRatio(5000));
  });
});
