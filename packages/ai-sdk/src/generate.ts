import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3ToolCall,
} from "@ai-sdk/provider";
import { handleRetrieveCalls, RETRIEVE_TOOL_NAME } from "@headroom/ccr";
import { reportRetrievals, type Resolved } from "./options.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const isOurs = (c: { type: string; toolName?: string }): boolean => c.type === "tool-call" && c.toolName === RETRIEVE_TOOL_NAME;
/** A tool call the app has to run (provider-executed ones are answered by the provider). */
export const isAppCall = (c: LanguageModelV3Content): boolean => c.type === "tool-call" && !isOurs(c) && !c.providerExecuted;

function parseInput(s: string): unknown {
  try {
    return JSON.parse(s || "{}");
  } catch {
    return s;
  }
}

/** The model's output as the assistant turn of the next prompt (provider metadata, e.g. signatures, kept). */
export function assistantTurn(content: LanguageModelV3Content[]): LanguageModelV3Message {
  const parts: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
  for (const c of content) {
    const po = c.type !== "source" && "providerMetadata" in c && c.providerMetadata ? { providerOptions: c.providerMetadata } : {};
    if (c.type === "text") parts.push({ type: "text", text: c.text, ...po });
    else if (c.type === "reasoning") parts.push({ type: "reasoning", text: c.text, ...po });
    else if (c.type === "tool-call") parts.push({ type: "tool-call", toolCallId: c.toolCallId, toolName: c.toolName, input: parseInput(c.input), ...(c.providerExecuted ? { providerExecuted: true } : {}), ...po });
    else if (c.type === "file") parts.push({ type: "file", data: c.data, mediaType: c.mediaType, ...po });
  }
  return { role: "assistant", content: parts };
}

/** Answers our calls from the store (ccr validates the arguments) and returns the tool turn. */
export async function answer(r: Resolved, calls: LanguageModelV3ToolCall[]): Promise<LanguageModelV3Message> {
  const asChat = { choices: [{ message: { tool_calls: calls.map((c) => ({ id: c.toolCallId, type: "function", function: { name: c.toolName, arguments: c.input } })) } }] };
  const handled = await handleRetrieveCalls(asChat, r.store, "openai-chat");
  reportRetrievals(r, handled.results);
  return {
    role: "tool",
    content: handled.results.map((res) => ({
      type: "tool-result" as const,
      toolCallId: res.id,
      toolName: RETRIEVE_TOOL_NAME,
      output: { type: res.isError ? ("error-text" as const) : ("text" as const), value: res.text },
    })),
  };
}

/** Adds up the numeric fields of usage objects (nested ones too); undefined stays undefined only if every round's is. */
export function sumUsage<T>(list: T[]): T {
  const out: Obj = {};
  for (const u of list) {
    if (!isObj(u)) continue;
    for (const [k, v] of Object.entries(u)) {
      if (typeof v === "number") out[k] = (typeof out[k] === "number" ? (out[k] as number) : 0) + v;
      else if (isObj(v)) out[k] = sumUsage([out[k], v]);
      else if (!(k in out)) out[k] = v;
    }
  }
  return out as T;
}

/** A finish asking for tools of which none is left for the app becomes `stop`. */
export function fixFinish(reason: LanguageModelV3FinishReason, appCalls: number): LanguageModelV3FinishReason {
  return reason.unified === "tool-calls" && appCalls === 0 ? { ...reason, unified: "stop" } : reason;
}

/** `wrapGenerate`: while the model asks only for `headroom_retrieve`, answer and generate again. */
export async function generateLoop(
  r: Resolved,
  doGenerate: () => PromiseLike<LanguageModelV3GenerateResult>,
  params: LanguageModelV3CallOptions,
  model: LanguageModelV3,
): Promise<LanguageModelV3GenerateResult> {
  let result = await doGenerate();
  const rounds: LanguageModelV3GenerateResult[] = [];
  let prompt = params.prompt;
  for (let round = 0; ; round++) {
    const ours = result.content.filter((c): c is LanguageModelV3ToolCall => isOurs(c));
    if (!ours.length || result.content.some(isAppCall) || round >= r.maxRounds) break;
    prompt = [...prompt, assistantTurn(result.content), await answer(r, ours)];
    rounds.push(result);
    result = await model.doGenerate({ ...params, prompt });
  }
  const all = [...rounds, result];
  const content = all.flatMap((x) => x.content.filter((c) => !isOurs(c)));
  if (content.length === result.content.length && !rounds.length) return result;
  return {
    ...result,
    content,
    finishReason: fixFinish(result.finishReason, content.filter(isAppCall).length),
    usage: rounds.length ? sumUsage(all.map((x) => x.usage)) : result.usage,
    warnings: all.flatMap((x) => x.warnings),
  };
}
