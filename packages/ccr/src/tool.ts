import { hasMarker, RETRIEVE_TOOL_NAME } from "@headroom/core";

export { RETRIEVE_TOOL_NAME };

/** The three request/response dialects the retrieve tool speaks. */
export type Dialect = "openai-chat" | "anthropic" | "openai-responses";

/** What the model reads about the tool. Fixed text: changing it changes the cached prompt prefix. */
export const RETRIEVE_TOOL_DESCRIPTION =
  "Retrieve original content that Headroom compressed. Compressed tool outputs end with a marker such as " +
  "[85 items compressed to 15. Retrieve more: hash=<24 hex>]. Call this tool with that hash to get the full " +
  "original, or add a query to get only the items or lines that match it.";

const PARAMETERS = {
  type: "object",
  properties: {
    hash: { type: "string", description: "The 24-character hex hash from the marker (the part after hash=)." },
    query: { type: "string", description: "Optional: keywords; only the matching items or lines of the original are returned." },
  },
  required: ["hash"],
  additionalProperties: false,
} as const;

/** OpenAI Chat Completions tool definition. */
export interface OpenAIChatTool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}
/** Anthropic Messages tool definition. */
export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}
/** OpenAI Responses function tool definition. */
export interface ResponsesTool {
  type: "function";
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}

/**
 * The `headroom_retrieve` tool definition for a dialect: `{hash: string, query?: string}`. A fresh object
 * every call, always with the same keys in the same order, so its JSON bytes never change.
 */
export function retrieveToolDefinition(dialect: "openai-chat"): OpenAIChatTool;
export function retrieveToolDefinition(dialect: "anthropic"): AnthropicTool;
export function retrieveToolDefinition(dialect: "openai-responses"): ResponsesTool;
export function retrieveToolDefinition(dialect: Dialect): OpenAIChatTool | AnthropicTool | ResponsesTool;
export function retrieveToolDefinition(dialect: Dialect): OpenAIChatTool | AnthropicTool | ResponsesTool {
  const parameters = JSON.parse(JSON.stringify(PARAMETERS)) as Record<string, unknown>;
  switch (dialect) {
    case "openai-chat":
      return { type: "function", function: { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, parameters } };
    case "anthropic":
      return { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, input_schema: parameters };
    case "openai-responses":
      // strict mode would require every property, and `query` is optional.
      return { type: "function", name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, parameters, strict: false };
    default:
      throw new TypeError(`unknown dialect: ${String(dialect)}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const ANTHROPIC_BLOCKS = new Set(["tool_use", "tool_result", "thinking", "redacted_thinking", "image", "document", "server_tool_use"]);

/**
 * The dialect of a request body: Responses has `input`; Anthropic has a top-level `system`, Anthropic
 * content blocks (`tool_use`, `tool_result`…) or tools with `input_schema`; Chat has `messages` with
 * `system`/`tool` roles or `tool_calls`. A bare `messages` + `max_tokens` body with none of those is
 * taken as Anthropic (which requires `max_tokens`); anything else as Chat.
 */
export function detectRequestDialect(request: unknown): Dialect {
  if (!isObj(request)) throw new TypeError("request must be an object");
  if (request.input !== undefined && request.messages === undefined) return "openai-responses";
  const tools = Array.isArray(request.tools) ? request.tools.filter(isObj) : [];
  if (tools.some((t) => t.input_schema !== undefined)) return "anthropic";
  if (tools.some((t) => t.type === "function" && isObj(t.function))) return "openai-chat";
  if (request.system !== undefined || request.anthropic_version !== undefined) return "anthropic";
  const messages = Array.isArray(request.messages) ? request.messages.filter(isObj) : [];
  let chatSigns = false;
  for (const m of messages) {
    if (m.role === "system" || m.role === "developer" || m.role === "tool" || m.role === "function" || Array.isArray(m.tool_calls)) chatSigns = true;
    if (Array.isArray(m.content) && m.content.some((b) => isObj(b) && ANTHROPIC_BLOCKS.has(String(b.type)))) return "anthropic";
  }
  if (chatSigns) return "openai-chat";
  if (request.max_tokens !== undefined && request.max_completion_tokens === undefined && request.n === undefined) return "anthropic";
  return "openai-chat";
}

/**
 * True when any string inside `value` (a message, its blocks, tool outputs…) carries one of our markers,
 * recognised by its whole form (core's `hasMarker`): a URL's `hash=<hex>` parameter is not one.
 */
export function containsMarker(value: unknown): boolean {
  if (typeof value === "string") return hasMarker(value);
  if (Array.isArray(value)) return value.some(containsMarker);
  if (isObj(value)) for (const k in value) if (containsMarker(value[k])) return true;
  return false;
}

/** Name of a tool definition in any dialect. */
export function toolName(tool: unknown): string | undefined {
  if (!isObj(tool)) return undefined;
  if (isObj(tool.function) && typeof tool.function.name === "string") return tool.function.name;
  return typeof tool.name === "string" ? tool.name : undefined;
}

/**
 * Returns a new request with `headroom_retrieve` appended as the last tool when a message (or Responses
 * input item) carries a marker and the tool is not present yet; otherwise returns `request` itself.
 *
 * Byte-stable: the definition is the same bytes every turn and sits at the same place (after the
 * caller's tools, which keep their order), so once a conversation carries a marker — and it keeps
 * carrying it, since compressed turns never change — the tool list is identical on every later turn
 * and the provider's prompt cache keeps hitting. Nothing else in the request is touched.
 */
export function injectRetrieveTool<R extends object>(request: R, dialect?: Dialect): R {
  const req = request as unknown as Obj;
  const d = dialect ?? detectRequestDialect(req);
  const carrier = d === "openai-responses" ? req.input : req.messages;
  if (!containsMarker(carrier)) return request;
  const tools = Array.isArray(req.tools) ? req.tools : [];
  if (tools.some((t) => toolName(t) === RETRIEVE_TOOL_NAME)) return request;
  return { ...req, tools: [...tools, retrieveToolDefinition(d)] } as unknown as R;
}
