import { RETRIEVE_TOOL_NAME, type RetrieveCall } from "../retrieval.js";
import { encodeEvent, type SseEvent } from "../sse.js";
import { isObj, sumUsage, tryParse, type Dialect, type Obj, type RoundOutcome, type StreamSession } from "./types.js";

/** Output item types that are calls of a client-side tool. */
const CALL_ITEMS = new Set(["function_call", "custom_tool_call", "computer_call", "local_shell_call", "mcp_approval_request"]);
const isRetrieveItem = (it: unknown) => isObj(it) && it.type === "function_call" && it.name === RETRIEVE_TOOL_NAME;
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** OpenAI Responses: `function_call` output items, `response.*` event streams. */
export const openaiResponses: Dialect = {
  format: "openai-responses",

  retrieveOnly(resp) {
    return onlyRetrieve(Array.isArray(resp.output) ? resp.output : []);
  },

  continueBody(body, resp, calls, answers) {
    return appendTurn(body, Array.isArray(resp.output) ? resp.output : [], calls, answers);
  },

  combine(rounds) {
    const last = rounds[rounds.length - 1]!;
    if (rounds.length === 1) return last;
    const output: unknown[] = [];
    let usage: unknown;
    rounds.forEach((r, i) => {
      const final = i === rounds.length - 1;
      for (const it of Array.isArray(r.output) ? r.output : []) if (final || !isRetrieveItem(it)) output.push(it);
      usage = usage === undefined ? r.usage : sumUsage(usage, r.usage);
    });
    // The last response's id is the one the provider can chain from (previous_response_id).
    const out: Obj = { ...last, output };
    if (usage !== undefined) out.usage = usage;
    return out;
  },

  streamSession: () => new ResponsesStream(),
};

function onlyRetrieve(output: unknown[]): RetrieveCall[] | undefined {
  const calls = output.filter((it): it is Obj => isObj(it) && CALL_ITEMS.has(String(it.type)));
  if (!calls.length || !calls.every(isRetrieveItem)) return undefined;
  return calls.map((c) => ({ id: String(c.call_id ?? c.id ?? ""), args: String(c.arguments ?? "") }));
}

/** Continues with the round's output items and the call outputs appended to `input`. */
function appendTurn(body: Obj, output: unknown[], calls: RetrieveCall[], answers: string[]): Obj {
  const input = Array.isArray(body.input) ? body.input : typeof body.input === "string" ? [{ role: "user", content: body.input }] : [];
  const outputs = calls.map((c, i) => ({ type: "function_call_output", call_id: c.id, output: answers[i] ?? "" }));
  return { ...body, input: [...input, ...output, ...outputs] };
}

/** Streaming: items are announced with output_index; `response.completed` carries the full response. */
class ResponsesStream implements StreamSession {
  private round = -1;
  private offset = 0;
  private seq = -1;
  /** Items the client saw in earlier rounds, for the final `response.output`. */
  private shown: unknown[] = [];
  private usageBefore: unknown;
  // Per round:
  private items: unknown[] = [];
  private sentItems = 0;
  private added = 0;
  private holding = false;
  private passthrough = false;
  private held: Uint8Array[] = [];
  private terminal: Obj | undefined;

  startRound(): void {
    this.round++;
    this.offset += this.sentItems;
    this.items = [];
    this.sentItems = 0;
    this.added = 0;
    this.holding = false;
    this.passthrough = false;
    this.held = [];
    this.terminal = undefined;
  }

  onEvent(ev: SseEvent): Uint8Array[] {
    const data = tryParse(ev.data);
    if (!isObj(data)) return this.holding && !this.passthrough ? this.hold(ev) : [ev.raw];
    const type = String(data.type ?? ev.event ?? "");
    if (type === "response.created" || type === "response.in_progress" || type === "response.queued") {
      if (this.round > 0) return [];
    } else if (type === "response.output_item.added" && isObj(data.item)) {
      const item = data.item;
      this.added++;
      if (!this.passthrough && CALL_ITEMS.has(String(item.type))) {
        if (!isRetrieveItem(item)) return this.giveUp(ev, data);
        this.holding = true;
      }
      if (!this.holding) this.sentItems++;
    } else if (type === "response.output_item.done" && isObj(data.item)) {
      if (typeof data.output_index === "number") this.items[data.output_index] = data.item;
      else this.items.push(data.item);
    } else if (TERMINAL.has(type)) {
      this.terminal = isObj(data.response) ? data.response : {};
    }
    if (this.holding && !this.passthrough) return this.hold(ev);
    return [this.emit(ev, data, type)];
  }

  finish(): RoundOutcome {
    const output = this.terminal && Array.isArray(this.terminal.output) ? this.terminal.output : this.items.filter(Boolean);
    const calls = this.holding && !this.passthrough && this.terminal ? onlyRetrieve(output) : undefined;
    if (!calls) return { kind: "done", flush: this.held };
    for (const it of output) if (!isRetrieveItem(it)) this.shown.push(it);
    const u = this.terminal!.usage;
    this.usageBefore = this.usageBefore === undefined ? u : sumUsage(this.usageBefore, u);
    return { kind: "retrieve", calls, flush: this.held, continueBody: (body, answers) => appendTurn(body, output, calls, answers) };
  }

  errorEvent(message: string): Uint8Array {
    return encodeEvent(JSON.stringify({ type: "error", code: "headroom_proxy_error", message, param: null, sequence_number: ++this.seq }), "error");
  }

  private hold(ev: SseEvent): Uint8Array[] {
    this.held.push(ev.raw);
    return [];
  }

  private giveUp(ev: SseEvent, data: Obj): Uint8Array[] {
    this.passthrough = true;
    this.holding = false;
    this.sentItems = this.added;
    const out = [...this.held, this.emit(ev, data, String(data.type))];
    this.held = [];
    return out;
  }

  /** First round: exact bytes. Continuations: indices shifted, sequence numbers continued, output merged. */
  private emit(ev: SseEvent, data: Obj, type: string): Uint8Array {
    if (this.round === 0) {
      if (typeof data.sequence_number === "number") this.seq = data.sequence_number;
      return ev.raw;
    }
    const out: Obj = { ...data };
    if (typeof data.output_index === "number") out.output_index = data.output_index + this.offset;
    if (typeof data.sequence_number === "number") out.sequence_number = ++this.seq;
    if (TERMINAL.has(type) && isObj(data.response)) {
      const r: Obj = { ...data.response };
      r.output = [...this.shown, ...(Array.isArray(r.output) ? r.output : [])];
      if (this.usageBefore !== undefined && r.usage) r.usage = sumUsage(this.usageBefore, r.usage);
      out.response = r;
    }
    return encodeEvent(JSON.stringify(out), ev.event);
  }
}
