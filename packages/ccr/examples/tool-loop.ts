import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { createDefaultRouter } from "@headroom/router/node";
import { injectRetrieveTool, handleRetrieveCalls } from "@headroom/ccr";
import { openStore } from "@headroom/ccr/node";

export async function toolLoop(openai: OpenAI, messages: ChatCompletionMessageParam[], tools: ChatCompletionTool[]) {
  const store = openStore(); // the file store in ~/.local/share/headroom/ccr (see defaultStorePath)
  const router = await createDefaultRouter({ store });
  let body = { model: "gpt-4o", messages, tools };
  for (;;) {
    const { messages: compressed } = await router.compress(body.messages);
    const request = injectRetrieveTool({ ...body, messages: compressed }); // adds headroom_retrieve if a marker is present
    const response = await openai.chat.completions.create(request);
    const handled = await handleRetrieveCalls(response, store); // followUp: Chat Completions messages
    if (!handled.onlyRetrieve) return response; // the model answered, or wants your own tools too
    body = { ...body, messages: [...body.messages, ...handled.followUp] };
  }
}
