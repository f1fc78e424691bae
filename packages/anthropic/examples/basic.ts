import Anthropic from "@anthropic-ai/sdk";
import { withHeadroom } from "@headroom/anthropic";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createSmartCrusher } from "@headroom/smart-crusher";

export async function example(deploysJson: string) {
  // The same client, with compression and the headroom_retrieve loop in-process (no proxy).
  const anthropic = withHeadroom(new Anthropic(), {
    store: new MemoryStore(),
    pipeline: createRouter({ compressors: [createSmartCrusher()] }),
    onCompress: (r) => console.log(`headroom: ${r.tokensBefore} → ${r.tokensAfter} tokens (estimated: ${r.tokenizer.estimated})`),
  });
  const stream = anthropic.messages.stream({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [
      { role: "user", content: "Which deploy failed?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "list_deploys", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: deploysJson }] },
    ],
  });
  stream.on("text", (t) => process.stdout.write(t));
  return (await stream.finalMessage()).content;
}
