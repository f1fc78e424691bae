import OpenAI from "openai";
import { withHeadroom } from "@headroom/openai";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createSmartCrusher } from "@headroom/smart-crusher";

export async function example(deploysJson: string) {
  // The same client, with compression and the headroom_retrieve loop in-process (no proxy).
  const openai = withHeadroom(new OpenAI(), {
    store: new MemoryStore(),
    pipeline: createRouter({ compressors: [createSmartCrusher()] }),
    onCompress: (r) => console.log(`headroom: ${r.tokensBefore} → ${r.tokensAfter} tokens`),
  });
  const res = await openai.chat.completions.create({
    model: "gpt-4o",
    messages: [
      { role: "user", content: "Which deploy failed?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "list_deploys", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: deploysJson },
    ],
  });
  return res.choices[0]!.message.content;
}
