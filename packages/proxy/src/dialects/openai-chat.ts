import { RETRIEVE_TOOL_NAME, type RetrieveCall } from "../retrieval.js";
import { encodeEvent, type SseEvent } from "../sse.js";
import { isObj, sumUsage, tryParse, type Dialect, type Obj, type RoundOutcome, type StreamSession } from "./types.js";

/** OpenAI Chat Completions: `choices[0].message.tool_calls`, `chat.completion.chunk` streams. */
export const openaiChat: Dialect = {
  format: "openai-chat",

  retrieveOnly(resp) {
    const choices = Array.isArray(resp.choices) ? resp.choices : [];
    if (choices.length !== 1 || !isObj(choices[0]) || !isObj(choices[0].message)) return undefined;
    const calls = Array.isArray(choices[0].message.tool_calls) ? choices[0].message.tool_calls : [];
    return onlyRetrieve(calls.map((c) => (isObj(c) && isObj(c.function) ? { id: String(c.id ?? ""), name: String(c.function.name ?? ""), args: String(c.function.arguments ?? "") } : undefined)));
  },

  continueBody(body, resp, calls, answers) {
    const msg = ((resp.choices as Obj[])[0]!.message ?? {}) as Obj;
    return appendTurn(body, { role: "assistant", content: msg.content ?? null, tool_calls: msg.tool_calls }, calls, answers);
  },

  combine(rounds) {
    const last = rounds[rounds.length - 1]!;
    if (rounds.length === 1) return last;
    const first = rounds[0]!;
    const text = rounds.map((r) => messageOf(r)?.content).filter((t): t is string => typeof t === "string").join("");
    let usage: unknown;
    for (const r of rounds) usage = usage === undefined ? r.usage : sumUsage(usage, r.usage);
    const choice = { ...((last.choices as Obj[])[0] ?? {}) };
    choice.message = { ...(messageOf(last) ?? { role: "assistant" }), content: text || messageOf(last)?.content || null };
    const out: Obj = { ...last, id: first.id, choices: [choice] };
    if (usage !== undefined) out.usage = usage;
    return out;
  },

  streamSession: () => new ChatStream(),
};

function messageOf(r: Obj): Obj | undefined {
  const c = Array.isArray(r.choices) ? r.choices[0] : undefined;
  return isObj(c) && isObj(c.message) ? c.message : undefined;
}

/** The calls when every one is `headroom_retrieve` (at least one), else undefined. */
function onlyRetrieve(calls: ({ id: string; name: string; args: string } | undefined)[]): RetrieveCall[] | undefined {
  if (!calls.length || calls.some((c) => !c || c.name !== RETRIEVE_TOOL_NAME)) return undefined;
  return calls.map((c) => ({ id: c!.id, args: c!.args }));
}

function appendTurn(body: Obj, assistant: Obj, calls: RetrieveCall[], answers: string[]): Obj {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = calls.map((c, i) => ({ role: "tool", tool_call_id: c.id, content: answers[i] ?? "" }));
  return { ...body, messages: [...messages, assistant, ...tools] };
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

/** Streaming: tool calls arrive as `delta.tool_calls[{index, id, function:{name, arguments}}]` pieces. */
class ChatStream implements StreamSession {
  private round = -1;
  private firstId: unknown;
  private usageBefore: unknown;
  // Per round:
  private text = "";
  private calls: PendingCall[] = [];
  private holding = false;
  private passthrough = false;
  private held: Uint8Array[] = [];
  private usage: unknown;

  startRound(): void {
    this.round++;
    this.text = "";
    this.calls = [];
    this.holding = false;
    this.passthrough = false;
    this.held = [];
    this.usage = undefined;
  }

  onEvent(ev: SseEvent): Uint8Array[] {
    if (this.passthrough) return [this.out(ev)];
    if (ev.data === "[DONE]") return this.holding ? this.hold(ev) : [ev.raw];
    const chunk = tryParse(ev.data);
    if (!isObj(chunk)) return this.holding ? this.hold(ev) : [ev.raw];
    if (this.firstId === undefined) this.firstId = chunk.id;
    if (chunk.usage) this.usage = chunk.usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const ch of choices) {
      if (!isObj(ch)) continue;
      // n > 1: several answers interleave; the loop would have to splice them all. Leave them alone.
      if (ch.index !== 0 && ch.index !== undefined) return this.giveUp(ev);
      const delta = isObj(ch.delta) ? ch.delta : {};
      if (typeof delta.content === "string") this.text += delta.content;
      for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        if (!isObj(tc)) continue;
        const i = typeof tc.index === "number" ? tc.index : this.calls.length;
        const fn = isObj(tc.function) ? tc.function : {};
        if (!this.calls[i]) {
          this.calls[i] = { id: String(tc.id ?? ""), name: String(fn.name ?? ""), args: "" };
          if (this.calls[i]!.name !== RETRIEVE_TOOL_NAME) return this.giveUp(ev);
          this.holding = true;
        }
        if (typeof fn.arguments === "string") this.calls[i]!.args += fn.arguments;
      }
    }
    if (this.holding) return this.hold(ev);
    return [this.out(ev, chunk)];
  }

  finish(): RoundOutcome {
    const calls = this.holding && !this.passthrough ? onlyRetrieve(this.calls) : undefined;
    if (!calls) return { kind: "done", flush: this.held };
    this.usageBefore = this.usageBefore === undefined ? this.usage : sumUsage(this.usageBefore, this.usage);
    const assistant = {
      role: "assistant",
      content: this.text || null,
      tool_calls: this.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.args } })),
    };
    return { kind: "retrieve", calls, flush: this.held, continueBody: (body, answers) => appendTurn(body, assistant, calls, answers) };
  }

  errorEvent(message: string): Uint8Array {
    return encodeEvent(JSON.stringify({ error: { message, type: "headroom_proxy_error" } }));
  }

  private hold(ev: SseEvent): Uint8Array[] {
    this.held.push(ev.raw);
    return [];
  }

  /** Another tool is called too: the response passes through unchanged, held events first. */
  private giveUp(ev: SseEvent): Uint8Array[] {
    this.passthrough = true;
    this.holding = false;
    const out = [...this.held, this.out(ev)];
    this.held = [];
    return out;
  }

  /** First round: the exact bytes. Continuations: the first round's id, and usage summed over rounds. */
  private out(ev: SseEvent, parsed?: Obj): Uint8Array {
    if (this.round === 0 || ev.data === "[DONE]") return ev.raw;
    const chunk = parsed ?? tryParse(ev.data);
    if (!isObj(chunk)) return ev.raw;
    const rewritten: Obj = { ...chunk, id: this.firstId ?? chunk.id };
    if (chunk.usage && this.usageBefore !== undefined) rewritten.usage = sumUsage(this.usageBefore, chunk.usage);
    return encodeEvent(JSON.stringify(rewritten), ev.event);
  }
}
