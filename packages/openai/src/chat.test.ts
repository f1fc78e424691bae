import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { deploysText, markerHash, mockServer, setup, tokensOf, type MockServer } from "@headroom/sdk-testing";
import { withHeadroom } from "./index.js";

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam;

const history = (): Msg[] => [
  { role: "system", content: "You are an SRE assistant." },
  { role: "user", content: "Which deploy failed?" },
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "list_deploys", arguments: '{"since":"1d"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: deploysText },
];

const completion = (message: object, finish: string, usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", refusal: null, ...message }, finish_reason: finish, logprobs: null }],
  usage,
});

const retrieveCall = (hash: string, query?: string) => ({
  content: null,
  tool_calls: [{ id: "call_r", type: "function", function: { name: "headroom_retrieve", arguments: JSON.stringify(query ? { hash, query } : { hash }) } }],
});

/** What the model reads in the tool result of our retrieve call. */
const toolResult = (body: { messages: Msg[] }) => body.messages.find((m) => m.role === "tool" && m.tool_call_id === "call_r")?.content as string;

let server: MockServer | undefined;
afterEach(async () => server?.close());

const client = (s: MockServer) => new OpenAI({ apiKey: "sk-test", baseURL: `${s.url}/v1`, maxRetries: 0 });

describe("chat.completions.create (non-streaming)", () => {
  it("compresses, answers the model's retrieve call in-process, and hides our tool", async () => {
    const { store, pipeline } = setup();
    const saved: number[] = [];
    server = await mockServer([
      (b) => ({ json: completion(retrieveCall(markerHash(b), "failed"), "tool_calls") }),
      (b) => ({ json: completion({ content: toolResult(b).includes('"dep-17"') ? "dep-17 failed" : "not found" }, "stop") }),
      () => ({ json: completion({ content: "It was the worker service." }, "stop") }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline, onCompress: (r) => saved.push(r.tokensSaved) });
    const msgs = history();
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: msgs });

    expect(res.choices[0]!.message.content).toBe("dep-17 failed");
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expect(res.usage!.total_tokens).toBe(30); // both rounds are billed, so both are counted
    expect(server.bodies).toHaveLength(2);

    const [first, second] = server.bodies;
    // Compressed tokens reach the model: the tool output it reads is a fraction of the original.
    const before = await tokensOf(msgs);
    const sent = await tokensOf(first.messages);
    expect(sent).toBeLessThan(before / 4);
    expect(saved[0]).toBeGreaterThan(0);
    // Untouched messages arrive byte-identical; the tool is offered once, after the caller's tools.
    for (let i = 0; i < 3; i++) expect(JSON.stringify(first.messages[i])).toBe(JSON.stringify(msgs[i]));
    expect(first.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(["headroom_retrieve"]);
    // The continuation carries the retrieved original (query-filtered), and our call.
    expect(second.messages.slice(0, 4)).toEqual(first.messages);
    expect(toolResult(second)).toContain('"id": "dep-17"');
    expect(msgs[3]!.content).toBe(deploysText); // the caller's messages are not mutated

    // Second turn: the old turn's bytes are what the model saw last time (prompt cache prefix).
    const turn2: Msg[] = [...msgs, { role: "assistant", content: res.choices[0]!.message.content }, { role: "user", content: "Which service?" }];
    await openai.chat.completions.create({ model: "gpt-4o", messages: turn2 });
    const third = server.raw[2]!;
    const prefix = JSON.stringify(first.messages).slice(0, -1);
    expect(third).toContain(prefix);
    expect(JSON.stringify(server.bodies[2].tools)).toBe(JSON.stringify(first.tools));
  });

  it("a conversation sent again compresses only its new units (the adapter's unit cache), same bytes", async () => {
    const { store, pipeline } = setup();
    server = await mockServer([() => ({ json: completion({ content: "dep-17." }, "stop") }), () => ({ json: completion({ content: "At 10:02." }, "stop") })]);
    const results: { cached: boolean[] }[] = [];
    const openai = withHeadroom(client(server), { store, pipeline, onCompress: (r) => results.push({ cached: r.units.map((u) => !!u.cached) }) });
    const msgs = history();
    await openai.chat.completions.create({ model: "gpt-4o", messages: msgs });
    await openai.chat.completions.create({ model: "gpt-4o", messages: [...msgs, { role: "assistant", content: "dep-17." }, { role: "user", content: "When?" }] });
    expect(results.map((r) => r.cached.includes(true))).toEqual([false, true]);
    const [first, second] = server.bodies;
    expect(JSON.stringify(second.messages.slice(0, first.messages.length))).toBe(JSON.stringify(first.messages));
  });

  it("passes a plain request through byte for byte (no marker, no tool)", async () => {
    server = await mockServer([() => ({ json: completion({ content: "hi" }, "stop") })]);
    const openai = withHeadroom(client(server), setup());
    const body = { model: "gpt-4o", messages: [{ role: "user" as const, content: "hello" }], temperature: 0 };
    const { data, response } = await openai.chat.completions.create(body).withResponse();
    expect(data.choices[0]!.message.content).toBe("hi");
    expect(response.status).toBe(200);
    expect(server.raw[0]).toBe(JSON.stringify(body));
  });

  it("fails open: a throwing pipeline sends the request uncompressed and reports the error", async () => {
    server = await mockServer([() => ({ json: completion({ content: "ok" }, "stop") })]);
    const errors: string[] = [];
    const pipeline = { compress: async () => Promise.reject(new Error("boom")) };
    const openai = withHeadroom(client(server), { pipeline, onError: (e) => errors.push(e.message) });
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: history() });
    expect(res.choices[0]!.message.content).toBe("ok");
    expect(server.bodies[0].messages[3].content).toBe(deploysText);
    expect(errors).toEqual(["compression failed, request sent uncompressed: boom"]);
  });

  it("fails open on a slow pipeline: past timeoutMs the request goes out as it was", async () => {
    server = await mockServer([() => ({ json: completion({ content: "ok" }, "stop") })]);
    const errors: string[] = [];
    const pipeline = { compress: () => new Promise<never>(() => {}) };
    const openai = withHeadroom(client(server), { pipeline, timeoutMs: 50, onError: (e) => errors.push(e.message) });
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: history() });
    expect(res.choices[0]!.message.content).toBe("ok");
    expect(server.bodies[0].messages[3].content).toBe(deploysText);
    expect(errors).toEqual(["compression failed, request sent uncompressed: compression exceeded its 50 ms budget"]);
  });

  it("a response asking for the app's tools too keeps only the app's calls", async () => {
    const { store, pipeline } = setup();
    server = await mockServer([
      (b) => ({
        json: completion(
          { content: null, tool_calls: [...retrieveCall(markerHash(b)).tool_calls, { id: "call_2", type: "function", function: { name: "rollback", arguments: "{}" } }] },
          "tool_calls",
        ),
      }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline });
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: history() });
    expect(res.choices[0]!.message.tool_calls!.map((t) => (t as { function: { name: string } }).function.name)).toEqual(["rollback"]);
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
  });
});

/** A streamed retrieve call whose id, name and arguments arrive in separate chunks. */
function retrieveChunks(hash: string): unknown[] {
  const args = JSON.stringify({ hash, query: "failed" });
  const base = { id: "chatcmpl-s1", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };
  const delta = (d: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, logprobs: null }] });
  return [
    delta({ role: "assistant", content: null }),
    delta({ tool_calls: [{ index: 0, id: "call_r", type: "function", function: { name: "headroom_retrieve", arguments: "" } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 9) } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(9, 30) } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(30) } }] }),
    delta({}, "tool_calls"),
    { ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } },
    "[DONE]",
  ];
}

function textChunks(parts: string[]): unknown[] {
  const base = { id: "chatcmpl-s2", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };
  return [
    ...parts.map((p, i) => ({ ...base, choices: [{ index: 0, delta: i ? { content: p } : { role: "assistant", content: p }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { ...base, choices: [], usage: { prompt_tokens: 200, completion_tokens: 5, total_tokens: 205 } },
    "[DONE]",
  ];
}

describe("chat.completions.create (streaming)", () => {
  it("splices the continuation into the caller's stream; our tool-call deltas never show", async () => {
    const { store, pipeline } = setup();
    const retrieved: string[] = [];
    server = await mockServer([
      (b) => ({ sse: retrieveChunks(markerHash(b)) }),
      (b) => ({ sse: textChunks(toolResult(b).includes('"dep-17"') ? ["dep-17 ", "failed"] : ["missing"]) }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline, onRetrieve: (c) => retrieved.push(c.hash) });
    const stream = await openai.chat.completions.create({ model: "gpt-4o", messages: history(), stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);

    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("dep-17 failed");
    expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(["stop"]);
    expect(chunks.at(-1)!.usage!.total_tokens).toBe(325);
    expect(retrieved).toEqual([markerHash(server.bodies[0])]);
    // The continuation has the assembled call, whose arguments arrived in three pieces.
    const call = server.bodies[1].messages[4].tool_calls[0];
    expect(JSON.parse(call.function.arguments)).toEqual({ hash: retrieved[0], query: "failed" });
    expect(await tokensOf(server.bodies[0].messages)).toBeLessThan((await tokensOf(history())) / 4);
  });

  it("keeps the app's streamed tool calls (renumbered from 0) and hides ours", async () => {
    const { store, pipeline } = setup();
    const base = { id: "x", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };
    const d = (delta: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    server = await mockServer([
      (b) => ({
        sse: [
          d({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_r", type: "function", function: { name: "headroom_retrieve", arguments: "" } }] }),
          d({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ hash: markerHash(b) }) } }] }),
          d({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "rollback", arguments: '{"id":' } }] }),
          d({ tool_calls: [{ index: 1, function: { arguments: '"dep-17"}' } }] }),
          d({}, "tool_calls"),
          "[DONE]",
        ],
      }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline });
    const stream = await openai.chat.completions.create({ model: "gpt-4o", messages: history(), stream: true });
    const calls: { index: number; name?: string; args?: string }[] = [];
    for await (const c of stream) for (const tc of c.choices[0]?.delta.tool_calls ?? []) calls.push({ index: tc.index, name: tc.function?.name, args: tc.function?.arguments });
    expect(calls).toEqual([
      { index: 0, name: "rollback", args: '{"id":' },
      { index: 0, name: undefined, args: '"dep-17"}' },
    ]);
    expect(server.bodies).toHaveLength(1);
  });
});
