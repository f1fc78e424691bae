import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { compress } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { deploysText, setup, tokensOf } from "@headroom/sdk-testing";
import { withHeadroom } from "./index.js";

/**
 * core's FakeListChatModel scripted per turn: each call records what the model read (messages and
 * bound tools, through the real bindTools → withConfig → call options path) and answers the next
 * scripted AIMessage. (The stock fake answers strings only, so it cannot make tool calls.)
 */
class ScriptedChatModel extends FakeListChatModel {
  calls: { messages: BaseMessage[]; tools: { name: string }[] }[] = [];
  constructor(private script: ((messages: BaseMessage[]) => AIMessage)[]) {
    super({ responses: [""] });
  }
  override bindTools(tools: { name: string }[]) {
    return this.withConfig({ tools } as never) as never;
  }
  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]) {
    this.calls.push({ messages, tools: ((options as { tools?: { name: string }[] }).tools ?? []) });
    const message = this.script[this.calls.length - 1]!(messages);
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }
}

const history = (): BaseMessage[] => [
  new SystemMessage({ content: "You are an SRE assistant.", id: "sys-1" }),
  new HumanMessage({ content: "Which deploy failed?", id: "h-1" }),
  new AIMessage({ content: "", id: "ai-1", tool_calls: [{ id: "call_1", name: "list_deploys", args: { since: "1d" }, type: "tool_call" }] }),
  new ToolMessage({ content: deploysText, tool_call_id: "call_1", id: "tool-1", name: "list_deploys", artifact: { rows: 120 } }),
];

const hashIn = (ms: BaseMessage[]) => /hash=([a-f0-9]{24})/.exec(JSON.stringify(ms.map((m) => m.content)))![1]!;
const answerOf = (ms: BaseMessage[]) => String(ms.find((m) => m instanceof ToolMessage && m.tool_call_id === "call_r")?.content ?? "");

describe("withHeadroom(BaseChatModel)", () => {
  it("compresses ToolMessages in place, answers headroom_retrieve, never shows it", async () => {
    const { store, pipeline } = setup();
    const inner = new ScriptedChatModel([
      (ms) => new AIMessage({ content: "", id: "ai-r", tool_calls: [{ id: "call_r", name: "headroom_retrieve", args: { hash: hashIn(ms), query: "failed" }, type: "tool_call" }] }),
      (ms) => new AIMessage({ content: answerOf(ms).includes('"dep-17"') ? "dep-17 failed" : "?", id: "ai-2" }),
      () => new AIMessage({ content: "worker", id: "ai-3" }),
    ]);
    const saved: number[] = [];
    const model = withHeadroom(inner, { store, pipeline, model: "gpt-4o", onCompress: (r) => saved.push(r.tokensSaved) });
    const msgs = history();
    const res = await model.invoke(msgs);

    expect(res.content).toBe("dep-17 failed");
    expect(res.tool_calls ?? []).toEqual([]);
    expect(inner.calls).toHaveLength(2);
    expect(saved[0]).toBeGreaterThan(0);
    const first = inner.calls[0]!;
    expect(first.tools.map((t) => t.name)).toEqual(["headroom_retrieve"]);
    // Untouched messages are the caller's own instances; the compressed one keeps class, id and fields.
    for (let i = 0; i < 3; i++) expect(first.messages[i]).toBe(msgs[i]);
    const tool = first.messages[3] as ToolMessage;
    expect(tool).toBeInstanceOf(ToolMessage);
    expect([tool.id, tool.tool_call_id, tool.name, tool.artifact]).toEqual(["tool-1", "call_1", "list_deploys", { rows: 120 }]);
    expect(await tokensOf(first.messages.map((m) => m.content))).toBeLessThan((await tokensOf(msgs.map((m) => m.content))) / 4);
    expect(msgs[3]!.content).toBe(deploysText);
    const second = inner.calls[1]!.messages;
    expect(second.slice(0, 4)).toEqual(first.messages);
    expect(second[5]).toBeInstanceOf(ToolMessage);
    expect(answerOf(second)).toContain('"id": "dep-17"');

    // Next turn: the compressed tool message is the same bytes as last time.
    await model.invoke([...msgs, res, new HumanMessage("Which service?")]);
    expect(inner.calls[2]!.messages[3]!.content).toBe(tool.content);
    expect(inner.calls[2]!.messages.slice(0, 4)).toEqual(first.messages);
  });

  it("stream() yields the final answer (one chunk) without our tool", async () => {
    const { store, pipeline } = setup();
    const inner = new ScriptedChatModel([
      (ms) => new AIMessage({ content: "", tool_calls: [{ id: "call_r", name: "headroom_retrieve", args: { hash: hashIn(ms) }, type: "tool_call" }] }),
      () => new AIMessage({ content: "dep-17 failed" }),
    ]);
    const chunks = [];
    for await (const c of await withHeadroom(inner, { store, pipeline }).stream(history())) chunks.push(c);
    expect(chunks.map((c) => c.content).join("")).toBe("dep-17 failed");
    expect(chunks.flatMap((c) => c.tool_calls ?? [])).toEqual([]);
  });

  it("bindTools binds the caller's tools first and keeps the app's tool calls", async () => {
    const { store, pipeline } = setup();
    const inner = new ScriptedChatModel([
      (ms) =>
        new AIMessage({
          content: "",
          tool_calls: [
            { id: "call_r", name: "headroom_retrieve", args: { hash: hashIn(ms) }, type: "tool_call" },
            { id: "call_2", name: "rollback", args: { id: "dep-17" }, type: "tool_call" },
          ],
        }),
    ]);
    const model = withHeadroom(inner, { store, pipeline }).bindTools([{ name: "rollback", description: "Roll back", schema: { type: "object", properties: { id: { type: "string" } } } }]);
    const res = await model.invoke(history());
    expect(inner.calls[0]!.tools.map((t) => t.name)).toEqual(["rollback", "headroom_retrieve"]);
    expect(res.tool_calls!.map((c) => c.name)).toEqual(["rollback"]);
  });

  it("a conversation with nothing to compress reaches the stock fake model untouched", async () => {
    const inner = new FakeListChatModel({ responses: ["hello"] });
    const msgs = [new HumanMessage({ content: "hi", id: "h" })];
    const res = await withHeadroom(inner, setup()).invoke(msgs);
    expect(res.content).toBe("hello");
  });
});

describe("fail open", () => {
  it("a throwing pipeline sends the caller's messages as they were, and says so", async () => {
    const errors: string[] = [];
    const inner = new ScriptedChatModel([() => new AIMessage("ok")]);
    const msgs = history();
    const res = await withHeadroom(inner, { pipeline: { compress: () => Promise.reject(new Error("boom")) }, onError: (e) => errors.push(e.message) }).invoke(msgs);
    expect(res.content).toBe("ok");
    for (const [i, m] of inner.calls[0]!.messages.entries()) expect(m).toBe(msgs[i]);
    expect(errors).toEqual(["compression failed, request sent uncompressed: boom"]);
  });
});

describe("a model without bindTools", () => {
  it("gets the uncompressed messages (it could not retrieve), and the error is reported", async () => {
    const errors: string[] = [];
    const inner = new ScriptedChatModel([() => new AIMessage("ok")]);
    (inner as { bindTools?: unknown }).bindTools = undefined;
    const msgs = history();
    const res = await withHeadroom(inner, { ...setup(), onError: (e) => errors.push(e.message) }).invoke(msgs);
    expect(res.content).toBe("ok");
    expect(inner.calls[0]!.messages[3]).toBe(msgs[3]);
    expect(errors).toEqual(["fake-list has no bindTools, so it cannot be offered headroom_retrieve: request sent uncompressed"]);
  });
});

describe("plain compress() on LangChain messages", () => {
  it("warns instead of silently doing nothing", async () => {
    const r = await compress(history() as unknown[]);
    expect(r.units).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ stage: "detect", message: expect.stringContaining("LangChain messages: use @headroom/langchain") })]);
  });
});
