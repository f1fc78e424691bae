import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3ToolCall,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { RETRIEVE_TOOL_NAME } from "@headroom/ccr";
import { answer, assistantTurn, fixFinish, isAppCall, sumUsage } from "./generate.js";
import type { Resolved } from "./options.js";

type Finish = Extract<LanguageModelV3StreamPart, { type: "finish" }>;

/**
 * One streamed round: parts pass through as they come, except our tool input and call parts; the
 * `finish` part is held until the round's end says whether the stream goes on. The round's content is
 * rebuilt from the parts (text, reasoning with its provider metadata, tool calls) for the continuation.
 */
class Round {
  private ourInputs = new Set<string>();
  private texts = new Map<string, { type: "text" | "reasoning"; text: string; providerMetadata?: Record<string, Record<string, unknown>> }>();
  readonly content: LanguageModelV3Content[] = [];
  readonly ours: LanguageModelV3ToolCall[] = [];
  finish: Finish | undefined;

  /** What the caller sees of one part (nothing, or the part). */
  push(part: LanguageModelV3StreamPart, round: number): LanguageModelV3StreamPart[] {
    switch (part.type) {
      case "stream-start":
      case "response-metadata":
        return round === 0 ? [part] : [];
      case "finish":
        this.finish = part;
        return [];
      case "tool-input-start":
        if (part.toolName !== RETRIEVE_TOOL_NAME) return [part];
        this.ourInputs.add(part.id);
        return [];
      case "tool-input-delta":
      case "tool-input-end":
        return this.ourInputs.has(part.id) ? [] : [part];
      case "tool-call":
        if (part.toolName === RETRIEVE_TOOL_NAME) {
          this.ours.push(part);
          this.content.push(part);
          return [];
        }
        this.content.push(part);
        return [part];
      case "text-start":
      case "reasoning-start":
        this.open(part.id, part.type === "text-start" ? "text" : "reasoning", part.providerMetadata);
        return [part];
      case "text-delta":
      case "reasoning-delta": {
        const t = this.texts.get(part.id);
        if (t) t.text += part.delta;
        return [part];
      }
      case "text-end":
      case "reasoning-end": {
        const t = this.texts.get(part.id);
        if (t && part.providerMetadata) t.providerMetadata = { ...t.providerMetadata, ...part.providerMetadata };
        return [part];
      }
      default:
        return [part];
    }
  }

  private open(id: string, type: "text" | "reasoning", providerMetadata?: Record<string, Record<string, unknown>>): void {
    const entry = { type, text: "", ...(providerMetadata ? { providerMetadata } : {}) };
    this.texts.set(id, entry);
    // Order in the content is the order the parts started in.
    this.content.push(entry as LanguageModelV3Content);
  }

  get appCalls(): number {
    return this.content.filter(isAppCall).length;
  }
}

/** `wrapStream`: while a round asks only for `headroom_retrieve`, answer and splice the next round in. */
export async function streamLoop(
  r: Resolved,
  doStream: () => PromiseLike<LanguageModelV3StreamResult>,
  params: LanguageModelV3CallOptions,
  model: LanguageModelV3,
): Promise<LanguageModelV3StreamResult> {
  const first = await doStream();
  let reader = first.stream.getReader();
  let prompt = params.prompt;
  let round = 0;
  let cur = new Round();
  const usages: LanguageModelV3Usage[] = [];
  const stream = new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (!done) {
          const out = cur.push(value, round);
          for (const p of out) controller.enqueue(p);
          if (out.length) return;
          continue;
        }
        const goOn = cur.ours.length > 0 && cur.appCalls === 0 && round < r.maxRounds;
        if (!goOn) {
          if (cur.finish) {
            const usage = usages.length ? sumUsage([...usages, cur.finish.usage]) : cur.finish.usage;
            controller.enqueue({ ...cur.finish, usage, finishReason: cur.ours.length ? fixFinish(cur.finish.finishReason, cur.appCalls) : cur.finish.finishReason });
          }
          controller.close();
          return;
        }
        if (cur.finish) usages.push(cur.finish.usage);
        prompt = [...prompt, assistantTurn(cur.content), await answer(r, cur.ours)];
        const next = await model.doStream({ ...params, prompt });
        reader = next.stream.getReader();
        round++;
        cur = new Round();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { ...first, stream };
}
