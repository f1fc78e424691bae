import { tmpdir } from "node:os";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "@headroom/ccr";
import { findMarkerHashes } from "@headroom/core";
import { startProxy, type RunningProxy } from "./node.js";
import { MockUpstream } from "./testing/mock-upstream.js";
import {
  anthropicMessage,
  anthropicRequest,
  anthropicStream,
  BIG_LOG,
  callItem,
  chatCompletion,
  chatRequest,
  chatStream,
  headCompressor,
  messageItem,
  responseObject,
  responsesRequest,
  responsesStream,
} from "./testing/fixtures.js";

const mock = new MockUpstream();
let proxy: RunningProxy;
let openai: OpenAI;
let claude: Anthropic;

beforeAll(async () => {
  await mock.start();
  proxy = await startProxy({
    port: 0,
    openaiBaseUrl: mock.url,
    anthropicBaseUrl: mock.url,
    store: new MemoryStore(),
    compressors: [headCompressor()],
    pluginsFrom: tmpdir(),
  });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-test-key", maxRetries: 0 });
  claude = new Anthropic({ baseURL: proxy.url, apiKey: "sk-ant-test-key", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.close();
  await mock.stop();
});
beforeEach(() => mock.reset());

/** The marker hash the proxy put into the tool result the upstream received. */
const hashIn = (body: unknown) => findMarkerHashes(JSON.stringify(body))[0]!;

describe("OpenAI Chat Completions", () => {
  it("sends compressed tool results upstream with the retrieve tool, credentials untouched", async () => {
    mock.reply({ kind: "json", body: chatCompletion({ content: "It was slow." }) });
    const { data, response } = await openai.chat.completions.create(chatRequest() as never).withResponse();
    expect((data as any).choices[0].message.content).toBe("It was slow.");
    const up = mock.requests[0]!;
    expect(up.path).toBe("/v1/chat/completions");
    expect(up.headers.authorization).toBe("Bearer sk-test-key");
    const tool = up.json.messages[2].content as string;
    expect(tool.length).toBeLessThan(BIG_LOG.length / 10);
    expect(tool).toMatch(/hash=[a-f0-9]{24}/);
    expect(up.json.tools.map((t: any) => t.function.name)).toEqual(["read_log", "headroom_retrieve"]);
    expect(Number(response.headers.get("x-headroom-tokens-saved"))).toBeGreaterThan(1000);
    expect(Number(response.headers.get("x-headroom-tokens-before"))).toBeGreaterThan(Number(response.headers.get("x-headroom-tokens-after")));
  });

  it("answers headroom_retrieve itself (non-streaming) and returns one response", async () => {
    mock.fallback = (r) =>
      r.json.messages.length === 3
        ? { kind: "json", body: chatCompletion({ content: "Checking. ", tool_calls: [{ id: "call_r", type: "function", function: { name: "headroom_retrieve", arguments: JSON.stringify({ hash: hashIn(r.json) }) } }] }, "tool_calls") }
        : { kind: "json", body: chatCompletion({ content: "Job 123 took 551 ms." }) };
    const res = await openai.chat.completions.create(chatRequest() as never);
    expect(res.choices[0]!.message.content).toBe("Checking. Job 123 took 551 ms.");
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expect(res.usage!.total_tokens).toBe(30);
    expect(mock.requests).toHaveLength(2);
    const cont = mock.requests[1]!.json.messages;
    expect(cont[3].tool_calls[0].function.name).toBe("headroom_retrieve");
    expect(cont[4]).toMatchObject({ role: "tool", tool_call_id: "call_r", content: BIG_LOG });
  });

  it("answers headroom_retrieve while streaming: text sent stays sent, the continuation is spliced in", async () => {
    mock.fallback = (r) =>
      r.json.messages.length === 3
        ? { kind: "sse", chunks: chatStream("chatcmpl-A", "Let me look. ", [{ id: "call_r", name: "headroom_retrieve", args: JSON.stringify({ hash: hashIn(r.json) }) }]) }
        : { kind: "sse", chunks: splitUtf8(chatStream("chatcmpl-B", "Job 123 took 551 ms — é😀.")) };
    const stream = await openai.chat.completions.create({ ...(chatRequest() as any), stream: true });
    let text = "";
    const ids = new Set<string>();
    let sawTool = false;
    let finish: string | null = null;
    for await (const ch of stream as any) {
      ids.add(ch.id);
      const d = ch.choices[0]?.delta ?? {};
      if (d.content) text += d.content;
      if (d.tool_calls) sawTool = true;
      if (ch.choices[0]?.finish_reason) finish = ch.choices[0].finish_reason;
    }
    expect(text).toBe("Let me look. Job 123 took 551 ms — é😀.");
    expect(sawTool).toBe(false);
    expect(finish).toBe("stop");
    expect([...ids]).toEqual(["chatcmpl-A"]);
    expect(mock.requests[1]!.json.messages[3]).toMatchObject({ role: "assistant", content: "Let me look. " });
  });

  it("after 3 rounds answers the next retrieve call with the limit and never hands our tool to the client", async () => {
    // The mock keeps calling headroom_retrieve, as a stubborn model would, unless tools are switched off.
    mock.fallback = (r) =>
      r.json.tool_choice === "none"
        ? { kind: "json", body: chatCompletion({ content: "Answer from what I have." }) }
        : {
            kind: "json",
            body: chatCompletion({ content: null, tool_calls: [{ id: `call_${mock.requests.length}`, type: "function", function: { name: "headroom_retrieve", arguments: JSON.stringify({ hash: hashIn(mock.requests[0]!.json) }) } }] }, "tool_calls"),
          };
    const res = await openai.chat.completions.create(chatRequest() as never);
    expect(mock.requests).toHaveLength(5);
    const last = mock.requests[4]!.json;
    expect(last.tool_choice).toBe("none");
    expect(last.messages.at(-1)).toMatchObject({ role: "tool", content: expect.stringMatching(/limit of 3 retrieval rounds .* was reached/) });
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(JSON.stringify(res)).not.toContain("headroom_retrieve");
    expect(res.choices[0]!.message.content).toContain("Answer from what I have.");
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as any;
    expect(stats.retrieve.rounds).toBeGreaterThanOrEqual(4);
  });

  it("streaming: past the limit the retrieve call is answered with the limit, never streamed to the client", async () => {
    mock.fallback = (r) =>
      r.json.tool_choice === "none"
        ? { kind: "sse", chunks: chatStream("chatcmpl-L", "Answer from what I have.") }
        : { kind: "sse", chunks: chatStream("chatcmpl-L", "", [{ id: `call_${mock.requests.length}`, name: "headroom_retrieve", args: JSON.stringify({ hash: hashIn(mock.requests[0]!.json) }) }]) };
    const res = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-test-key" }, body: JSON.stringify({ ...chatRequest(), stream: true }) });
    const text = await res.text();
    expect(mock.requests).toHaveLength(5);
    expect(mock.requests[4]!.json.tool_choice).toBe("none");
    expect(text).not.toContain("headroom_retrieve");
    const said = text
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
      .join("");
    expect(said).toBe("Answer from what I have.");
  });

  it("passes a response through unchanged when the model calls other tools too", async () => {
    mock.fallback = (r) => ({
      kind: "sse",
      chunks: chatStream("chatcmpl-C", "", [
        { id: "call_r", name: "headroom_retrieve", args: JSON.stringify({ hash: hashIn(r.json) }) },
        { id: "call_2", name: "read_log", args: '{"path":"x"}' },
      ]),
    });
    const stream = await openai.chat.completions.create({ ...(chatRequest() as any), stream: true });
    const names: string[] = [];
    for await (const ch of stream as any) for (const tc of ch.choices[0]?.delta?.tool_calls ?? []) if (tc.function?.name) names.push(tc.function.name);
    expect(names).toEqual(["headroom_retrieve", "read_log"]);
    expect(mock.requests).toHaveLength(1);
  });

  it("streams byte-exact when nothing needs retrieval, with a UTF-8 character split across chunks", async () => {
    const chunks = splitUtf8(chatStream("chatcmpl-D", "naïve café 😀 done"));
    mock.reply({ kind: "sse", chunks });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(Buffer.concat(chunks.map((c) => Buffer.from(c))))).toBe(true);
  });
});

describe("Anthropic Messages", () => {
  it("compresses tool_result blocks and answers the retrieve loop without streaming", async () => {
    mock.fallback = (r) =>
      r.json.messages.length === 3
        ? { kind: "json", body: anthropicMessage([{ type: "text", text: "Checking. " }, { type: "tool_use", id: "toolu_r", name: "headroom_retrieve", input: { hash: hashIn(r.json) } }], "tool_use") }
        : { kind: "json", body: anthropicMessage([{ type: "text", text: "It took 551 ms." }], "end_turn", "msg_2") };
    const msg = await claude.messages.create(anthropicRequest() as never);
    // SDK 1.x sends the key as a bearer token; either way it reaches the provider untouched.
    expect(mock.requests[0]!.headers.authorization ?? mock.requests[0]!.headers["x-api-key"]).toMatch(/sk-ant-test-key/);
    expect(mock.requests[0]!.headers["anthropic-version"]).toBeDefined();
    expect(mock.requests[0]!.json.messages[2].content[0].content).toMatch(/hash=[a-f0-9]{24}/);
    expect(mock.requests[0]!.json.tools.map((t: any) => t.name)).toEqual(["read_log", "headroom_retrieve"]);
    expect(msg.id).toBe("msg_1");
    expect(msg.content.map((b: any) => b.text)).toEqual(["Checking. ", "It took 551 ms."]);
    expect(msg.usage.output_tokens).toBe(10);
    const cont = mock.requests[1]!.json.messages;
    expect(cont[4].content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_r", content: BIG_LOG });
  });

  it("splices the continuation into the same stream with consistent block indices", async () => {
    mock.fallback = (r) =>
      r.json.messages.length === 3
        ? { kind: "sse", chunks: anthropicStream("msg_A", "Let me look. ", [{ id: "toolu_r", name: "headroom_retrieve", input: { hash: hashIn(r.json) } }]) }
        : { kind: "sse", chunks: splitUtf8(anthropicStream("msg_B", "It took 551 ms — ü😀.")) };
    const stream = claude.messages.stream(anthropicRequest() as never);
    const events: string[] = [];
    stream.on("streamEvent", (e: any) => events.push(e.type));
    const final = await stream.finalMessage();
    expect(final.id).toBe("msg_A");
    expect(final.content).toEqual([
      { type: "text", text: "Let me look. ", citations: null },
      { type: "text", text: "It took 551 ms — ü😀.", citations: null },
    ].map((b) => expect.objectContaining({ type: b.type, text: b.text })));
    expect(final.stop_reason).toBe("end_turn");
    expect(events.filter((e) => e === "message_start")).toHaveLength(1);
    expect(mock.requests[1]!.json.messages[3].content[1]).toMatchObject({ type: "tool_use", name: "headroom_retrieve" });
  });
});

describe("OpenAI Responses", () => {
  it("compresses function_call_output and loops without streaming", async () => {
    mock.fallback = (r) =>
      r.json.input.length === 3
        ? { kind: "json", body: responseObject("resp_1", [callItem("fc_r", "call_r", "headroom_retrieve", JSON.stringify({ hash: hashIn(r.json) }))]) }
        : { kind: "json", body: responseObject("resp_2", [messageItem("msg_2", "551 ms.")]) };
    const res = await openai.responses.create(responsesRequest() as never);
    expect(mock.requests[0]!.json.input[2].output).toMatch(/hash=[a-f0-9]{24}/);
    expect(res.id).toBe("resp_2");
    expect(res.output_text).toBe("551 ms.");
    expect(res.output.some((o: any) => o.type === "function_call")).toBe(false);
    expect(mock.requests[1]!.json.input.at(-1)).toMatchObject({ type: "function_call_output", call_id: "call_r", output: BIG_LOG });
  });

  it("splices the continuation while streaming", async () => {
    mock.fallback = (r) =>
      r.json.input.length === 3
        ? { kind: "sse", chunks: responsesStream("resp_A", "Looking. ", [{ id: "fc_r", callId: "call_r", name: "headroom_retrieve", args: JSON.stringify({ hash: hashIn(r.json) }) }]) }
        : { kind: "sse", chunks: splitUtf8(responsesStream("resp_B", "551 ms 😀.")) };
    const stream = openai.responses.stream(responsesRequest() as never);
    let text = "";
    const types: string[] = [];
    for await (const ev of stream as any) {
      types.push(ev.type);
      if (ev.type === "response.output_text.delta") text += ev.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe("Looking. 551 ms 😀.");
    expect(types.filter((t) => t === "response.created")).toHaveLength(1);
    expect(types.some((t) => t.startsWith("response.function_call"))).toBe(false);
    expect(final.output.map((o: any) => o.type)).toEqual(["message", "message"]);
    expect(final.output_text).toBe("Looking. 551 ms 😀.");
  });
});

/** Re-chunks SSE text so that every multi-byte character is split between two writes. */
function splitUtf8(chunks: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) {
    const b = Buffer.from(c);
    const i = [...b.keys()].find((k) => b[k]! >= 0xc0);
    if (i === undefined) out.push(b);
    else out.push(b.subarray(0, i + 1), b.subarray(i + 1));
  }
  return out;
}
