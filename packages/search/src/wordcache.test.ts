import { splitIdentifier, stem } from "@headroom/text";
import { describe, expect, it } from "vitest";
import { nextIdentifier, scan } from "./wordcache.js";

/** What the scanner replaces: the global regex's identifiers, each split as `words` splits them. */
function byRegex(text: string): string[][] {
  return (text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).map((raw) =>
    splitIdentifier(raw)
      .map((p) => stem(p.toLowerCase()))
      .map((w) => (w.length >= 4 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is") ? w.slice(0, -1) : w))
      .filter((w) => w.length >= 2),
  );
}

function byScan(text: string): string[][] {
  const out: string[][] = [];
  for (let ws = nextIdentifier(text, 0); ws; ws = nextIdentifier(text, scan.end)) out.push(ws.map((w) => w.word));
  return out;
}

describe("nextIdentifier", () => {
  it("visits the identifiers the regex matches, with their words, cached or not", () => {
    const texts = [
      "",
      "123 456",
      "resolvedTimeout = TimeoutSauce(connect_timeout, HTTPRequest)",
      "9abc ab9c a1b2 _x x_ $y é日本 z",
      "x",
      "trailing ident",
      "\u{1F600}emoji\u{1F600}Word2\u00e9t\u00e9",
      "a".repeat(40) + "B".repeat(3),
    ];
    for (const t of texts) {
      expect(byScan(t)).toEqual(byRegex(t));
      expect(byScan(t)).toEqual(byRegex(t));
    }
  });

  it("tells identifiers apart when the table grows and hashes collide in a slot", () => {
    // Enough distinct identifiers to grow the table several times; each is looked up again afterwards.
    const ids = Array.from({ length: 20_000 }, (_, i) => `id${i.toString(36)}Part${i % 7}`);
    const line = ids.join(" ");
    expect(byScan(line)).toEqual(byRegex(line));
    expect(byScan(line)).toEqual(byRegex(line));
  });
});
