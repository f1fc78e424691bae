import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIO } from "./testing.js";
import { decode } from "@headroom/smart-crusher";
import { classifyInput, main } from "./main.js";

const io = memoryIO;

describe("classifyInput", () => {
  it("tells messages, wrapped messages and raw text apart", () => {
    expect(classifyInput('[{"role":"user","content":"hi"}]')).toMatchObject({ type: "messages", key: "messages" });
    expect(classifyInput('{"model":"x","messages":[{"role":"user","content":"hi"}]}')).toMatchObject({ type: "messages", wrapper: { model: "x" } });
    expect(classifyInput('{"input":[{"type":"message","role":"user","content":"hi"}]}')).toMatchObject({ type: "messages", key: "input" });
    expect(classifyInput('[{"id":1},{"id":2}]')).toMatchObject({ type: "text" }); // an API response is a tool output
    // Items with a `type` that is no Responses item type (GitHub events, kubectl events) are a tool output too.
    expect(classifyInput('[{"id":"1","type":"PushEvent","actor":{"login":"a"}},{"id":"2","type":"IssueCommentEvent"}]')).toMatchObject({ type: "text" });
    expect(classifyInput('[{"type":"Warning","reason":"BackOff","message":"Back-off restarting failed container"}]')).toMatchObject({ type: "text" });
    expect(classifyInput('[{"type":"PushEvent"}]', "messages")).toMatchObject({ type: "messages" }); // the user vouches
    expect(classifyInput("[2024-01-01 10:00:00] INFO start")).toMatchObject({ type: "text" });
    expect(() => classifyInput('{"messages": [ {"role": ')).toThrow(/invalid JSON/);
    expect(() => classifyInput('{"messages": 3}')).toThrow(/unknown format/);
    expect(() => classifyInput("plain", "messages")).toThrow(/invalid JSON/);
    expect(() => classifyInput('{"a":1}', "messages")).toThrow(/unknown format/);
    expect(() => classifyInput("x", "yaml")).toThrow(/unknown --format/);
  });
});

describe("headroom CLI", () => {
  it("prints the version and help", async () => {
    const a = io();
    expect(await main(["--version"], a)).toBe(0);
    expect(a.out).toMatch(/^\d+\.\d+\.\d+\n$/);
    const b = io();
    expect(await main(["help"], b)).toBe(0);
    expect(b.out).toContain("compress");
    expect(b.out).toContain("Examples:");
    expect(b.out).toMatch(/Default store: \S+/);
  });

  it.each([
    [["compress", "/nonexistent/file.json"], /cannot read \/nonexistent\/file.json: no such file/],
    [["compress", "--frobnicate"], /unknown option --frobnicate/],
    [["frobnicate"], /unknown command frobnicate/],
    [["compress", "--model"], /option --model needs a value/],
  ])("bad input %j: one clear line, exit 2", async (argv, msg) => {
    const a = io();
    expect(await main(argv, a)).toBe(2);
    expect(a.err).toMatch(msg);
    expect(a.err.trim().split("\n")).toHaveLength(1);
  });

  it("rejects invalid JSON and unknown formats with exit 2", async () => {
    const a = io('{"messages": [ {"role": "user", ');
    expect(await main(["compress", "-"], a)).toBe(2);
    expect(a.err).toMatch(/^headroom: invalid JSON: /);
    const b = io('{"messages": {"role": "user"}}');
    expect(await main(["compress"], b)).toBe(2);
    expect(b.err).toMatch(/unknown format/);
  });

  it("compresses raw text from stdin losslessly and prints JSON", async () => {
    const json = JSON.stringify({ items: Array.from({ length: 80 }, (_, i) => ({ id: i, name: `item-${i}`, ok: i !== 40 })) }, null, 2);
    const a = io(json);
    expect(await main(["compress", "--json", "--lossless"], a)).toBe(0);
    const out = JSON.parse(a.out);
    // Lossless JSON comes back as compact JSON or as smart-crusher's table form; both decode exactly.
    expect(decode(out.content)).toEqual(JSON.parse(json));
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore);
    expect(out.ccrHashes).toEqual([]);
    expect(out.tokenizer).toMatchObject({ encoding: "o200k_base", estimated: false });
  });

  it("prints a short human summary and writes --output", async () => {
    const a = io();
    const file = join(a.cwd, "conv.json");
    const log = Array.from({ length: 300 }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} INFO worker ${i % 4} processed batch ${i}`).join("\n");
    writeFileSync(file, JSON.stringify({ messages: [{ role: "user", content: "ok?" }, { role: "tool", tool_call_id: "t", content: log }] }));
    expect(await main(["compress", "conv.json", "--lossless", "-o", "out.json"], a)).toBe(0);
    expect(a.out).toMatch(/^tokens: \d+ → \d+ \(saved \d+, [\d.]+%\)\n/);
    expect(a.out).toContain("log: 1 unit");
    const written = JSON.parse(readFileSync(join(a.cwd, "out.json"), "utf8"));
    expect(written.messages).toHaveLength(2);
  });
});

const corpus = process.env.HEADROOM_CORPUS ?? resolve(__dirname, "../../../../shared/corpus");
const haveCorpus = existsSync(join(corpus, "conversation"));
if (!haveCorpus) console.warn(`corpus not found at ${corpus}: skipping CLI corpus conversation tests`);

describe.skipIf(!haveCorpus)("headroom compress --json on every corpus conversation", () => {
  const files = haveCorpus ? readdirSync(join(corpus, "conversation")).sort() : [];
  it.each(files)("%s: no error; untouched messages byte-identical; markers retrievable", async (f) => {
    const a = io();
    const path = join(corpus, "conversation", f);
    const store = join(a.cwd, "ccr.sqlite");
    expect(await main(["compress", path, "--json", "--store", store], a)).toBe(0);
    const input = JSON.parse(readFileSync(path, "utf8")).messages as unknown[];
    const out = JSON.parse(a.out);
    expect(out.errors).toEqual([]);
    expect(out.messages).toHaveLength(input.length);
    const compressed = new Set(out.units.filter((u: { status: string }) => u.status === "compressed").map((u: { messageIndex: number }) => u.messageIndex));
    input.forEach((m, i) => {
      if (!compressed.has(i)) expect(JSON.stringify(out.messages[i])).toBe(JSON.stringify(m));
    });
    expect(out.tokensAfter).toBeLessThanOrEqual(out.tokensBefore);
    for (const h of out.ccrHashes) {
      const r = io();
      expect(await main(["retrieve", h, "--store", store], r)).toBe(0);
      expect(r.out.length).toBeGreaterThan(0);
    }
  });
});
