import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, wrapLanguageModel } from "ai";
import { headroom } from "@headroom/ai-sdk";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createSmartCrusher } from "@headroom/smart-crusher";

/** `model`: any AI SDK 6 language model, e.g. `openai("gpt-4o")` from `@ai-sdk/openai`. */
export async function example(model: LanguageModelV3, deploys: unknown[]) {
  const wrapped = wrapLanguageModel({
    model,
    middleware: headroom({ store: new MemoryStore(), pipeline: createRouter({ compressors: [createSmartCrusher()] }) }),
  });
  const { text } = await generateText({
    model: wrapped,
    messages: [
      { role: "user", content: "Which deploy failed?" },
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "list_deploys", input: {} }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", toolName: "list_deploys", output: { type: "json", value: deploys as never } }] },
    ],
  });
  return text;
}
