import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { deploys } from "@headroom/sdk-testing";

describe("README", () => {
  it("shows examples/basic.ts verbatim, and it runs with a scripted MockLanguageModelV3", async () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /<!-- example:basic -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(resolve(__dirname, "../examples/basic.ts"), "utf8").trimEnd());

    const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
    const mock: MockLanguageModelV3 = new MockLanguageModelV3({
      doGenerate: async (p) => {
        const seen = JSON.stringify(p.prompt);
        if (mock.doGenerateCalls.length === 1) {
          const hash = /hash=([a-f0-9]{24})/.exec(seen)![1]!;
          return { content: [{ type: "tool-call", toolCallId: "r", toolName: "headroom_retrieve", input: JSON.stringify({ hash, query: "failed" }) }], finishReason: { unified: "tool-calls", raw: undefined }, usage, warnings: [] };
        }
        return { content: [{ type: "text", text: seen.includes('\\"dep-17\\"') ? "dep-17" : "?" }], finishReason: { unified: "stop", raw: undefined }, usage, warnings: [] };
      },
    });
    const { example } = await import("../examples/basic.js");
    expect(await example(mock, deploys)).toBe("dep-17");
    expect(JSON.stringify(mock.doGenerateCalls[0]!.prompt).length).toBeLessThan(JSON.stringify(deploys).length / 4);
  });
});
