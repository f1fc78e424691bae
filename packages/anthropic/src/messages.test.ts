import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { deploysText, markerHash, mockServer, setup, tokensOf, type MockServer } from "@headroom/sdk-testing";
import { withHeadroom } from "./index.js";

const history = (): Anthropic.MessageParam[] => [
  { role: "user", content: [{ type: "text", text: "Which deploy failed?", cache_control: { type: "ephemeral" } }] },
  {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "I should list the deploys.", signature: "sig-AAA" },
      { type: "tool_use", id: "toolu_1", name: "list_deploys", input: { since: "1d" } },
    ],
  },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: deploysText, cache_control: { type: "ephemeral" } }] },
];

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
const message = (content: unknown[], stop: string, u = usage(10, 5)) => ({ id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-4-5", content, stop_reason: stop, stop_sequence: null, usage: u });
const ourUse = (hash: string) => ({ type: "tool_use", id: "toolu_r", name: "headroom_retrieve", input: { hash, query: "failed" } });
type Body = { messages: { role: string; content: { type: string; tool_use_id?: string; content?: string; signature?: string }[] }[] };
const answerOf = (b: Body) => b.messages.at(-1)!.content.find((c) => c.type === "tool_result" && c.tool_use_id === "toolu_r")?.content ?? "";

let server: MockServer | undefined;
afterEach(async () => server?.close());
const client = (s: MockServer) => new Anthropic({ apiKey: "sk-ant-test", baseURL: s.url, maxRetries: 0 });

describe("messages.create", () => {
  it("compresses tool results only: thinking, signatures and cache_control arrive untouched; retrieve answered in-process", async () => {
    const { store, pipeline } = setup();
    server = await mockServer([
      (b) => ({ json: message([{ type: "thinking", thinking: "Need the failed one.", signature: "sig-BBB" }, ourUse(markerHash(b))], "tool_use") }),
      (b) => ({ json: message([{ type: "text", text: answerOf(b).includes('"dep-17"') ? "dep-17 failed" : "?", citations: null }], "end_turn", usage(20, 7)) }),
      () => ({ json: message([{ type: "text", text: "worker", citations: null }], "end_turn") }),
    ]);
    const anthropic = withHeadroom(client(server), { store, pipeline });
    const msgs = history();
    const res = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: msgs });

    expect(res.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    expect(res.content[1]).toMatchObject({ type: "text", text: "dep-17 failed" });
    expect(res.stop_reason).toBe("end_turn");
    expect(res.usage.input_tokens).toBe(30);
    const [first, second] = server.bodies;
    expect(server.paths[0]).toBe("/v1/messages");
    expect(await tokensOf(first.messages)).toBeLessThan((await tokensOf(msgs)) / 4);
    for (let i = 0; i < 2; i++) expect(JSON.stringify(first.messages[i])).toBe(JSON.stringify(msgs[i]));
    const block = first.messages[2].content[0];
    expect(Object.keys(block)).toEqual(["type", "tool_use_id", "content", "cache_control"]);
    expect(block.cache_control).toEqual({ type: "ephemeral" });
    expect(first.tools).toEqual([expect.objectContaining({ name: "headroom_retrieve", input_schema: expect.any(Object) })]);
    // The continuation sends the model's turn back exactly, signature included.
    expect(second.messages[3]).toEqual({ role: "assistant", content: [{ type: "thinking", thinking: "Need the failed one.", signature: "sig-BBB" }, ourUse(markerHash(first))] });
    expect(answerOf(second)).toContain('"dep-17"');

    const turn2: Anthropic.MessageParam[] = [...msgs, { role: "assistant", content: res.content }, { role: "user", content: "Which service?" }];
    await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: turn2 });
    expect(server.raw[2]).toContain(JSON.stringify(first.messages).slice(0, -1));
  });

  it("fails open and reports when the pipeline throws", async () => {
    server = await mockServer([() => ({ json: message([{ type: "text", text: "ok", citations: null }], "end_turn") })]);
    const errors: string[] = [];
    const anthropic = withHeadroom(client(server), { pipeline: { compress: () => Promise.reject(new Error("boom")) }, onError: (e) => errors.push(e.message) });
    const res = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 10, messages: history() });
    expect(res.content[0]).toMatchObject({ text: "ok" });
    expect(server.bodies[0].messages[2].content[0].content).toBe(deploysText);
    expect(errors).toEqual(["compression failed, request sent uncompressed: boom"]);
  });
});

/** Round one: thinking, then our tool_use whose JSON input arrives in three pieces. */
function roundOne(hash: string): unknown[] {
  const json = JSON.stringify({ hash, query: "failed" });
  return [
    { type: "message_start", message: message([], null as never, usage(100, 1)) },
    { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Need the " } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "failed one." } },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-STREAM" } },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_r", name: "headroom_retrieve", input: {} } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: json.slice(0, 7) } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: json.slice(7, 31) } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: json.slice(31) } },
    { type: "content_block_stop", index: 1 },
    { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 30 } },
    { type: "message_stop" },
  ];
}

function roundTwo(text: string): unknown[] {
  return [
    { type: "message_start", message: message([], null as never, usage(200, 1)) },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "", citations: null } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: text.slice(0, 7) } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: text.slice(7) } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } },
    { type: "message_stop" },
  ];
}

describe("streaming", () => {
  const script = (): Parameters<typeof mockServer>[0] => [
    (b) => ({ sse: roundOne(markerHash(b)), named: true }),
    (b) => ({ sse: roundTwo(answerOf(b).includes('"dep-17"') ? "dep-17 failed" : "missing"), named: true }),
  ];

  it("messages.stream gives the SDK's MessageStream: one message, our tool_use never shows", async () => {
    const { store, pipeline } = setup();
    server = await mockServer(script());
    const anthropic = withHeadroom(client(server), { store, pipeline });
    const s = anthropic.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: history() });
    let text = "";
    s.on("text", (t) => (text += t));
    const final = await s.finalMessage();
    expect(text).toBe("dep-17 failed");
    expect(final.content).toEqual([
      { type: "thinking", thinking: "Need the failed one.", signature: "sig-STREAM" },
      { type: "text", text: "dep-17 failed", citations: null },
    ]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(35);
    // The continuation's assistant turn was rebuilt from the deltas, signature and split input included.
    expect(server.bodies[1].messages[3].content).toEqual([
      { type: "thinking", thinking: "Need the failed one.", signature: "sig-STREAM" },
      { type: "tool_use", id: "toolu_r", name: "headroom_retrieve", input: { hash: markerHash(server.bodies[0]), query: "failed" } },
    ]);
  });

  it("messages.create({stream: true}) yields raw events with block indexes running on", async () => {
    const { store, pipeline } = setup();
    server = await mockServer(script());
    const anthropic = withHeadroom(client(server), { store, pipeline });
    const events = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: history(), stream: true });
    const seen: string[] = [];
    for await (const ev of events) seen.push("index" in ev ? `${ev.type}#${ev.index}` : ev.type);
    expect(seen).toEqual([
      "message_start",
      "content_block_start#0",
      "content_block_delta#0",
      "content_block_delta#0",
      "content_block_delta#0",
      "content_block_stop#0",
      "content_block_start#1",
      "content_block_delta#1",
      "content_block_delta#1",
      "content_block_stop#1",
      "message_delta",
      "message_stop",
    ]);
  });
});
