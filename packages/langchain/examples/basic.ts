import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { withHeadroom } from "@headroom/langchain";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createSmartCrusher } from "@headroom/smart-crusher";

/** `chat`: any LangChain.js chat model, e.g. `new ChatAnthropic({ model: "claude-sonnet-4-5" })`. */
export async function example(chat: BaseChatModel, deploysJson: string) {
  const model = withHeadroom(chat, { store: new MemoryStore(), pipeline: createRouter({ compressors: [createSmartCrusher()] }) });
  const answer = await model.invoke([
    new HumanMessage("Which deploy failed?"),
    new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "list_deploys", args: {} }] }),
    new ToolMessage({ content: deploysJson, tool_call_id: "call_1" }),
  ]);
  return answer.content;
}
