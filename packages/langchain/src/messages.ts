import type { BaseMessage } from "@langchain/core/messages";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A LangChain message's type (`human`, `ai`, `system`, `tool`, `generic`…), across core versions. */
export function typeOf(m: BaseMessage): string {
  const t = (m as unknown as Obj).type;
  if (typeof t === "string") return t;
  const legacy = (m as unknown as { _getType?: () => string })._getType;
  return typeof legacy === "function" ? legacy.call(m) : "";
}

/**
 * The message as an OpenAI Chat message, only to let core's adapter find the units: `content` is the
 * same value (a string or text blocks), so a compressed unit maps straight back to the LangChain message.
 */
export function asChat(m: BaseMessage): Obj {
  const t = typeOf(m);
  const content = m.content;
  if (t === "tool") return { role: "tool", tool_call_id: (m as unknown as Obj).tool_call_id, content };
  if (t === "ai") {
    const calls = Array.isArray((m as unknown as Obj).tool_calls) ? ((m as unknown as Obj).tool_calls as Obj[]) : [];
    const out: Obj = { role: "assistant", content };
    if (calls.length)
      out.tool_calls = calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) } }));
    return out;
  }
  if (t === "human") return { role: "user", content };
  if (t === "system") return { role: "system", content };
  if (t === "generic" || t === "chat") return { role: String((m as unknown as Obj).role ?? "user"), content };
  if (t === "function") return { role: "function", name: m.name, content };
  return { role: "user", content };
}

/** Fields a message constructor takes besides `content`; whatever the message has of them is carried over. */
const FIELDS = [
  "id",
  "name",
  "additional_kwargs",
  "response_metadata",
  "tool_call_id",
  "status",
  "artifact",
  "metadata",
  "tool_calls",
  "invalid_tool_calls",
  "usage_metadata",
  "role",
] as const;

/** The same message (same class, id, every other field) with new content. */
export function withContent<M extends BaseMessage>(m: M, content: unknown): M {
  const Ctor = m.constructor as new (fields: Obj) => M;
  const src = m as unknown as Obj;
  const fields: Obj = { content };
  for (const k of FIELDS) if (src[k] !== undefined) fields[k] = src[k];
  return new Ctor(fields);
}

/** True when a message (a LangChain message or anything else) looks like one. */
export function isMessage(m: unknown): m is BaseMessage {
  return isObj(m) && "content" in m && (typeof (m as Obj).type === "string" || typeof (m as Obj)._getType === "function");
}
