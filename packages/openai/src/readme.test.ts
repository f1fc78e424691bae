import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deploysText, markerHash, mockServer } from "@headroom/sdk-testing";

describe("README", () => {
  it("shows examples/basic.ts verbatim, and it runs against the SDK with a scripted model", async () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /<!-- example:basic -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(resolve(__dirname, "../examples/basic.ts"), "utf8").trimEnd());

    const server = await mockServer([
      (b) => ({ json: { id: "c", object: "chat.completion", created: 1, model: "gpt-4o", choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: null, tool_calls: [{ id: "r", type: "function", function: { name: "headroom_retrieve", arguments: JSON.stringify({ hash: markerHash(b), query: "failed" }) } }] } }] } }),
      (b) => ({ json: { id: "c", object: "chat.completion", created: 1, model: "gpt-4o", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: JSON.stringify(b.messages.at(-1).content).includes("dep-17") ? "dep-17" : "?" } }] } }),
    ]);
    afterAll(() => server.close());
    // The SDK reads these, as it would read the real ones.
    process.env.OPENAI_API_KEY = "sk-test";
    process.env.OPENAI_BASE_URL = `${server.url}/v1`;
    const { example } = await import("../examples/basic.js");
    expect(await example(deploysText)).toBe("dep-17");
    expect(server.raw[0]!.length).toBeLessThan(deploysText.length / 4);
  });
});
