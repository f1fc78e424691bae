import { describe, expect, it } from "vitest";
import { ccrKey, findMarkerHashes, hasMarker, marker, MARKER_HASH_PATTERN } from "./markers.js";

describe("marker recognition", () => {
  const key = ccrKey("some original");

  it("recognises our markers by their whole form", () => {
    const m = marker("85 items compressed to 15", key);
    expect(hasMarker(`before\n${m}\nafter`)).toBe(true);
    expect(findMarkerHashes(`${m} and again ${m}`)).toEqual([key]);
    // Summaries may hold brackets of their own (the log compressor's `[×N more like …]`).
    const nested = marker("log: 9 lines compressed to 2 (1 template; [×N more like …] summarizes repeats)", key);
    expect(findMarkerHashes(nested)).toEqual([key]);
  });

  it("does not take a URL's hash= parameter or a longer digest for a marker", () => {
    const zeek = "GET\t/ajax/x.php?v=2&hash=1fd6e6ea7c1f3e8bfa5a5c2b7dbe4e0b2a4e9c11&t=1\t200";
    expect(hasMarker(zeek)).toBe(false);
    expect(findMarkerHashes(zeek)).toEqual([]);
    expect(hasMarker(`see hash=${key} for more`)).toBe(false);
    expect(hasMarker(`[x. Retrieve more: hash=${key}0]`)).toBe(false);
  });

  it("keeps the wire pattern LiteLLM extracts matching every marker we emit", () => {
    const m = marker("12 lines elided", key);
    expect([...m.matchAll(MARKER_HASH_PATTERN)].map((x) => x[1])).toEqual([key]);
  });
});
