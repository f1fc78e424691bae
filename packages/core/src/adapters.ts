import { tryParseJson } from "./json.js";
import { isAiSdkMessage, scanAiSdk } from "./ai-sdk.js";
import type { MessageFormat, Role } from "./types.js";

/** A unit found in a request, with the path of its text field (for copy-on-write updates). */
export interface FoundUnit {
  id: string;
  path: ReadonlyArray<string | number>;
  text: string;
  role: Role;
  messageIndex: number;
  toolName?: string;
  toolArgs?: string;
  query?: string;
  /** Turns the compressed text into the value stored at `path` (when that value is not the text itself). */
  encode?: (text: string) => unknown;
}

/** Every text the request carries, for token totals (units and everything else). */
export interface Scan {
  format: MessageFormat;
  units: FoundUnit[];
  /** Texts that are not units (tool call arguments, assistant text, thinking…), for counting. */
  otherTexts: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const RESPONSES_ITEM_TYPES = new Set([
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "reasoning",
  "item_reference",
  "web_search_call",
  "file_search_call",
  "computer_call",
  "computer_call_output",
  "local_shell_call",
  "local_shell_call_output",
  "mcp_call",
]);
const ANTHROPIC_BLOCK_TYPES = new Set([
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
  "server_tool_use",
  "web_search_tool_result",
  "document",
]);

/** Guess the dialect of a messages array. Plain role/string conversations come back as `openai-chat`. */
export function detectFormat(messages: unknown): MessageFormat {
  if (!Array.isArray(messages)) throw new TypeError("messages must be an array");
  for (const m of messages) {
    if (!isObj(m)) continue;
    if (isAiSdkMessage(m)) return "ai-sdk";
    const t = m.type;
    if (typeof t === "string" && (RESPONSES_ITEM_TYPES.has(t) || t === "message")) return "openai-responses";
    if (m.role === "tool" || m.role === "function" || Array.isArray(m.tool_calls)) return "openai-chat";
    if (Array.isArray(m.content)) {
      for (const b of m.content) {
        if (!isObj(b)) continue;
        if (typeof b.type === "string" && ANTHROPIC_BLOCK_TYPES.has(b.type)) return "anthropic";
        if (b.type === "image" && isObj(b.source)) return "anthropic";
        if (b.type === "input_text" || b.type === "output_text" || b.type === "input_image") return "openai-responses";
        if (b.type === "image_url" || b.type === "input_audio") return "openai-chat";
      }
    }
  }
  return "openai-chat";
}

const MESSAGE_ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);

/**
 * True when `value` really is a list of conversation messages or Responses input items: a non-empty
 * array whose every item is an object with a known role, or a known Responses item type. An API
 * response that merely has `type` fields (GitHub events `"type": "PushEvent"`, `kubectl get events`) is
 * tool output, not a conversation, and must be compressed as JSON.
 */
export function isMessageList(value: unknown): value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every((m) => {
    if (!isObj(m)) return false;
    if (typeof m.role === "string") return MESSAGE_ROLES.has(m.role);
    return typeof m.type === "string" && (RESPONSES_ITEM_TYPES.has(m.type) || m.type === "message");
  });
}

/** Extracts units (and other texts) from a messages array in the given dialect, without changing it. */
export function scanMessages(messages: unknown[], format: MessageFormat): Scan {
  if (format === "anthropic") return scanAnthropic(messages);
  if (format === "openai-responses") return scanResponses(messages);
  if (format === "ai-sdk") return scanAiSdk(messages);
  return scanOpenAIChat(messages);
}

function roleOf(v: unknown): Role {
  return v === "system" || v === "developer" || v === "user" || v === "assistant" || v === "tool" ? v : "user";
}

/** Text of a user turn (string or text parts); undefined when it holds no user-written text. */
function userText(content: unknown, textTypes: ReadonlySet<string>): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const parts = content.filter((p): p is Obj => isObj(p) && textTypes.has(String(p.type)) && typeof p.text === "string");
  return parts.length ? parts.map((p) => p.text as string).join("\n") : undefined;
}

const CHAT_TEXT = new Set(["text"]);
const RESPONSES_TEXT = new Set(["input_text", "output_text", "text"]);

type UnitBase = Omit<FoundUnit, "id" | "path" | "text">;

/** Adds a unit for string content, or one per text part of a content array (`textTypes` says which). */
function pushContent(units: FoundUnit[], base: UnitBase, id: string, path: (string | number)[], content: unknown, textTypes: ReadonlySet<string>): void {
  if (typeof content === "string") {
    units.push({ ...base, id, path, text: content });
  } else if (Array.isArray(content)) {
    content.forEach((p, j) => {
      if (isObj(p) && textTypes.has(String(p.type)) && typeof p.text === "string")
        units.push({ ...base, id: `${id}[${j}].text`, path: [...path, j, "text"], text: p.text });
    });
  }
}

function scanOpenAIChat(messages: unknown[]): Scan {
  const units: FoundUnit[] = [];
  const otherTexts: string[] = [];
  const calls = new Map<string, { name: string; args: string }>();
  let query: string | undefined;
  messages.forEach((m, i) => {
    if (!isObj(m)) return;
    const rawRole = m.role;
    if (rawRole === "assistant" && Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls) {
        if (!isObj(tc)) continue;
        const fn = isObj(tc.function) ? tc.function : undefined;
        const name = typeof fn?.name === "string" ? fn.name : "";
        const args = typeof fn?.arguments === "string" ? fn.arguments : "";
        if (typeof tc.id === "string") calls.set(tc.id, { name, args });
        if (args) otherTexts.push(args);
      }
    }
    const isTool = rawRole === "tool" || rawRole === "function";
    const role: Role = isTool ? "tool" : roleOf(rawRole);
    let toolName: string | undefined;
    let toolArgs: string | undefined;
    if (rawRole === "tool" && typeof m.tool_call_id === "string") {
      const c = calls.get(m.tool_call_id);
      toolName = c?.name || undefined;
      toolArgs = c?.args || undefined;
    } else if (rawRole === "function" && typeof m.name === "string") toolName = m.name;
    const base = { role, messageIndex: i, toolName, toolArgs, query };
    pushContent(units, base, `messages[${i}].content`, [i, "content"], m.content, CHAT_TEXT);
    if (rawRole === "user") query = userText(m.content, CHAT_TEXT) ?? query;
  });
  return { format: "openai-chat", units: units.map(clean), otherTexts };
}

function scanAnthropic(messages: unknown[]): Scan {
  const units: FoundUnit[] = [];
  const otherTexts: string[] = [];
  const calls = new Map<string, { name: string; args: string }>();
  let query: string | undefined;
  messages.forEach((m, i) => {
    if (!isObj(m)) return;
    const role = roleOf(m.role);
    const base = { role, messageIndex: i, query };
    if (typeof m.content === "string") {
      units.push({ ...base, id: `messages[${i}].content`, path: [i, "content"], text: m.content });
    } else if (Array.isArray(m.content)) {
      m.content.forEach((b, j) => {
        if (!isObj(b)) return;
        if (b.type === "text" && typeof b.text === "string") {
          units.push({ ...base, id: `messages[${i}].content[${j}].text`, path: [i, "content", j, "text"], text: b.text });
        } else if (b.type === "tool_use" || b.type === "server_tool_use") {
          const args = b.input === undefined ? "" : JSON.stringify(b.input);
          if (typeof b.id === "string") calls.set(b.id, { name: typeof b.name === "string" ? b.name : "", args });
          if (args) otherTexts.push(args);
        } else if (b.type === "tool_result") {
          const c = typeof b.tool_use_id === "string" ? calls.get(b.tool_use_id) : undefined;
          const tb = { ...base, role: "tool" as Role, toolName: c?.name || undefined, toolArgs: c?.args || undefined };
          pushContent(units, tb, `messages[${i}].content[${j}].content`, [i, "content", j, "content"], b.content, CHAT_TEXT);
        } else if (b.type === "thinking" && typeof b.thinking === "string") otherTexts.push(b.thinking);
      });
    }
    if (role === "user") query = userText(m.content, CHAT_TEXT) ?? query;
  });
  return { format: "anthropic", units: units.map(clean), otherTexts };
}

function scanResponses(items: unknown[]): Scan {
  const units: FoundUnit[] = [];
  const otherTexts: string[] = [];
  const calls = new Map<string, { name: string; args: string }>();
  let query: string | undefined;
  items.forEach((it, i) => {
    if (!isObj(it)) return;
    const type = it.type ?? (it.role !== undefined ? "message" : undefined);
    if (type === "message") {
      const role = roleOf(it.role);
      const base = { role, messageIndex: i, query };
      pushContent(units, base, `input[${i}].content`, [i, "content"], it.content, RESPONSES_TEXT);
      if (role === "user") query = userText(it.content, RESPONSES_TEXT) ?? query;
    } else if (type === "function_call" || type === "custom_tool_call") {
      const args = typeof it.arguments === "string" ? it.arguments : typeof it.input === "string" ? it.input : "";
      if (typeof it.call_id === "string") calls.set(it.call_id, { name: typeof it.name === "string" ? it.name : "", args });
      if (args) otherTexts.push(args);
    } else if (type === "function_call_output" || type === "custom_tool_call_output") {
      const c = typeof it.call_id === "string" ? calls.get(it.call_id) : undefined;
      const base = { role: "tool" as Role, messageIndex: i, query, toolName: c?.name || undefined, toolArgs: c?.args || undefined };
      pushContent(units, base, `input[${i}].output`, [i, "output"], it.output, RESPONSES_TEXT);
    }
  });
  return { format: "openai-responses", units: units.map(clean), otherTexts };
}

/** Drops undefined optional fields so units compare and print cleanly. */
function clean(u: FoundUnit): FoundUnit {
  const out = { ...u } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as FoundUnit;
}

/**
 * Returns a copy of `root` with the value at `path` replaced; only the containers along the path are
 * copied, so every other message keeps its identity (and its exact serialization).
 */
export function setAtPath<T>(root: T, path: ReadonlyArray<string | number>, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const from = root as Record<string | number, unknown>;
  const copy = (Array.isArray(root) ? [...root] : { ...from }) as Record<string | number, unknown>;
  copy[head!] = setAtPath(from[head!], rest, value);
  return copy as T;
}

/** A file name named by a tool call's arguments (`file_path`, `path`, `cat path`…), for language hints. */
export function fileNameFromArgs(args: string | undefined): string | undefined {
  if (!args) return undefined;
  // Arguments that are not JSON (a shell command line) are read as a command below.
  const parsed = tryParseJson(args)?.value;
  if (isObj(parsed)) {
    for (const k of ["file_path", "filePath", "path", "filename", "file", "target_file"]) {
      const v = parsed[k];
      if (typeof v === "string" && /\.[A-Za-z0-9]{1,8}$/.test(v)) return v;
    }
    for (const k of ["command", "cmd"]) {
      const v = parsed[k];
      const s = Array.isArray(v) ? v.join(" ") : v;
      if (typeof s === "string") {
        const f = fileFromCommand(s);
        if (f) return f;
      }
    }
    return undefined;
  }
  return fileFromCommand(args);
}

function fileFromCommand(cmd: string): string | undefined {
  const m = /\b(?:cat|head|tail|less|more|bat|nl|sed\s+-n\s+'[^']*')\s+(?:-[A-Za-z0-9]+\s+)*([^\s|;&<>]+\.[A-Za-z0-9]{1,8})\b/.exec(cmd);
  return m?.[1];
}
