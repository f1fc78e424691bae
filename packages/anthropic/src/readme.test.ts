import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { deploysText, markerHash, mockServer } from "@headroom/sdk-testing";

const start = { type: "message_start", message: { id: "m", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } };
const end = (stop: string) => [{ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 3 } }, { type: "message_stop" }];

describe("README", () => {
  it("shows examples/basic.ts verbatim, and it runs against the SDK with a scripted model", async () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /<!-- example:basic -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(resolve(__dirname, "../examples/basic.ts"), "utf8").trimEnd());

    const server = await mockServer([
      (b) => ({
        named: true,
        sse: [
          start,
          { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_r", name: "headroom_retrieve", input: {} } },
          { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify({ hash: markerHash(b), query: "failed" }) } },
          { type: "content_block_stop", index: 0 },
          ...end("tool_use"),
        ],
      }),
      (b) => ({
        named: true,
        sse: [
          start,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: JSON.stringify(b.messages.at(-1)).includes("dep-17") ? "dep-17" : "?" } },
          { type: "content_block_stop", index: 0 },
          ...end("end_turn"),
        ],
      }),
    ]);
    afterAll(() => server.close());
    process.env.ANTHROPIC_API_KEY = "sk-ant-test";
    process.env.ANTHROPIC_BASE_URL = server.url;
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const { example } = await import("../examples/basic.js");
    const content = await example(deploysText);
    write.mockRestore();
    expect(content).toEqual([{ type: "text", text: "dep-17" }]);
    expect(server.raw[0]!.length).toBeLessThan(deploysText.length / 4);
  });
});
