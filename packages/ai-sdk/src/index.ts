/**
 * @headroom/ai-sdk — Headroom for the Vercel AI SDK: a `LanguageModelV3Middleware` for
 * `wrapLanguageModel`. `transformParams` compresses the prompt in the AI SDK's own format (tool-result
 * parts with text, JSON or content outputs) and offers `headroom_retrieve` when a marker was emitted;
 * `wrapGenerate` / `wrapStream` answer the model's retrieve calls from the store and call the model
 * again, so `generateText` / `streamText` never see our tool.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Middleware } from "@ai-sdk/provider";
import { containsMarker, retrieveToolDefinition, RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME } from "@headroom/ccr";
import { compressMessages, resolveOptions, type HeadroomOptions } from "./options.js";
import { generateLoop } from "./generate.js";
import { streamLoop } from "./stream.js";

export type { HeadroomOptions, HeadroomError } from "./options.js";

/** Adds the retrieve tool (after the caller's tools, same bytes every call) when the prompt carries a marker. */
export function withRetrieveTool(params: LanguageModelV3CallOptions): LanguageModelV3CallOptions {
  if (!containsMarker(params.prompt)) return params;
  const tools = params.tools ?? [];
  if (tools.some((t) => t.name === RETRIEVE_TOOL_NAME)) return params;
  const inputSchema = retrieveToolDefinition("openai-chat").function.parameters;
  return { ...params, tools: [...tools, { type: "function", name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, inputSchema }] };
}

/**
 * The Headroom middleware. Use it with `wrapLanguageModel({ model, middleware: headroom(options) })`.
 *
 * @param options - the pipeline's options (`store`, `compressors`, `hooks`, `model`…), or a ready
 *   `pipeline`, plus `maxRounds`, `onCompress`, `onRetrieve`, `onError`. Without a `model`, the wrapped
 *   model's id picks the tokenizer.
 */
export function headroom(options: HeadroomOptions = {}): LanguageModelV3Middleware {
  const r = resolveOptions(options);
  return {
    specificationVersion: "v3",
    async transformParams({ params, model }) {
      const prompt = await compressMessages(r, params.prompt, "ai-sdk", options.model ?? model.modelId);
      return withRetrieveTool(prompt === params.prompt ? params : { ...params, prompt });
    },
    wrapGenerate: ({ doGenerate, params, model }) => generateLoop(r, doGenerate, params, model),
    wrapStream: ({ doStream, params, model }) => streamLoop(r, doStream, params, model),
  };
}

/** Alias of {@link headroom}. */
export const headroomMiddleware = headroom;
