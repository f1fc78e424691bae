import { describe, expect, it } from "vitest";
import { keepBudget, keepChars, keepShare, queryTerms, relevance } from "./index.js";

describe("budget curve", () => {
  it("keeps small inputs whole and cuts large ones harder, smoothly", () => {
    expect(keepBudget(800)).toBe(800);
    const shares = [2_000, 10_000, 50_000, 200_000].map((n) => keepShare(n));
    for (let i = 1; i < shares.length; i++) expect(shares[i]!).toBeLessThan(shares[i - 1]!);
    expect(shares[0]!).toBeGreaterThan(0.6);
    expect(shares[3]!).toBeLessThan(0.1);
    // Kept tokens still grow with the input: a bigger input never keeps fewer tokens.
    expect(keepBudget(200_000)).toBeGreaterThan(keepBudget(50_000));
  });

  it("scales with bias and never exceeds the input", () => {
    expect(keepBudget(10_000, { bias: 2 })).toBeCloseTo(keepBudget(10_000) / 2);
    expect(keepBudget(10_000, { bias: 0.01 })).toBe(10_000);
    expect(keepBudget(10_000, { bias: Number.NaN })).toBe(keepBudget(10_000));
    expect(keepChars(4_000)).toBe(4_000);
  });
});

describe("query terms", () => {
  it("finds exact tokens (IPs, identifiers, paths, numbers, quoted strings) and words", () => {
    const t = queryTerms('Why did 183.60.244.30 hit /plus/heightsearch.php and what does lookupKeyRead do with "max-age"?');
    expect(t.exact).toEqual(expect.arrayContaining(["183.60.244.30", "/plus/heightsearch.php", "lookupKeyRead", "max-age"]));
    expect(t.words).toEqual(expect.arrayContaining(["hit", "lookupkeyread"]));
    expect(t.words).not.toContain("why");
  });

  it("takes exact tokens from tool arguments, not command noise", () => {
    const t = queryTerms(undefined, JSON.stringify({ command: "rg -n --heading readTimeout okhttp/src" }));
    expect(t.exact).toEqual(expect.arrayContaining(["readTimeout", "okhttp/src"]));
    expect(t.exact).not.toContain("--heading");
    expect(t.words).toEqual([]);
  });
});

describe("relevance", () => {
  const docs = ["GET / 200 10.0.0.1", "GET /login 200 10.0.0.2", "POST /login 401 10.0.0.9", "GET / 200 10.0.0.1", "GET /a 200 10.0.0.3"];
  it("weighs rare exact tokens above common words and ignores ubiquitous terms", () => {
    const r = relevance(queryTerms("which GET request came from 10.0.0.9 to login?"), docs);
    expect(r.active).toBe(true);
    expect(r.score(2)).toBeGreaterThan(r.score(1));
    expect(r.score(1)).toBeGreaterThan(0);
    expect(r.score(0)).toBe(0); // GET is in every document: not selective
    expect(r.exactHits(2)).toBe(1);
  });
  it("is inactive without selective terms", () => {
    expect(relevance(queryTerms("what happened?"), docs).active).toBe(false);
  });
});

describe("budget minShare", () => {
  it("keeps at least minShare above the floor, before bias", () => {
    const o = { floor: 250, exponent: 0.35, minShare: 0.33 };
    expect(keepShare(100_000, o)).toBeCloseTo(0.33);
    expect(keepShare(100_000, { ...o, bias: 2 })).toBeCloseTo(0.165);
    expect(keepShare(1000, o)).toBeCloseTo((250 / 1000) ** 0.35);
    expect(keepShare(200, o)).toBe(1);
  });
});
