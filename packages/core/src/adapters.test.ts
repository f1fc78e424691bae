import { describe, expect, it } from "vitest";
import { fileNameFromArgs } from "./adapters.js";
import { compress, detectFormat, scanMessages, SPECIFICATION_VERSION, type CompressorV1 as Compressor, type Store } from "./index.js";

const upper: Compressor = {
  specificationVersion: SPECIFICATION_VERSION,
  name: "shorten",
  kinds: ["*"],
  // Lossless for the test's purpose: drops the filler word "padding " that the fixtures repeat.
  compress: (u) => ({ text: u.text.replaceAll("padding ", ""), lossless: true }),
};
const big = "result " + "padding ".repeat(300);
const tok = { name: "chars", encoding: "chars", estimated: true, count: (t: string) => t.length };
const opts = { compressors: [upper], tokenizer: tok, minTokens: 1 };

describe("Anthropic Messages", () => {
  const messages = [
    { role: "user", content: [{ type: "text", text: "Read the config please", cache_control: { type: "ephemeral" } }] },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should read it " + "padding ".repeat(50), signature: "sig==" },
        { type: "redacted_thinking", data: "opaque" },
        { type: "tool_use", id: "tu_1", name: "Read", input: { file_path: "/etc/app.py" } },
        { type: "tool_use", id: "tu_2", name: "Bash", input: { command: "cat notes.txt" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "tu_1", content: big, cache_control: { type: "ephemeral" } },
        { type: "tool_result", tool_use_id: "tu_2", content: [{ type: "text", text: big }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } }] },
      ],
    },
  ];

  it("is detected and its tool results found with tool names and file hints", () => {
    expect(detectFormat(messages)).toBe("anthropic");
    const scan = scanMessages(messages, "anthropic");
    const tools = scan.units.filter((u) => u.role === "tool");
    expect(tools.map((u) => [u.id, u.toolName])).toEqual([
      ["messages[2].content[0].content", "Read"],
      ["messages[2].content[1].content[0].text", "Bash"],
    ]);
    expect(tools[0]!.query).toBe("Read the config please");
    expect(fileNameFromArgs(tools[0]!.toolArgs)).toBe("/etc/app.py");
    expect(fileNameFromArgs(tools[1]!.toolArgs)).toBe("notes.txt");
  });

  it("compresses tool results only; thinking, signatures, images and cache_control pass through byte-identical", async () => {
    const before = JSON.stringify(messages);
    const r = await compress(messages, opts);
    expect(JSON.stringify(messages)).toBe(before);
    expect(r.messages[0]).toBe(messages[0]);
    expect(r.messages[1]).toBe(messages[1]);
    const user = r.messages[2] as { content: Array<Record<string, any>> };
    expect(user.content[0]).toEqual({ type: "tool_result", tool_use_id: "tu_1", content: "result ", cache_control: { type: "ephemeral" } });
    expect(Object.keys(user.content[0]!)).toEqual(["type", "tool_use_id", "content", "cache_control"]);
    expect(user.content[1]!.content[0]).toEqual({ type: "text", text: "result " });
    expect(user.content[1]!.content[1]).toBe((messages[2]!.content as any)[1].content[1]);
    expect(r.units).toHaveLength(2);
  });
});

describe("OpenAI Responses input items", () => {
  const input = [
    { type: "message", role: "user", content: [{ type: "input_text", text: "list the files" }] },
    { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc" },
    { type: "function_call", call_id: "call_9", name: "shell", arguments: "{\"cmd\":\"ls -R\"}" },
    { type: "function_call_output", call_id: "call_9", output: big },
    { role: "assistant", content: "ok" },
  ];
  it("finds function_call_output units and keeps other items identical", async () => {
    expect(detectFormat(input)).toBe("openai-responses");
    const r = await compress(input, opts);
    expect(r.format).toBe("openai-responses");
    expect(r.units.map((u) => [u.id, u.toolName])).toEqual([["input[3].output", "shell"]]);
    expect((r.messages[3] as { output: string }).output).toBe("result ");
    for (const i of [0, 1, 2, 4]) expect(r.messages[i]).toBe(input[i]);
  });
});

describe("OpenAI Chat part arrays", () => {
  it("compresses text parts of tool messages and leaves image parts alone", async () => {
    const msgs = [
      { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAA" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "x", type: "function", function: { name: "fetch", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "x", content: [{ type: "text", text: big }] },
    ];
    expect(detectFormat(msgs)).toBe("openai-chat");
    const r = await compress(msgs, opts);
    expect((r.messages[2] as any).content[0].text).toBe("result ");
    expect(r.messages[0]).toBe(msgs[0]);
    expect("query" in r.units[0]!).toBe(false); // units report no query; the compressor got it
  });

  it("compresses user text only when the role is opted in", async () => {
    const msgs = [{ role: "user", content: big }];
    expect((await compress(msgs, opts)).messages).toBe(msgs);
    expect(((await compress(msgs, { ...opts, roles: ["user"] })).messages[0] as any).content).toBe("result ");
  });
});

describe("store failures", () => {
  it("fail open when the store cannot take the original", async () => {
    const broken: Store = { get: async () => undefined, put: async () => { throw new Error("disk full"); }, has: async () => false, delete: async () => false };
    const lossy: Compressor = { ...upper, name: "lossy", compress: () => ({ text: "x", lossless: false, originals: [] }) };
    const r = await compress([{ role: "tool", tool_call_id: "t", content: big }], { ...opts, compressors: [lossy], store: broken });
    expect(r.units[0]!.status).toBe("unchanged");
    expect(r.errors[0]!.message).toBe("lossy result carries no marker to its stored original");
    const { ccrKey, marker } = await import("./index.js");
    const withOrig: Compressor = { ...upper, name: "orig", compress: (u) => ({ text: marker("gone", ccrKey(u.text)), lossless: false, originals: [{ key: ccrKey(u.text), content: u.text }] }) };
    const msgs = [{ role: "tool", tool_call_id: "t", content: big }];
    const r2 = await compress(msgs, { ...opts, compressors: [withOrig], store: broken });
    expect(r2.messages).toBe(msgs);
    expect(r2.errors[0]).toMatchObject({ stage: "store", message: "disk full" });
  });
});
