/**
 * The Vercel AI SDK prompt format (`LanguageModelV3Prompt`, what a `LanguageModelV3Middleware` sees in
 * `params.prompt`), and the check that turns message shapes no adapter knows into a warning instead of
 * a silent no-op. Kept apart from adapters.ts so that file's dialects stay as they are.
 */
import type { FoundUnit, Scan } from "./adapters.js";
import type { MessageFormat, Role } from "./types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Part types only the AI SDK uses (OpenAI Chat and Anthropic spell theirs differently). */
const AI_SDK_PARTS = new Set(["tool-call", "tool-result", "reasoning", "tool-approval-response", "tool-approval-request"]);

/** True when a message is unmistakably in the AI SDK prompt format. */
export function isAiSdkMessage(m: unknown): boolean {
  if (!isObj(m) || !Array.isArray(m.content)) return false;
  return m.content.some((p) => isObj(p) && (AI_SDK_PARTS.has(String(p.type)) || (p.type === "file" && typeof p.mediaType === "string")));
}

const ROLES = new Set<Role>(["system", "user", "assistant", "tool"]);
const roleOf = (v: unknown): Role => (ROLES.has(v as Role) ? (v as Role) : "user");

/** Serializes a tool-call input the way providers receive it (a string input is already JSON text). */
function argsText(input: unknown): string {
  if (input === undefined) return "";
  return typeof input === "string" ? input : JSON.stringify(input);
}

/**
 * Puts compressed text back into a `json` / `error-json` output: still JSON when it parses (JSON stays
 * JSON), otherwise the same output as `text` / `error-text`, which every provider accepts.
 */
function jsonEncoder(output: Obj): (text: string) => unknown {
  return (text) => {
    const err = output.type === "error-json";
    try {
      return { ...output, type: output.type, value: JSON.parse(text) as unknown };
    } catch {
      return { ...output, type: err ? "error-text" : "text", value: text };
    }
  };
}

type Base = Omit<FoundUnit, "id" | "path" | "text">;

/** Units of one tool-result part: text outputs, JSON outputs (as JSON text) and text items of `content`. */
function pushToolResult(units: FoundUnit[], base: Base, i: number, j: number, part: Obj): void {
  const out = part.output;
  if (!isObj(out)) return;
  const id = `prompt[${i}].content[${j}].output`;
  const path = [i, "content", j, "output"];
  if ((out.type === "text" || out.type === "error-text") && typeof out.value === "string") {
    units.push({ ...base, id: `${id}.value`, path: [...path, "value"], text: out.value });
  } else if ((out.type === "json" || out.type === "error-json") && out.value !== undefined) {
    // A bare JSON string is text already; compress it as such and keep it a JSON string.
    if (typeof out.value === "string") units.push({ ...base, id: `${id}.value`, path: [...path, "value"], text: out.value });
    else units.push({ ...base, id, path, text: JSON.stringify(out.value), encode: jsonEncoder(out) });
  } else if (out.type === "content" && Array.isArray(out.value)) {
    out.value.forEach((c, k) => {
      if (isObj(c) && c.type === "text" && typeof c.text === "string")
        units.push({ ...base, id: `${id}.value[${k}].text`, path: [...path, "value", k, "text"], text: c.text });
    });
  }
}

/** Extracts units from an AI SDK prompt without changing it. */
export function scanAiSdk(messages: unknown[]): Scan {
  const units: FoundUnit[] = [];
  const otherTexts: string[] = [];
  const calls = new Map<string, string>();
  let query: string | undefined;
  messages.forEach((m, i) => {
    if (!isObj(m)) return;
    const role = roleOf(m.role);
    const base: Base = { role, messageIndex: i, ...(query !== undefined ? { query } : {}) };
    if (typeof m.content === "string") {
      units.push({ ...base, id: `prompt[${i}].content`, path: [i, "content"], text: m.content });
      return;
    }
    if (!Array.isArray(m.content)) return;
    const texts: string[] = [];
    m.content.forEach((p, j) => {
      if (!isObj(p)) return;
      if (p.type === "text" && typeof p.text === "string") {
        units.push({ ...base, id: `prompt[${i}].content[${j}].text`, path: [i, "content", j, "text"], text: p.text });
        texts.push(p.text);
      } else if (p.type === "tool-call") {
        const args = argsText(p.input);
        if (typeof p.toolCallId === "string") calls.set(p.toolCallId, args);
        if (args) otherTexts.push(args);
      } else if (p.type === "reasoning" && typeof p.text === "string") {
        otherTexts.push(p.text);
      } else if (p.type === "tool-result") {
        const toolName = typeof p.toolName === "string" && p.toolName ? p.toolName : undefined;
        const toolArgs = typeof p.toolCallId === "string" ? calls.get(p.toolCallId) || undefined : undefined;
        const tb: Base = { ...base, role: "tool", ...(toolName ? { toolName } : {}), ...(toolArgs ? { toolArgs } : {}) };
        pushToolResult(units, tb, i, j, p);
      }
    });
    if (role === "user" && texts.length) query = texts.join("\n");
  });
  return { format: "ai-sdk", units, otherTexts };
}

const RESPONSES_TYPES = /^(message|function_call|function_call_output|custom_tool_call|custom_tool_call_output|reasoning|item_reference|\w+_call|\w+_call_output)$/;

/** What an unknown message object looks like, to make the warning actionable. */
function describe(m: unknown): string {
  if (!isObj(m)) return m === null ? "null" : typeof m;
  if ("lc_kwargs" in m || "lc_serializable" in m || (m.lc === 1 && m.type === "constructor")) return "LangChain messages: use @headroom/langchain";
  if (typeof m.role === "string") return `role "${m.role}" but no content; keys ${Object.keys(m).slice(0, 4).join(", ")}`;
  const ctor = Object.getPrototypeOf(m)?.constructor?.name;
  return ctor && ctor !== "Object" ? `${ctor} instances` : `objects with keys ${Object.keys(m).slice(0, 4).join(", ") || "(none)"}`;
}

/**
 * A warning when some messages have a shape no adapter reads (no `role`, and for Responses no item
 * `type`): they are passed through unchanged, which must not look like "nothing to compress".
 */
export function unknownShapeWarning(messages: unknown[], format: MessageFormat): string | undefined {
  const bad: number[] = [];
  messages.forEach((m, i) => {
    // A role alone is not enough: Gemini's `{role, parts}` has one and no content we could read.
    if (isObj(m) && typeof m.role === "string" && ("content" in m || Array.isArray(m.tool_calls) || "function_call" in m)) return;
    if (isObj(m) && format === "openai-responses" && typeof m.type === "string" && RESPONSES_TYPES.test(m.type)) return;
    bad.push(i);
  });
  if (!bad.length) return undefined;
  const shown = bad.length > 3 ? `${bad.slice(0, 3).join(", ")}… (${bad.length} in all)` : bad.join(", ");
  return `messages ${shown} are not ${format} messages (${describe(messages[bad[0]!])}); left unchanged`;
}
