import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { generateText, jsonSchema, streamText, tool, wrapLanguageModel, type ModelMessage } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { deploys, setup, tokensOf } from "@headroom/sdk-testing";
import { headroom } from "./index.js";

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

const messages = (): ModelMessage[] => [
  { role: "user", content: "Which deploy failed?" },
  { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "list_deploys", input: { since: "1d" } }] },
  { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", toolName: "list_deploys", output: { type: "json", value: deploys } }] },
];

const tools = { list_deploys: tool({ description: "List deploys", inputSchema: jsonSchema<{ since: string }>({ type: "object", properties: { since: { type: "string" } } }) }) };

const hashIn = (p: LanguageModelV3CallOptions) => /hash=([a-f0-9]{24})/.exec(JSON.stringify(p.prompt))![1]!;
/** The text the model reads as the answer to our retrieve call. */
const answerOf = (p: LanguageModelV3CallOptions) => {
  for (const m of p.prompt)
    if (m.role === "tool") for (const c of m.content) if (c.type === "tool-result" && c.toolName === "headroom_retrieve" && c.output.type === "text") return c.output.value;
  return "";
};
const text = (t: string) => ({ type: "text" as const, text: t });

/** The prompt an unwrapped model receives for the same call: the bytes we must leave alone. */
async function baselinePrompt(): Promise<LanguageModelV3CallOptions["prompt"]> {
  const plain = new MockLanguageModelV3({ doGenerate: { content: [text("x")], finishReason: { unified: "stop", raw: "stop" }, usage: usage(1, 1), warnings: [] } });
  await generateText({ model: plain, system: "You are an SRE assistant.", messages: messages(), tools });
  return plain.doGenerateCalls[0]!.prompt;
}

describe("generateText through the middleware", () => {
  it("compresses the AI SDK prompt, answers headroom_retrieve in-process, and never shows it", async () => {
    const { store, pipeline } = setup();
    const saved: number[] = [];
    const mock: MockLanguageModelV3 = new MockLanguageModelV3({
      modelId: "gpt-4o",
      doGenerate: async (p) => {
        const n = mock.doGenerateCalls.length;
        if (n === 1)
          return {
            content: [{ type: "tool-call", toolCallId: "r1", toolName: "headroom_retrieve", input: JSON.stringify({ hash: hashIn(p), query: "failed" }) }],
            finishReason: { unified: "tool-calls", raw: "tool_calls" },
            usage: usage(100, 10),
            warnings: [],
          };
        return { content: [text(n === 2 && answerOf(p).includes('"dep-17"') ? "dep-17 failed" : "worker")], finishReason: { unified: "stop", raw: "stop" }, usage: usage(200, 5), warnings: [] };
      },
    });
    const model = wrapLanguageModel({ model: mock, middleware: headroom({ store, pipeline, onCompress: (r) => saved.push(r.tokensSaved) }) });
    const result = await generateText({ model, system: "You are an SRE assistant.", messages: messages(), tools });

    expect(result.text).toBe("dep-17 failed");
    expect(result.toolCalls).toEqual([]);
    expect(result.steps).toHaveLength(1);
    expect(result.usage.inputTokens).toBe(300);
    expect(saved[0]).toBeGreaterThan(0);

    const [first, second] = mock.doGenerateCalls;
    const base = await baselinePrompt();
    expect(await tokensOf(first!.prompt)).toBeLessThan((await tokensOf(base)) / 4);
    for (let i = 0; i < 3; i++) expect(JSON.stringify(first!.prompt[i])).toBe(JSON.stringify(base[i]));
    expect(first!.tools!.map((t) => t.name)).toEqual(["list_deploys", "headroom_retrieve"]);
    // The JSON table became compact text plus a marker; the retrieve answer holds the original rows.
    const out = (first!.prompt[3]!.content[0] as { output: { type: string; value: string } }).output;
    expect(out.type).toBe("text");
    expect(out.value).toMatch(/hash=[a-f0-9]{24}/);
    expect(second!.prompt.slice(0, 4)).toEqual(first!.prompt);
    expect(answerOf(second!)).toMatch(/Returned 1 of 600 items[\s\S]*"id":"dep-17"/);

    // Next turn: the first turn's bytes are unchanged.
    await generateText({ model, messages: [...messages(), { role: "assistant", content: result.text }, { role: "user", content: "Which service?" }], tools, system: "You are an SRE assistant." });
    expect(JSON.stringify(mock.doGenerateCalls[2]!.prompt)).toContain(JSON.stringify(first!.prompt).slice(0, -1));
  });

  it("keeps the app's tool calls when the model asks for both", async () => {
    const { store, pipeline } = setup();
    const mock: MockLanguageModelV3 = new MockLanguageModelV3({
      doGenerate: async (p) => ({
        content: [
          { type: "tool-call", toolCallId: "r1", toolName: "headroom_retrieve", input: JSON.stringify({ hash: hashIn(p) }) },
          { type: "tool-call", toolCallId: "c2", toolName: "list_deploys", input: '{"since":"2d"}' },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: usage(1, 1),
        warnings: [],
      }),
    });
    const model = wrapLanguageModel({ model: mock, middleware: headroom({ store, pipeline }) });
    const result = await generateText({ model, system: "You are an SRE assistant.", messages: messages(), tools });
    expect(result.toolCalls.map((c) => c.toolName)).toEqual(["list_deploys"]);
    expect(mock.doGenerateCalls).toHaveLength(1);
  });
});

describe("fail open", () => {
  it("a throwing pipeline leaves the prompt as the AI SDK built it, and says so", async () => {
    const errors: string[] = [];
    const mock: MockLanguageModelV3 = new MockLanguageModelV3({ doGenerate: { content: [text("ok")], finishReason: { unified: "stop", raw: "stop" }, usage: usage(1, 1), warnings: [] } });
    const model = wrapLanguageModel({ model: mock, middleware: headroom({ pipeline: { compress: () => Promise.reject(new Error("boom")) }, onError: (e) => errors.push(e.message) }) });
    const result = await generateText({ model, system: "You are an SRE assistant.", messages: messages(), tools });
    expect(result.text).toBe("ok");
    expect(mock.doGenerateCalls[0]!.prompt).toEqual(await baselinePrompt());
    expect(errors).toEqual(["compression failed, request sent uncompressed: boom"]);
  });
});

describe("streamText through the middleware", () => {
  it("splices the continuation into one stream; our tool input and call never show", async () => {
    const { store, pipeline } = setup();
    const mock: MockLanguageModelV3 = new MockLanguageModelV3({
      doStream: async (p) => {
        const n = mock.doStreamCalls.length;
        const input = n === 1 ? JSON.stringify({ hash: hashIn(p), query: "failed" }) : "";
        const parts: LanguageModelV3StreamPart[] =
          n === 1
            ? [
                { type: "stream-start", warnings: [] },
                { type: "response-metadata", id: "resp-1", modelId: "mock" },
                { type: "tool-input-start", id: "r1", toolName: "headroom_retrieve" },
                { type: "tool-input-delta", id: "r1", delta: input.slice(0, 12) },
                { type: "tool-input-delta", id: "r1", delta: input.slice(12) },
                { type: "tool-input-end", id: "r1" },
                { type: "tool-call", toolCallId: "r1", toolName: "headroom_retrieve", input },
                { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(100, 10) },
              ]
            : [
                { type: "stream-start", warnings: [] },
                { type: "text-start", id: "t1" },
                { type: "text-delta", id: "t1", delta: "dep-17 " },
                { type: "text-delta", id: "t1", delta: answerOf(p).includes('"dep-17"') ? "failed" : "?" },
                { type: "text-end", id: "t1" },
                { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(200, 5) },
              ];
        return { stream: convertArrayToReadableStream(parts) };
      },
    });
    const model = wrapLanguageModel({ model: mock, middleware: headroom({ store, pipeline }) });
    const result = streamText({ model, system: "You are an SRE assistant.", messages: messages(), tools });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(await result.text).toBe("dep-17 failed");
    expect(await result.toolCalls).toEqual([]);
    expect(kinds).not.toContain("tool-call");
    expect(kinds).not.toContain("tool-input-start");
    expect((await result.usage).inputTokens).toBe(300);
    expect(await result.finishReason).toBe("stop");
    expect(mock.doStreamCalls).toHaveLength(2);
    expect(await tokensOf(mock.doStreamCalls[0]!.prompt)).toBeLessThan((await tokensOf(await baselinePrompt())) / 4);
    // The continuation's assistant turn carries our call with its input parsed back into an object.
    expect(mock.doStreamCalls[1]!.prompt[4]).toMatchObject({ role: "assistant", content: [{ type: "tool-call", toolName: "headroom_retrieve", input: { query: "failed" } }] });
  });
});
