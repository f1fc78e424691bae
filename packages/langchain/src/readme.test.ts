import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { deploysText } from "@headroom/sdk-testing";

/** core's fake chat model, scripted: first a retrieve call for the marker it reads, then the answer. */
class Scripted extends FakeListChatModel {
  seen: BaseMessage[][] = [];
  constructor() {
    super({ responses: [""] });
  }
  override bindTools() {
    return this as never;
  }
  override async _generate(messages: BaseMessage[]) {
    this.seen.push(messages);
    const text = JSON.stringify(messages.map((m) => m.content));
    const message =
      this.seen.length === 1
        ? new AIMessage({ content: "", tool_calls: [{ id: "r", name: "headroom_retrieve", args: { hash: /hash=([a-f0-9]{24})/.exec(text)![1]!, query: "failed" } }] })
        : new AIMessage(text.includes("dep-17") ? "dep-17" : "?");
    return { generations: [{ text: "", message }] };
  }
}

describe("README", () => {
  it("shows examples/basic.ts verbatim, and it runs with a scripted fake chat model", async () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /<!-- example:basic -->\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(resolve(__dirname, "../examples/basic.ts"), "utf8").trimEnd());

    const chat = new Scripted();
    const { example } = await import("../examples/basic.js");
    expect(await example(chat, deploysText)).toBe("dep-17");
    expect(String(chat.seen[0]![2]!.content).length).toBeLessThan(deploysText.length / 4);
  });
});
