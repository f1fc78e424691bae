/**
 * The types of what `handleRetrieveCalls` tells the app to append, by the response it was given, so a
 * typed tool loop (`body.messages = [...body.messages, ...handled.followUp]`) type-checks against the
 * provider SDK's own request types. Structural: no SDK is imported.
 */

/** A Chat Completions `tool` message answering one `headroom_retrieve` call. */
export interface ChatToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string;
}

/** The assistant message that made the calls, with only the fields a request accepts. */
export interface ChatAssistantFollowUp<ToolCalls = unknown> {
  role: "assistant";
  content: string | null;
  tool_calls?: ToolCalls;
}

/** An Anthropic `tool_result` block answering one call. */
export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

/** Anthropic follow-up: the assistant turn as received, then a user turn with the tool results. */
export type AnthropicFollowUp<Content = unknown> = { role: "assistant"; content: Content } | { role: "user"; content: AnthropicToolResultBlock[] };

/** A Responses `function_call_output` item answering one call. */
export interface ResponsesFunctionCallOutput {
  type: "function_call_output";
  call_id: string;
  output: string;
}

/**
 * `followUp`'s type for a response of type `R`: Chat Completions messages for a `{choices}` response,
 * the output items plus `function_call_output` items for a Responses `{output}` response, Anthropic
 * messages for an assistant `{role, content}` message; `unknown[]` when `R` says nothing.
 */
export type FollowUpFor<R> = R extends { choices: readonly { message: infer M }[] }
  ? (ChatAssistantFollowUp<M extends { tool_calls?: infer TC } ? NonNullable<TC> : unknown> | ChatToolMessage)[]
  : R extends { output: readonly (infer O)[] }
    ? (O | ResponsesFunctionCallOutput)[]
    : R extends { role: "assistant"; content: infer C }
      ? AnthropicFollowUp<C>[]
      : unknown[];
