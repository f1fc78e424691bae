import { describe, expect, it } from "vitest";
import { STOPWORDS, isSpaceCode, splitIdentifier, tokenize } from "./index.js";

describe("splitIdentifier", () => {
  it("splits camelCase, snake_case and acronyms, keeping case", () => {
    expect(splitIdentifier("lookupKeyRead")).toEqual(["lookup", "Key", "Read"]);
    expect(splitIdentifier("max_retry_count")).toEqual(["max", "retry", "count"]);
    expect(splitIdentifier("parseHTTPHeader")).toEqual(["parse", "HTTP", "Header"]);
    expect(splitIdentifier("v2Api")).toEqual(["v2", "Api"]);
    expect(splitIdentifier("timeout")).toEqual(["timeout"]);
    expect(splitIdentifier("__init__")).toEqual(["init"]);
    expect(splitIdentifier("")).toEqual([]);
  });
});

describe("tokenize", () => {
  it("keeps identifiers whole and also emits their parts, lower-cased, in text order", () => {
    expect(tokenize("call lookupKeyRead(db, HTTPServer)")).toEqual(["call", "lookupkeyread", "lookup", "key", "read", "db", "httpserver", "http", "server"]);
    expect(tokenize("_private __")).toEqual(["_private", "__"]);
  });

  it("can emit parts only, filter by length and stopwords, and stem", () => {
    expect(tokenize("the retryCount of jobs", { whole: false })).toEqual(["the", "retry", "count", "of", "jobs"]);
    expect(tokenize("the retryCount of jobs", { whole: false, minLength: 3, stopwords: STOPWORDS })).toEqual(["retry", "count", "jobs"]);
    expect(tokenize("replicated blocks", { stem: true })).toEqual(["replicat", "block"]);
    expect(tokenize("Ünïcode naïveWord", { whole: false })).toEqual(["ünïcode", "naïve", "word"]);
  });
});

describe("isSpaceCode", () => {
  it("is JavaScript's \\s on every UTF-16 code unit", () => {
    for (let c = 0; c <= 0xffff; c++) expect(isSpaceCode(c), `U+${c.toString(16)}`).toBe(/\s/.test(String.fromCharCode(c)));
  });
});
