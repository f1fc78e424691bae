import { describe, expect, it } from "vitest";
import { Bm25Index, FUNCTION_WORDS, STOPWORDS, bm25Idf, queryWords, rankBm25 } from "./index.js";

const docs = [
  "block blk_1 replicated to node 3",
  "block blk_2 deleted",
  "heartbeat ok",
  "heartbeat ok",
  "lookupKeyRead served key read from replica",
];

describe("Bm25Index", () => {
  it("weights rare terms more and saturates term frequency", () => {
    const idx = new Bm25Index(docs.map((d) => d.split(" ")));
    expect(idx.df("block")).toBe(2);
    expect(idx.idf("replicated")).toBeGreaterThan(idx.idf("block"));
    expect(bm25Idf(5, 5)).toBeGreaterThan(0); // Lucene's IDF never goes negative
    expect(idx.score(0, ["replicated"])).toBeGreaterThan(idx.score(1, ["replicated"]));
    expect(idx.score(2, ["replicated"])).toBe(0);
  });

  it("accepts weighted frequencies, and b = 0 ignores length", () => {
    const idx = new Bm25Index([new Map([["timeout", 1]]), new Map([["timeout", 0.5], ["other", 9]]), new Map([["x", 1]])], { b: 0 });
    expect(idx.score(0, ["timeout"])).toBeGreaterThan(idx.score(1, ["timeout"]));
    const f = 0.5;
    expect(idx.score(1, ["timeout"])).toBeCloseTo((idx.idf("timeout") * f * 2.2) / (f + 1.2));
  });
});

describe("rankBm25", () => {
  it("ranks by query words without stopwords, best first, leaving out non-matches", () => {
    expect(queryWords("which block was replicated?")).toEqual(["block", "replicated"]);
    expect(queryWords("what is it")).toEqual(["what", "is", "it"]);
    // Modals and verbs are identifier parts here (`should_strip_auth`, `getAll`): only function words go.
    expect(queryWords("what should get all?")).toEqual(["should", "get", "all"]);
    expect(queryWords("what should get all?", STOPWORDS)).toEqual(["what", "should", "get", "all"]);
    const r = rankBm25(docs, "which block was replicated?");
    expect(r.map((s) => s.index)).toEqual([0, 1]);
    expect(rankBm25(docs, "key read")[0]!.index).toBe(4);
  });

  it("ignores ubiquitous terms when the query has specific ones, and rewards a whole-phrase match", () => {
    const rows = ['{"level":"info","msg":"started"}', '{"level":"info","msg":"disk full"}', '{"level":"info","msg":"full scan done"}'];
    expect(rankBm25(rows, "level disk").map((s) => s.index)).toEqual([1]);
    const phrase = rankBm25(["full disk here", "disk full"], "disk full");
    expect(phrase[0]!.index).toBe(1);
  });

  it("takes other stopwords", () => {
    const code = ["should_strip_auth(url)", "strip(x)"];
    // `should` names the symbol, and makes `strip` (in every document) ubiquitous.
    expect(rankBm25(code, "should strip").map((s) => s.index)).toEqual([0]);
    // Dropping it as a question word leaves only `strip`: the shorter document wins.
    expect(rankBm25(code, "should strip", { stopwords: STOPWORDS }).map((s) => s.index)).toEqual([1, 0]);
    for (const w of FUNCTION_WORDS) expect(STOPWORDS.has(w)).toBe(true);
  });

  it("keeps document order on ties", () => {
    expect(rankBm25(["a error", "b error", "c"], "error").map((s) => s.index)).toEqual([0, 1]);
  });
});
