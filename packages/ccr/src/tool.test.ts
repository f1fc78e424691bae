import { describe, expect, it } from "vitest";
import { ccrKey, marker } from "@headroom/core";
import { detectRequestDialect, injectRetrieveTool, RETRIEVE_TOOL_NAME, retrieveToolDefinition, type Dialect } from "./tool.js";

const KEY = ccrKey("original");
const COMPRESSED = `3 of 40 lines kept\n${marker("37 lines omitted", KEY)}`;

/** A conversation in each dialect whose tool result carries a marker, `turns` user turns long. */
function request(d: Dialect, turns: number, tools: unknown[] = []): Record<string, unknown> {
  if (d === "openai-chat") {
    const messages: unknown[] = [
      { role: "system", content: "You are helpful." },
      { role: "user", content: "read the log" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: COMPRESSED },
    ];
    for (let i = 1; i < turns; i++) messages.push({ role: "assistant", content: `answer ${i}` }, { role: "user", content: `question ${i}` });
    return { model: "gpt-4o", messages, ...(tools.length ? { tools } : {}) };
  }
  if (d === "anthropic") {
    const messages: unknown[] = [
      { role: "user", content: "read the log" },
      { role: "assistant", content: [{ type: "tool_use", id: "tu1", name: "read", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "tu1", content: COMPRESSED }] },
    ];
    for (let i = 1; i < turns; i++) messages.push({ role: "assistant", content: [{ type: "text", text: `answer ${i}` }] }, { role: "user", content: `question ${i}` });
    return { model: "claude-sonnet-4-5", max_tokens: 1024, system: "You are helpful.", messages, ...(tools.length ? { tools } : {}) };
  }
  const input: unknown[] = [
    { role: "user", content: "read the log" },
    { type: "function_call", call_id: "fc1", name: "read", arguments: "{}" },
    { type: "function_call_output", call_id: "fc1", output: COMPRESSED },
  ];
  for (let i = 1; i < turns; i++) input.push({ role: "assistant", content: `answer ${i}` }, { role: "user", content: `question ${i}` });
  return { model: "gpt-4.1", input, ...(tools.length ? { tools } : {}) };
}

const userTool: Record<Dialect, unknown> = {
  "openai-chat": { type: "function", function: { name: "read", parameters: { type: "object", properties: {} } } },
  anthropic: { name: "read", input_schema: { type: "object", properties: {} } },
  "openai-responses": { type: "function", name: "read", parameters: { type: "object", properties: {} } },
};

const DIALECTS: Dialect[] = ["openai-chat", "anthropic", "openai-responses"];

describe("retrieveToolDefinition", () => {
  it("has the same shape of parameters in every dialect", () => {
    const chat = retrieveToolDefinition("openai-chat");
    const anth = retrieveToolDefinition("anthropic");
    const resp = retrieveToolDefinition("openai-responses");
    expect(chat.function.name).toBe(RETRIEVE_TOOL_NAME);
    expect(anth.name).toBe(RETRIEVE_TOOL_NAME);
    expect(resp).toMatchObject({ type: "function", name: RETRIEVE_TOOL_NAME, strict: false });
    for (const p of [chat.function.parameters, anth.input_schema, resp.parameters]) {
      expect(p).toMatchObject({ type: "object", required: ["hash"], properties: { hash: { type: "string" }, query: { type: "string" } } });
    }
  });

  it("returns fresh objects with identical bytes", () => {
    for (const d of DIALECTS) {
      const a = retrieveToolDefinition(d);
      (a as { description: string }).description = "mutated";
      expect(JSON.stringify(retrieveToolDefinition(d))).not.toContain("mutated");
      expect(JSON.stringify(retrieveToolDefinition(d))).toBe(JSON.stringify(retrieveToolDefinition(d)));
    }
  });
});

describe("detectRequestDialect", () => {
  it("tells the three dialects apart", () => {
    for (const d of DIALECTS) expect(detectRequestDialect(request(d, 1))).toBe(d);
    expect(detectRequestDialect({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })).toBe("anthropic");
    expect(detectRequestDialect({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })).toBe("openai-chat");
    expect(detectRequestDialect({ model: "x", messages: [{ role: "user", content: "hi" }], tools: [userTool.anthropic] })).toBe("anthropic");
  });
});

describe("injectRetrieveTool", () => {
  it("adds the tool last, only when a marker is present, and only once", () => {
    for (const d of DIALECTS) {
      const req = request(d, 1, [userTool[d]]);
      const out = injectRetrieveTool(req);
      expect(out).not.toBe(req);
      expect((out.tools as unknown[]).length).toBe(2);
      expect((out.tools as unknown[])[0]).toBe(userTool[d]);
      expect(JSON.stringify((out.tools as unknown[])[1])).toBe(JSON.stringify(retrieveToolDefinition(d)));
      expect(req.tools).toEqual([userTool[d]]); // input untouched
      // Everything but `tools` is the very same.
      for (const k of Object.keys(req)) if (k !== "tools") expect(out[k]).toBe(req[k]);
      expect(injectRetrieveTool(out)).toBe(out);
      const plain = JSON.parse(JSON.stringify(req).replaceAll(`hash=${KEY}`, "no marker")) as Record<string, unknown>;
      expect(injectRetrieveTool(plain)).toBe(plain);
    }
  });

  it("is byte-stable across turns, with or without the caller's tools", () => {
    for (const d of DIALECTS)
      for (const tools of [[], [userTool[d]]]) {
        const bytes = [1, 2, 3, 5].map((turns) => JSON.stringify(injectRetrieveTool(request(d, turns, tools)).tools));
        expect(new Set(bytes).size).toBe(1);
        // And the serialized request of turn N is a prefix-compatible extension: the tools block is unchanged.
        const t1 = JSON.stringify(injectRetrieveTool(request(d, 1, tools)));
        const t3 = JSON.stringify(injectRetrieveTool(request(d, 3, tools)));
        expect(t3.slice(t3.indexOf('"tools"'))).toBe(t1.slice(t1.indexOf('"tools"')));
      }
  });

  it("honours an explicit dialect", () => {
    const req = request("openai-chat", 1);
    const out = injectRetrieveTool(req, "openai-chat");
    expect((out.tools as { function: { name: string } }[])[0]!.function.name).toBe(RETRIEVE_TOOL_NAME);
  });
});

describe("containsMarker", () => {
  it("recognises our markers by their whole form, never a URL's hash= parameter", async () => {
    const { containsMarker } = await import("./tool.js");
    const { ccrKey, marker } = await import("@headroom/core");
    const k = ccrKey("x");
    const zeek = `GET\t/ajax/x.php?v=2&hash=${k}&t=1\t200`;
    expect(containsMarker([{ role: "tool", content: zeek }])).toBe(false);
    expect(containsMarker([{ role: "tool", content: `${zeek}\n${marker("3 lines omitted", k)}` }])).toBe(true);
  });
});
