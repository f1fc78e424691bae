import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { deploysText, markerHash, mockServer, setup, tokensOf, type MockServer } from "@headroom/sdk-testing";
import { withHeadroom } from "./index.js";

type Input = OpenAI.Responses.ResponseInputItem[];

const input = (): Input => [
  { role: "user", content: "Which deploy failed?" },
  { type: "function_call", call_id: "call_1", name: "list_deploys", arguments: '{"since":"1d"}' },
  { type: "function_call_output", call_id: "call_1", output: deploysText },
];

const usage = (n: number) => ({ input_tokens: n, output_tokens: 1, total_tokens: n + 1, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
const response = (output: unknown[], n = 10) => ({ id: "resp_1", object: "response", created_at: 1, status: "completed", model: "gpt-4o", output, usage: usage(n) });
const message = (text: string) => ({ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] });
const ourCall = (hash: string) => ({ type: "function_call", id: "fc_1", call_id: "call_r", name: "headroom_retrieve", arguments: JSON.stringify({ hash, query: "failed" }), status: "completed" });
const answerOf = (body: { input: { type?: string; call_id?: string; output?: string }[] }) =>
  body.input.find((it) => it.type === "function_call_output" && it.call_id === "call_r")?.output ?? "";

let server: MockServer | undefined;
afterEach(async () => server?.close());
const client = (s: MockServer) => new OpenAI({ apiKey: "sk-test", baseURL: `${s.url}/v1`, maxRetries: 0 });

describe("responses.create", () => {
  it("non-streaming: retrieve round answered in-process, output without our call", async () => {
    const { store, pipeline } = setup();
    server = await mockServer([
      (b) => ({ json: response([ourCall(markerHash(b))]) }),
      (b) => ({ json: response([message(answerOf(b).includes('"dep-17"') ? "dep-17 failed" : "?")], 20) }),
      () => ({ json: response([message("worker")]) }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline });
    const items = input();
    const res = await openai.responses.create({ model: "gpt-4o", input: items });
    expect(res.output_text).toBe("dep-17 failed");
    expect(res.output.some((it) => it.type === "function_call")).toBe(false);
    expect(res.usage!.input_tokens).toBe(30);
    const [first, second] = server.bodies;
    expect(server.paths[0]).toBe("/v1/responses");
    expect(await tokensOf(first.input)).toBeLessThan((await tokensOf(items)) / 4);
    for (let i = 0; i < 2; i++) expect(JSON.stringify(first.input[i])).toBe(JSON.stringify(items[i]));
    expect(first.tools).toEqual([expect.objectContaining({ type: "function", name: "headroom_retrieve", strict: false })]);
    expect(second.input.slice(0, 3)).toEqual(first.input);
    expect(second.input[3]).toMatchObject({ type: "function_call", name: "headroom_retrieve" });

    // The next turn keeps the first turn's bytes.
    await openai.responses.create({ model: "gpt-4o", input: [...items, { role: "assistant", content: res.output_text }, { role: "user", content: "Which service?" }] });
    expect(server.raw[2]).toContain(JSON.stringify(first.input).slice(0, -1));
  });

  it("streaming: events of our call are hidden, rounds spliced with running indexes", async () => {
    const { store, pipeline } = setup();
    const roundOne = (hash: string) => {
      const call = ourCall(hash);
      const args = call.arguments;
      return [
        { type: "response.created", sequence_number: 0, response: { ...response([]), status: "in_progress" } },
        { type: "response.in_progress", sequence_number: 1, response: { ...response([]), status: "in_progress" } },
        { type: "response.output_item.added", sequence_number: 2, output_index: 0, item: { ...call, arguments: "", status: "in_progress" } },
        { type: "response.function_call_arguments.delta", sequence_number: 3, output_index: 0, item_id: "fc_1", delta: args.slice(0, 10) },
        { type: "response.function_call_arguments.delta", sequence_number: 4, output_index: 0, item_id: "fc_1", delta: args.slice(10) },
        { type: "response.function_call_arguments.done", sequence_number: 5, output_index: 0, item_id: "fc_1", arguments: args },
        { type: "response.output_item.done", sequence_number: 6, output_index: 0, item: call },
        { type: "response.completed", sequence_number: 7, response: response([call], 100) },
      ];
    };
    const roundTwo = (text: string) => {
      const msg = message(text);
      return [
        { type: "response.created", sequence_number: 0, response: { ...response([]), status: "in_progress" } },
        { type: "response.output_item.added", sequence_number: 1, output_index: 0, item: { ...msg, content: [], status: "in_progress" } },
        { type: "response.output_text.delta", sequence_number: 2, output_index: 0, item_id: "msg_1", content_index: 0, delta: text.slice(0, 6) },
        { type: "response.output_text.delta", sequence_number: 3, output_index: 0, item_id: "msg_1", content_index: 0, delta: text.slice(6) },
        { type: "response.output_item.done", sequence_number: 4, output_index: 0, item: msg },
        { type: "response.completed", sequence_number: 5, response: response([msg], 200) },
      ];
    };
    server = await mockServer([
      (b) => ({ sse: roundOne(markerHash(b)), named: true }),
      (b) => ({ sse: roundTwo(answerOf(b).includes('"dep-17"') ? "dep-17 failed" : "?"), named: true }),
    ]);
    const openai = withHeadroom(client(server), { store, pipeline });
    const stream = await openai.responses.create({ model: "gpt-4o", input: input(), stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const ev of stream) events.push(ev);
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(JSON.stringify(events)).not.toContain("headroom_retrieve");
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.response.usage!.input_tokens).toBe(300);
    const text = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : [])).join("");
    expect(text).toBe("dep-17 failed");
    expect(server.bodies[1].input.at(-1)).toMatchObject({ type: "function_call_output", call_id: "call_r" });
  });

  it("a string input is sent as is", async () => {
    server = await mockServer([() => ({ json: response([message("hi")]) })]);
    const openai = withHeadroom(client(server), setup());
    const res = await openai.responses.create({ model: "gpt-4o", input: "hello" });
    expect(res.output_text).toBe("hi");
    expect(server.raw[0]).toBe(JSON.stringify({ model: "gpt-4o", input: "hello" }));
  });
});
