import { describe, expect, it } from "vitest";
import { ccrKey, compress, marker, scanMessages, SPECIFICATION_VERSION, type CompressorV1 as Compressor } from "@headroom/core";
import { handleRetrieveCalls } from "./handle.js";
import { MemoryStore } from "./memory-store.js";
import { RETRIEVE_TOOL_NAME, type Dialect } from "./tool.js";

const ORIGINAL = Array.from({ length: 300 }, (_, i) => `${i} INFO request ${i} ok${i === 137 ? " ERROR disk full on /var" : ""}`).join("\n");
const KEY = ccrKey(ORIGINAL);
const COMPRESSED = `0 INFO request 0 ok\n${marker("299 lines omitted", KEY)}`;

/** A compressor that would shorten anything it is given: proves retrieval results are skipped. */
const greedy: Compressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "greedy",
  kinds: ["*"],
  compress: (u) => ({ text: u.text.slice(0, 10), lossless: true }),
};

function conversation(d: Dialect): unknown[] {
  if (d === "openai-chat")
    return [
      { role: "user", content: "what failed?" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read_log", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: COMPRESSED },
    ];
  if (d === "anthropic")
    return [
      { role: "user", content: "what failed?" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read_log", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: COMPRESSED }] },
    ];
  return [
    { role: "user", content: "what failed?" },
    { type: "function_call", call_id: "f1", name: "read_log", arguments: "{}" },
    { type: "function_call_output", call_id: "f1", output: COMPRESSED },
  ];
}

function response(d: Dialect, calls: { id: string; name: string; args: Record<string, unknown> }[]): unknown {
  if (d === "openai-chat")
    return {
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } })),
          },
        },
      ],
    };
  if (d === "anthropic")
    return {
      id: "msg_1",
      type: "message",
      role: "assistant",
      stop_reason: "tool_use",
      content: [
        { type: "thinking", thinking: "need the full log", signature: "sig-abc" },
        ...calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.args })),
      ],
    };
  return {
    id: "resp_1",
    object: "response",
    output: [
      { type: "reasoning", id: "rs_1", summary: [] },
      ...calls.map((c, i) => ({ type: "function_call", id: `fc_${i}`, call_id: c.id, name: c.name, arguments: JSON.stringify(c.args), status: "completed" })),
    ],
  };
}

const DIALECTS: Dialect[] = ["openai-chat", "anthropic", "openai-responses"];

describe("handleRetrieveCalls", () => {
  for (const d of DIALECTS) {
    it(`${d}: answers retrieve calls and the follow-up round-trips uncompressed`, async () => {
      const store = new MemoryStore();
      await store.put(KEY, ORIGINAL);
      const res = response(d, [
        { id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } },
        { id: "r2", name: RETRIEVE_TOOL_NAME, args: { hash: KEY, query: "ERROR disk" } },
      ]);
      const h = await handleRetrieveCalls(res, store);
      expect(h.dialect).toBe(d);
      expect(h.onlyRetrieve).toBe(true);
      expect(h.calls).toEqual([
        { id: "r1", hash: KEY },
        { id: "r2", hash: KEY, query: "ERROR disk" },
      ]);
      expect(h.results[0]!.text).toBe(ORIGINAL);
      expect(h.results[1]!.text).toMatch(/^\[Returned 1 of 300 lines matching "ERROR disk".*\]\n137 INFO request 137 ok ERROR disk full on \/var$/);

      const next = [...conversation(d), ...h.followUp];
      // The tool results pair with the calls and are recognised as headroom_retrieve outputs …
      const units = scanMessages(next, d).units.filter((u) => u.role === "tool" && u.toolName === RETRIEVE_TOOL_NAME);
      expect(units.map((u) => u.text)).toEqual([ORIGINAL, h.results[1]!.text]);
      // … so the pipeline never compresses them again, even with a compressor eager to.
      const out = await compress(next, { compressors: [greedy], minTokens: 0, store, format: d });
      const skipped = out.units.filter((u) => u.toolName === RETRIEVE_TOOL_NAME);
      expect(skipped.map((u) => u.reason)).toEqual(["retrieval result", "retrieval result"]);
      expect(JSON.stringify(out.messages.slice(conversation(d).length))).toBe(JSON.stringify(h.followUp));
    });
  }

  it("keeps the assistant turn as sent (Anthropic thinking signatures, Responses reasoning items)", async () => {
    const store = new MemoryStore();
    await store.put(KEY, ORIGINAL);
    const a = await handleRetrieveCalls(response("anthropic", [{ id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } }]), store);
    expect(a.followUp[0]).toEqual({ role: "assistant", content: (response("anthropic", [{ id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } }]) as { content: unknown }).content });
    const r = await handleRetrieveCalls(response("openai-responses", [{ id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } }]), store);
    expect((r.followUp as { type: string }[]).map((x) => x.type)).toEqual(["reasoning", "function_call", "function_call_output"]);
    const c = await handleRetrieveCalls(response("openai-chat", [{ id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } }]), store);
    expect(c.followUp[0]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "r1", type: "function", function: { name: RETRIEVE_TOOL_NAME, arguments: JSON.stringify({ hash: KEY }) } }] });
  });

  it("mixed tool calls: answers only ours and says the app must run the rest", async () => {
    const store = new MemoryStore();
    for (const d of DIALECTS) {
      const h = await handleRetrieveCalls(
        response(d, [
          { id: "x1", name: "read_file", args: { path: "a.ts" } },
          { id: "r1", name: RETRIEVE_TOOL_NAME, args: { hash: KEY } },
        ]),
        store,
      );
      expect(h.onlyRetrieve).toBe(false);
      expect(h.calls.map((c) => c.id)).toEqual(["r1"]);
      expect(h.results[0]).toMatchObject({ isError: true, result: { found: false, status: "unknown" } });
    }
  });

  it("no retrieve call: nothing to do", async () => {
    const store = new MemoryStore();
    for (const d of DIALECTS) {
      const h = await handleRetrieveCalls(response(d, []), store);
      expect(h).toMatchObject({ calls: [], onlyRetrieve: false, followUp: [] });
    }
  });

  it("bad arguments get an actionable error result", async () => {
    const store = new MemoryStore();
    const res = response("anthropic", [{ id: "r1", name: RETRIEVE_TOOL_NAME, args: { hsh: "x" } }]);
    const h = await handleRetrieveCalls(res, store);
    expect(h.results[0]).toMatchObject({ isError: true });
    expect(h.results[0]!.text).toMatch(/invalid arguments; expected \{"hash"/);
    const user = h.followUp[1] as { content: { is_error?: boolean }[] };
    expect(user.content[0]!.is_error).toBe(true);
    const chat = { choices: [{ message: { role: "assistant", content: null, tool_calls: [{ id: "q", type: "function", function: { name: RETRIEVE_TOOL_NAME, arguments: "{not json" } }] } }] };
    expect((await handleRetrieveCalls(chat, store)).results[0]!.text).toMatch(/invalid arguments/);
  });
});
