import { describe, expect, it } from "vitest";
import { parseSearch } from "./parse.js";
import { stem } from "@headroom/text";
import { rankMatches, words } from "./rank.js";

describe("rank", () => {
  it("splits identifiers and stems lightly", () => {
    expect(words("resolvedTimeout = TimeoutSauce(connect_timeout, HTTPRequest)")).toEqual([
      "resolv",
      "timeout",
      "timeout",
      "sauce",
      "connect",
      "timeout",
      "http",
      "request",
    ]);
    expect(stem("timeouts")).toBe("timeout");
    expect(stem("rejected")).toBe("reject");
    expect(stem("class")).toBe("class");
  });

  it("ranks lines that share rare question words, declarations and docs above plain uses", () => {
    const p = parseSearch(
      [
        "src/a.py:10:    x = call(timeout)",
        "src/a.py:20:    t = Timeout(connect=connect, read=read)",
        "tests/test_a.py:5:    t = Timeout(connect=connect, read=read)",
        "docs/api.md:3:Pass a timeout to every call.",
        "src/b.py:7:    y = call(timeout)",
      ].join("\n"),
    );
    const m = p.lines.filter((l) => l.kind === "match");
    const s = rankMatches(m, "where is the (connect, read) tuple converted?", "timeout");
    expect(s.get(m[1]!)!).toBeGreaterThan(s.get(m[0]!)!);
    expect(s.get(m[1]!)!).toBeGreaterThan(s.get(m[2]!)!);
    // Documentation carries a prior even without question words.
    expect(s.get(m[3]!)!).toBeGreaterThanOrEqual(0.6);
  });
});
