import { describe, expect, it } from "vitest";
import { compress, detectFormat, scanMessages, SPECIFICATION_VERSION, type CompressorV1 as Compressor } from "./index.js";

/** Lossless: minifies JSON, squeezes spaces in anything else. */
const squeeze: Compressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "squeeze",
  kinds: ["*"],
  compress: (u) => {
    try {
      return { text: JSON.stringify(JSON.parse(u.text)), lossless: true };
    } catch {
      return { text: u.text.replace(/ {2,}/g, " "), lossless: true };
    }
  },
};

const spaced = `lines   with   many   spaces\n`.repeat(80);
const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `row ${i}`, ok: i % 3 === 0 }));

/** An AI SDK `LanguageModelV3Prompt` as `generateText` hands it to a middleware. */
const prompt = () => [
  { role: "system", content: "You are terse." },
  { role: "user", content: [{ type: "text", text: "Which rows are ok?" }] },
  {
    role: "assistant",
    content: [
      { type: "reasoning", text: "I should query." },
      { type: "tool-call", toolCallId: "c1", toolName: "query", input: { table: "rows" } },
      { type: "tool-call", toolCallId: "c2", toolName: "logs", input: { n: 80 } },
    ],
  },
  {
    role: "tool",
    content: [
      { type: "tool-result", toolCallId: "c1", toolName: "query", output: { type: "json", value: rows } },
      { type: "tool-result", toolCallId: "c2", toolName: "logs", output: { type: "text", value: spaced } },
      { type: "tool-result", toolCallId: "c3", toolName: "mixed", output: { type: "content", value: [{ type: "text", text: spaced }] } },
    ],
  },
];

describe("AI SDK prompt format", () => {
  it("is detected, not mistaken for OpenAI Chat", () => {
    expect(detectFormat(prompt())).toBe("ai-sdk");
    // OpenAI Chat and Anthropic are unaffected.
    expect(detectFormat([{ role: "tool", tool_call_id: "x", content: "hi" }])).toBe("openai-chat");
    expect(detectFormat([{ role: "user", content: [{ type: "tool_result", tool_use_id: "x", content: "hi" }] }])).toBe("anthropic");
  });

  it("finds tool-result units with their tool names, arguments and the user's question", () => {
    const scan = scanMessages(prompt(), "ai-sdk");
    const tools = scan.units.filter((u) => u.role === "tool");
    expect(tools.map((u) => [u.id, u.toolName, u.toolArgs, u.query])).toEqual([
      ["prompt[3].content[0].output", "query", '{"table":"rows"}', "Which rows are ok?"],
      ["prompt[3].content[1].output.value", "logs", '{"n":80}', "Which rows are ok?"],
      ["prompt[3].content[2].output.value[0].text", "mixed", undefined, "Which rows are ok?"],
    ]);
    expect(tools[0]!.text).toBe(JSON.stringify(rows));
    expect(scan.otherTexts).toContain("I should query.");
  });

  it("compresses in place: JSON outputs stay json, untouched messages are the same objects", async () => {
    const pretty = prompt();
    (pretty[3]!.content[0] as { output: unknown }).output = { type: "json", value: JSON.parse(JSON.stringify(rows)) };
    const r = await compress(pretty, { compressors: [squeeze], minTokens: 10 });
    expect(r.format).toBe("ai-sdk");
    expect(r.errors).toEqual([]);
    for (let i = 0; i < 3; i++) expect(r.messages[i]).toBe(pretty[i]);
    const parts = r.messages[3]!.content as { output: { type: string; value: unknown } }[];
    expect(parts[0]!.output).toEqual({ type: "json", value: rows });
    expect(parts[1]!.output.value).toBe("lines with many spaces\n".repeat(80));
    expect((parts[2]!.output.value as { text: string }[])[0]!.text).toBe("lines with many spaces\n".repeat(80));
  });

  it("a compressed JSON output that is no longer JSON becomes text", async () => {
    const head: Compressor = { specificationVersion: SPECIFICATION_VERSION, name: "head", kinds: ["*"], compress: (u) => ({ text: `${u.text.slice(0, 20)} (lossless, honestly)`, lossless: true }) };
    const r = await compress(prompt(), { compressors: [head], minTokens: 10 });
    const out = (r.messages[3]!.content as { output: { type: string; value: unknown } }[])[0]!.output;
    expect(out.type).toBe("text");
    expect(typeof out.value).toBe("string");
  });
});

describe("unknown message shapes", () => {
  class HumanMessage {
    lc_serializable = true;
    lc_kwargs = { content: "hi" };
    content = "hi";
  }
  it("LangChain-like objects give a warning in errors, not a silent no-op", async () => {
    const r = await compress([new HumanMessage(), new HumanMessage()], { compressors: [squeeze] });
    expect(r.units).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ stage: "detect" });
    expect(r.errors[0]!.message).toMatch(/messages 0, 1 are not openai-chat messages \(LangChain messages: use @headroom\/langchain\)/);
  });
  it("other shapes are named by their keys; known dialects give no warning", async () => {
    const r = await compress([{ author: "me", text: "x" }] as unknown[]);
    expect(r.errors[0]!.message).toMatch(/objects with keys author, text/);
    const gemini = await compress([{ role: "user", parts: [{ text: "x" }] }] as unknown[]);
    expect(gemini.errors[0]!.message).toMatch(/role "user" but no content; keys role, parts/);
    const ok = await compress([{ role: "user", content: "x" }, { type: "function_call_output", call_id: "a", output: "y" }]);
    expect(ok.errors).toEqual([]);
  });
});
