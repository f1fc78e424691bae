import { RETRIEVE_TOOL_NAME, type RetrieveCall } from "../retrieval.js";
import { encodeEvent, type SseEvent } from "../sse.js";
import { isObj, sumUsage, tryParse, type Dialect, type Obj, type RoundOutcome, type StreamSession } from "./types.js";

const TOOL_BLOCKS = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);

/** Anthropic Messages: `tool_use` content blocks, `message_start … message_stop` streams. */
export const anthropic: Dialect = {
  format: "anthropic",

  retrieveOnly(resp) {
    const content = Array.isArray(resp.content) ? resp.content : [];
    return onlyRetrieve(content.filter((b): b is Obj => isObj(b) && TOOL_BLOCKS.has(String(b.type))));
  },

  continueBody(body, resp, calls, answers) {
    return appendTurn(body, { role: "assistant", content: resp.content }, calls, answers);
  },

  combine(rounds) {
    const last = rounds[rounds.length - 1]!;
    if (rounds.length === 1) return last;
    const content: unknown[] = [];
    let usage: unknown;
    rounds.forEach((r, i) => {
      const blocks = Array.isArray(r.content) ? r.content : [];
      const final = i === rounds.length - 1;
      for (const b of blocks) if (final || !isRetrieveBlock(b)) content.push(b);
      usage = usage === undefined ? r.usage : sumUsage(usage, r.usage);
    });
    const out: Obj = { ...last, id: rounds[0]!.id, content };
    if (usage !== undefined) out.usage = usage;
    return out;
  },

  streamSession: () => new AnthropicStream(),
};

function isRetrieveBlock(b: unknown): boolean {
  return isObj(b) && b.type === "tool_use" && b.name === RETRIEVE_TOOL_NAME;
}

function onlyRetrieve(tools: Obj[]): RetrieveCall[] | undefined {
  if (!tools.length || !tools.every(isRetrieveBlock)) return undefined;
  return tools.map((b) => ({ id: String(b.id ?? ""), args: JSON.stringify(b.input ?? {}) }));
}

function appendTurn(body: Obj, assistant: Obj, calls: RetrieveCall[], answers: string[]): Obj {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const results = calls.map((c, i) => ({ type: "tool_result", tool_use_id: c.id, content: answers[i] ?? "" }));
  return { ...body, messages: [...messages, assistant, { role: "user", content: results }] };
}

/** A content block rebuilt from stream events, for the continuation's assistant turn. */
interface Block {
  block: Obj;
  json: string;
}

/** Streaming: blocks are sequential (start, deltas, stop); indices count blocks in the message. */
class AnthropicStream implements StreamSession {
  private round = -1;
  /** Blocks the client has seen (earlier rounds): continuation indices are shifted by this. */
  private offset = 0;
  private outputTokensBefore = 0;
  // Per round:
  private blocks: Block[] = [];
  private sent = 0;
  private holding = false;
  private passthrough = false;
  private held: Uint8Array[] = [];
  private stopReason: unknown;
  private outputTokens = 0;

  startRound(): void {
    this.round++;
    this.offset += this.sent;
    this.outputTokensBefore += this.outputTokens;
    this.blocks = [];
    this.sent = 0;
    this.holding = false;
    this.passthrough = false;
    this.held = [];
    this.stopReason = undefined;
    this.outputTokens = 0;
  }

  onEvent(ev: SseEvent): Uint8Array[] {
    const type = ev.event;
    if (type === "ping" || type === "error") return [ev.raw];
    const data = tryParse(ev.data);
    if (!isObj(data)) return this.emit(ev);
    if (type === "message_start") {
      const u = isObj(data.message) && isObj(data.message.usage) ? data.message.usage : undefined;
      if (typeof u?.output_tokens === "number") this.outputTokens = u.output_tokens;
      // A continuation is the same message for the client: its own start is dropped.
      return this.round === 0 ? [ev.raw] : [];
    }
    if (type === "content_block_start" && isObj(data.content_block)) {
      const cb = data.content_block;
      this.blocks.push({ block: { ...cb }, json: "" });
      if (!this.passthrough && TOOL_BLOCKS.has(String(cb.type))) {
        if (cb.name !== RETRIEVE_TOOL_NAME) return this.giveUp(ev, data);
        this.holding = true;
      }
      if (!this.holding) this.sent++;
    } else if (type === "content_block_delta" && isObj(data.delta)) {
      this.applyDelta(data.delta);
    } else if (type === "message_delta") {
      if (isObj(data.delta)) this.stopReason = data.delta.stop_reason;
      const u = isObj(data.usage) ? data.usage : undefined;
      if (typeof u?.output_tokens === "number") this.outputTokens = u.output_tokens;
    }
    if (this.holding && !this.passthrough) {
      this.held.push(ev.raw);
      return [];
    }
    return this.emit(ev, data);
  }

  finish(): RoundOutcome {
    const tools = this.blocks.map((b) => b.block).filter((b) => TOOL_BLOCKS.has(String(b.type)));
    const calls = this.holding && !this.passthrough && this.stopReason === "tool_use" ? onlyRetrieve(tools.map((t, i) => withInput(t, this.blocks, i))) : undefined;
    if (!calls) return { kind: "done", flush: this.held };
    const content = this.blocks.map((b) => finalBlock(b));
    return { kind: "retrieve", calls, flush: this.held, continueBody: (body, answers) => appendTurn(body, { role: "assistant", content }, calls, answers) };
  }

  errorEvent(message: string): Uint8Array {
    return encodeEvent(JSON.stringify({ type: "error", error: { type: "api_error", message } }), "error");
  }

  private applyDelta(d: Obj): void {
    const b = this.blocks[this.blocks.length - 1];
    if (!b) return;
    if (d.type === "text_delta" && typeof d.text === "string") b.block.text = String(b.block.text ?? "") + d.text;
    else if (d.type === "thinking_delta" && typeof d.thinking === "string") b.block.thinking = String(b.block.thinking ?? "") + d.thinking;
    else if (d.type === "signature_delta" && typeof d.signature === "string") b.block.signature = String(b.block.signature ?? "") + d.signature;
    else if (d.type === "input_json_delta" && typeof d.partial_json === "string") b.json += d.partial_json;
    else if (d.type === "citations_delta" && d.citation !== undefined) b.block.citations = [...(Array.isArray(b.block.citations) ? b.block.citations : []), d.citation];
  }

  private giveUp(ev: SseEvent, data: Obj): Uint8Array[] {
    this.passthrough = true;
    this.holding = false;
    this.sent = this.blocks.length;
    const out = [...this.held, ...this.emit(ev, data)];
    this.held = [];
    return out;
  }

  /** First round: exact bytes. Continuations: block indices shifted and output tokens summed. */
  private emit(ev: SseEvent, data?: Obj): Uint8Array[] {
    if (this.round === 0 || !data) return [ev.raw];
    const out: Obj = { ...data };
    if (typeof data.index === "number") out.index = data.index + this.offset;
    if (ev.event === "message_delta" && isObj(data.usage) && typeof data.usage.output_tokens === "number")
      out.usage = { ...data.usage, output_tokens: data.usage.output_tokens + this.outputTokensBefore };
    return [encodeEvent(JSON.stringify(out), ev.event)];
  }
}

function withInput(tool: Obj, blocks: Block[], _i: number): Obj {
  const b = blocks.find((x) => x.block === tool);
  return b ? finalBlock(b) : tool;
}

/** The block as the API wants it back: tool input parsed from the streamed JSON. */
function finalBlock(b: Block): Obj {
  if (!TOOL_BLOCKS.has(String(b.block.type))) return b.block;
  const input = b.json ? tryParse(b.json) : b.block.input;
  return { ...b.block, input: isObj(input) ? input : {} };
}
