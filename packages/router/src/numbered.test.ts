import { describe, expect, it } from "vitest";
import { ccrKey, createOriginals, marker, MARKER_PATTERN, type CompressorV2 } from "@headroom/core";
import { createRouter } from "./index.js";
import { recutOriginals, renumberLines, splitNumberedLines } from "./numbered.js";

const tok = { name: "chars", encoding: "chars", estimated: true, count: (t: string) => t.length };

/** A small log compressor for the fixture: keeps ERROR lines, stores the whole input behind one marker. */
const errorsOnly: CompressorV2 = {
  specificationVersion: "v2",
  name: "errors-only",
  kinds: ["log"],
  compress(u, ctx) {
    if (!ctx.allowLossy) return { decline: "lossy only" };
    // It must see the log itself: a numbered line here would mean the numbers were not taken off.
    if (/^ *\d+\t/m.test(u.text)) return { decline: "numbered input reached the log compressor" };
    const o = createOriginals();
    const kept = u.text.split("\n").filter((l) => l.startsWith("2024") && l.includes("ERROR"));
    return { text: `${marker(`${u.text.split("\n").length} log lines, ERROR lines kept`, o.stash(u.text))}\n${kept.join("\n")}`, lossless: false, originals: o.list() };
  },
};

const log = Array.from({ length: 60 }, (_, i) => `2024-05-01T10:00:${String(i).padStart(2, "0")}Z ${i % 17 === 5 ? "ERROR disk full on sd" + i : "INFO tick " + i}`);
const cat = (lines: string[], from: number) => lines.map((l, i) => `${String(i + from).padStart(6)}\t${l}`).join("\n");

describe("numbered logs through the router", () => {
  it("the log compressor sees the log without numbers; kept lines keep theirs; the original is the numbered input", async () => {
    const numbered = cat(log, 971);
    const stored = new Map<string, string>();
    const store = { get: async (k: string) => stored.get(k), put: async (k: string, v: string) => void stored.set(k, v), has: async (k: string) => stored.has(k), delete: async (k: string) => stored.delete(k) };
    const router = createRouter({ compressors: [errorsOnly], tokenizer: tok, minTokens: 1, store });
    const r = await router.compress([{ role: "tool", tool_call_id: "t", content: numbered }]);
    const out = (r.messages as { content: string }[])[0]!.content;
    expect(r.errors).toEqual([]);
    expect(r.transformsApplied).toContain("numbered");
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^ {6}\t\[60 log lines, ERROR lines kept\. Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(lines.slice(1)).toEqual(numbered.split("\n").filter((l) => l.includes("ERROR")));
    expect(lines[1]).toBe("   976\t2024-05-01T10:00:05Z ERROR disk full on sd5");
    const [key] = [...out.matchAll(MARKER_PATTERN)].map((m) => m[1]!);
    expect(stored.get(key!)).toBe(numbered);
    expect(key).toBe(ccrKey(numbered));
  });

  it("declines text that is not numbered, so the log compressor gets it as it is", async () => {
    const router = createRouter({ compressors: [errorsOnly], tokenizer: tok, minTokens: 1, store: { get: async () => undefined, put: async () => {}, has: async () => false, delete: async () => false } });
    const r = await router.compress([{ role: "tool", tool_call_id: "t", content: log.join("\n") }]);
    expect(r.transformsApplied).not.toContain("numbered");
    expect(r.tokensAfter).toBeLessThan(r.tokensBefore);
  });

  it("re-cuts an original that is a run of lines from the numbered text; refuses one that is not", () => {
    const numbered = cat(["a", "b", "c", "d"], 1);
    const n = splitNumberedLines(numbered)!;
    const k = ccrKey("b\nc");
    const r = recutOriginals(`a\n[2 lines. Retrieve more: hash=${k}]\nd`, [{ key: k, content: "b\nc" }], n, numbered)!;
    expect(r.originals).toEqual([{ key: ccrKey("     2\tb\n     3\tc"), content: "     2\tb\n     3\tc" }]);
    expect(r.text).toContain(ccrKey("     2\tb\n     3\tc"));
    expect(recutOriginals("x", [{ key: "k", content: "b\nc" }].map((o) => ({ ...o, content: "\nc" })), n, numbered)).toBeNull();
    expect(renumberLines(`a\n[note]\nd`, n)).toBe("     1\ta\n      \t[note]\n     4\td");
    expect(splitNumberedLines("1\ta\nplain\n3\tc")).toBeNull();
  });
});
