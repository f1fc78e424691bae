type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Anthropic user messages that only carry tool results continue the assistant's turn. */
const RESULT_BLOCKS = new Set(["tool_result", "mcp_tool_result", "web_search_tool_result"]);

/**
 * True when message `m` opens a turn: a user message written by the user, not a tool result sent back
 * (Chat `tool` role, Anthropic `tool_result` blocks, Responses `function_call_output` items).
 */
export function opensTurn(m: unknown): boolean {
  if (!isObj(m) || m.role !== "user") return false;
  if (Array.isArray(m.content) && m.content.length > 0 && m.content.every((b) => isObj(b) && RESULT_BLOCKS.has(String(b.type)))) return false;
  return true;
}

/**
 * Index of the first message `protectRecent` leaves untouched: the start of the `n`-th last turn.
 * Deciding by turn starts keeps the window still while an agent loop appends tool calls and results to
 * the current turn; a message leaves the window only when a new user turn begins, so its compressed
 * bytes change once, at a turn boundary, not on every request (prefix stability for the prompt cache).
 * `n <= 0` protects nothing; fewer than `n` turns protect everything.
 */
export function firstProtectedIndex(messages: readonly unknown[], n: number): number {
  if (!(n > 0)) return messages.length;
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) if (opensTurn(messages[i]) && ++seen === n) return i;
  return 0;
}
