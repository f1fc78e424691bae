/**
 * @headroom/langchain — Headroom for LangChain.js: `withHeadroom(model)` wraps any `BaseChatModel` so
 * that the message list it reads is compressed (tool messages by default; every message keeps its
 * class, id and fields), `headroom_retrieve` is bound when a marker was emitted, and the model's
 * retrieve calls are answered from the store before the caller sees the answer.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, ToolMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { containsMarker, handleRetrieveCalls, retrieveToolDefinition, RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME } from "@headroom/ccr";
import { asChat, withContent } from "./messages.js";
import { compressMessages, reportRetrievals, resolveOptions, type HeadroomOptions, type Resolved } from "./options.js";

export type { HeadroomOptions, HeadroomError } from "./options.js";

type Obj = Record<string, unknown>;
type ToolCall = { id?: string; name: string; args: Record<string, unknown> };

/** Compresses a LangChain message list in place: untouched messages are the very same instances. */
async function compressLangChain(r: Resolved, messages: BaseMessage[], model?: string): Promise<BaseMessage[]> {
  const plain = messages.map(asChat);
  const out = await compressMessages(r, plain, "openai-chat", model);
  if (out === plain) return messages;
  return messages.map((m, i) => (out[i] === plain[i] ? m : withContent(m, (out[i] as Obj).content)));
}

/** The answer without our calls (tool_calls, provider-format tool calls in additional_kwargs, tool_use blocks). */
function hideOurs(ai: AIMessage): AIMessage {
  const calls = (ai.tool_calls ?? []) as ToolCall[];
  if (!calls.some((c) => c.name === RETRIEVE_TOOL_NAME)) return ai;
  const kw = { ...ai.additional_kwargs } as Obj;
  if (Array.isArray(kw.tool_calls)) kw.tool_calls = (kw.tool_calls as Obj[]).filter((t) => (t.function as Obj | undefined)?.name !== RETRIEVE_TOOL_NAME);
  const content = Array.isArray(ai.content) ? ai.content.filter((b) => !((b as Obj).type === "tool_use" && (b as Obj).name === RETRIEVE_TOOL_NAME)) : ai.content;
  return new AIMessage({
    content: content as AIMessage["content"],
    ...(ai.id ? { id: ai.id } : {}),
    ...(ai.name ? { name: ai.name } : {}),
    tool_calls: ai.tool_calls!.filter((c) => c.name !== RETRIEVE_TOOL_NAME),
    invalid_tool_calls: ai.invalid_tool_calls ?? [],
    additional_kwargs: kw,
    response_metadata: ai.response_metadata,
    ...(ai.usage_metadata ? { usage_metadata: ai.usage_metadata } : {}),
  });
}

/**
 * `headroom_retrieve` as LangChain tool params (`name`, `description`, JSON-schema `schema`): the shape
 * every chat model's `bindTools` converts to its provider's format.
 */
export function retrieveTool(): { name: string; description: string; schema: Record<string, unknown> } {
  return { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, schema: retrieveToolDefinition("openai-chat").function.parameters };
}

/** Answers our calls from the store (ccr validates the arguments) as `ToolMessage`s. */
async function answer(r: Resolved, calls: ToolCall[]): Promise<ToolMessage[]> {
  const asChatResponse = { choices: [{ message: { tool_calls: calls.map((c) => ({ id: c.id ?? "", type: "function", function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) } })) } }] };
  const handled = await handleRetrieveCalls(asChatResponse, r.store, "openai-chat");
  reportRetrievals(r, handled.results);
  return handled.results.map((res) => new ToolMessage({ content: res.text, tool_call_id: res.id, name: RETRIEVE_TOOL_NAME, status: res.isError ? "error" : "success" }));
}

/**
 * A `BaseChatModel` around another one: same messages in and out, compressed on the way in, with the
 * retrieval loop. Built by {@link withHeadroom}; `bindTools` binds the caller's tools on the inner
 * model (with ours after them when needed).
 */
export class HeadroomChatModel<CallOptions extends BaseChatModelCallOptions = BaseChatModelCallOptions> extends BaseChatModel<CallOptions> {
  readonly inner: BaseChatModel;
  private readonly r: Resolved;
  private readonly tools: BindToolsInput[];
  private readonly toolKwargs: Partial<CallOptions> | undefined;

  constructor(inner: BaseChatModel, options: HeadroomOptions | Resolved = {}, tools: BindToolsInput[] = [], kwargs?: Partial<CallOptions>) {
    super({});
    this.inner = inner;
    this.r = "pipeline" in options && "maxRounds" in options && "options" in options ? (options as Resolved) : resolveOptions(options as HeadroomOptions);
    this.tools = tools;
    this.toolKwargs = kwargs;
  }

  // Called by the base constructor, before `inner` is set: a fixed name.
  _llmType(): string {
    return "headroom";
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<CallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, CallOptions> {
    return new HeadroomChatModel<CallOptions>(this.inner, this.r, [...this.tools, ...tools], { ...this.toolKwargs, ...kwargs } as Partial<CallOptions>) as never;
  }

  /** The inner model with the caller's tools, and ours when a marker is in the messages. */
  private bound(marked: boolean): Runnable<BaseLanguageModelInput, BaseMessage> {
    const tools = marked ? [...this.tools, retrieveTool()] : this.tools;
    if (!tools.length) return this.inner as never;
    return this.inner.bindTools!(tools, this.toolKwargs as never) as never;
  }

  /** Compressed messages, or the originals when the inner model could not be offered our tool (fail open). */
  private async prepare(messages: BaseMessage[]): Promise<BaseMessage[]> {
    const model = (this.r.options.model ?? (this.inner as unknown as Obj).model ?? (this.inner as unknown as Obj).modelName) as string | undefined;
    const msgs = await compressLangChain(this.r, messages, model);
    if (msgs === messages || typeof this.inner.bindTools === "function" || !containsMarker(msgs.map((m) => m.content))) return msgs;
    const message = `${this.inner._llmType()} has no bindTools, so it cannot be offered headroom_retrieve: request sent uncompressed`;
    if (this.r.options.onError) this.r.options.onError({ stage: "pipeline", message });
    else console.warn(`headroom: ${message}`);
    return messages;
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], _runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let msgs = await this.prepare(messages);
    const runnable = this.bound(containsMarker(msgs.map((m) => m.content)));
    // Call options (signal, stop, tool_choice…) go to the inner model; its own callbacks stay its own.
    const config = { ...options } as never;
    let ai = (await runnable.invoke(msgs, config)) as AIMessage;
    for (let round = 0; round < this.r.maxRounds; round++) {
      const calls = (ai.tool_calls ?? []) as ToolCall[];
      const ours = calls.filter((c) => c.name === RETRIEVE_TOOL_NAME);
      if (!ours.length || ours.length !== calls.length) break;
      msgs = [...msgs, ai, ...(await answer(this.r, ours))];
      ai = (await runnable.invoke(msgs, config)) as AIMessage;
    }
    const message = hideOurs(ai);
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }
}

/**
 * Wraps any LangChain.js chat model (`ChatOpenAI`, `ChatAnthropic`, …).
 *
 * @param model - a `BaseChatModel`.
 * @param options - the pipeline's options (`store`, `compressors`, `hooks`, `model`…), or a ready
 *   `pipeline`, plus `maxRounds`, `onCompress`, `onRetrieve`, `onError`.
 */
export function withHeadroom(model: BaseChatModel, options: HeadroomOptions = {}): HeadroomChatModel {
  if (!(model instanceof BaseChatModel) && typeof (model as unknown as Obj)?.invoke !== "function")
    throw new TypeError("withHeadroom: expected a LangChain BaseChatModel");
  return new HeadroomChatModel(model, options);
}
