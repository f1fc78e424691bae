import { crc32, deflateSync } from "node:zlib";
import { createOriginals, marker, type CompressorV2 } from "@headroom/core";
import { data, named } from "./mock-upstream.js";

/**
 * A small lossy compressor for the tests: keeps the first three lines of a long tool output and stores
 * the original behind a marker, exactly as a real plugin does.
 */
export function headCompressor(): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "test-head",
    kinds: ["*"],
    priority: 100,
    compress(unit, ctx) {
      const lines = unit.text.split("\n");
      if (!ctx.allowLossy) return { decline: "lossy only" };
      if (lines.length < 10) return { decline: "short" };
      const o = createOriginals();
      const key = o.stash(unit.text);
      return { text: `${lines.slice(0, 3).join("\n")}\n${marker(`${lines.length - 3} more lines omitted`, key)}`, lossless: false, originals: o.list() };
    },
  };
}

/** A compressor that always throws (fault injection). */
export const throwingCompressor: CompressorV2 = {
  specificationVersion: "v2",
  name: "test-throws",
  kinds: ["*"],
  priority: 200,
  compress() {
    throw new Error("boom");
  },
};

/** 400 log lines: far over the 200-token threshold. */
export const BIG_LOG = Array.from({ length: 400 }, (_, i) => `2025-01-01T00:00:${String(i % 60).padStart(2, "0")}Z INFO worker-${i % 7} processed job ${i} in ${(i * 37) % 1000} ms`).join("\n");

export const chatRequest = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o",
  messages: [
    { role: "user", content: "Why did job 123 take so long?" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_log", arguments: '{"path":"worker.log"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: BIG_LOG },
  ],
  tools: [{ type: "function", function: { name: "read_log", description: "read a log", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
  ...extra,
});

export const anthropicRequest = (extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [
    { role: "user", content: "Why did job 123 take so long?" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read_log", input: { path: "worker.log" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: BIG_LOG }] },
  ],
  tools: [{ name: "read_log", description: "read a log", input_schema: { type: "object", properties: { path: { type: "string" } } } }],
  ...extra,
});

export const responsesRequest = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o",
  input: [
    { role: "user", content: "Why did job 123 take so long?" },
    { type: "function_call", call_id: "call_1", name: "read_log", arguments: '{"path":"worker.log"}' },
    { type: "function_call_output", call_id: "call_1", output: BIG_LOG },
  ],
  tools: [{ type: "function", name: "read_log", parameters: { type: "object", properties: { path: { type: "string" } } } }],
  ...extra,
});

// ---- OpenAI Chat ----
export const chatCompletion = (message: Record<string, unknown>, finish = "stop") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: null, ...message }, finish_reason: finish, logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

const chunk = (id: string, delta: Record<string, unknown>, finish: string | null = null) =>
  data({ id, object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] });

/** Text then (optionally) tool calls, as OpenAI streams them. */
export function chatStream(id: string, text: string, calls: { id: string; name: string; args: string }[] = []): string[] {
  const out = [chunk(id, { role: "assistant", content: "" })];
  for (const piece of text.match(/.{1,6}/gsu) ?? []) out.push(chunk(id, { content: piece }));
  calls.forEach((c, i) => {
    out.push(chunk(id, { tool_calls: [{ index: i, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    const half = Math.ceil(c.args.length / 2);
    out.push(chunk(id, { tool_calls: [{ index: i, function: { arguments: c.args.slice(0, half) } }] }));
    out.push(chunk(id, { tool_calls: [{ index: i, function: { arguments: c.args.slice(half) } }] }));
  });
  out.push(chunk(id, {}, calls.length ? "tool_calls" : "stop"));
  out.push(data("[DONE]"));
  return out;
}

// ---- Anthropic ----
export const anthropicMessage = (content: unknown[], stop = "end_turn", id = "msg_1") => ({
  id,
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5 },
});

export function anthropicStream(id: string, text: string, tools: { id: string; name: string; input: unknown }[] = []): string[] {
  const out = [named("message_start", { type: "message_start", message: { ...anthropicMessage([], null as never, id), stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } })];
  let index = 0;
  if (text) {
    out.push(named("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }));
    out.push(named("ping", { type: "ping" }));
    for (const piece of text.match(/.{1,6}/gsu) ?? []) out.push(named("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }));
    out.push(named("content_block_stop", { type: "content_block_stop", index }));
    index++;
  }
  for (const t of tools) {
    out.push(named("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: t.id, name: t.name, input: {} } }));
    const json = JSON.stringify(t.input);
    out.push(named("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(0, 5) } }));
    out.push(named("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(5) } }));
    out.push(named("content_block_stop", { type: "content_block_stop", index }));
    index++;
  }
  out.push(named("message_delta", { type: "message_delta", delta: { stop_reason: tools.length ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: 7 } }));
  out.push(named("message_stop", { type: "message_stop" }));
  return out;
}

// ---- OpenAI Responses ----
export const responseObject = (id: string, output: unknown[], status = "completed") => ({
  id,
  object: "response",
  created_at: 1,
  status,
  model: "gpt-4o",
  output,
  usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
});

export const messageItem = (id: string, text: string) => ({ type: "message", id, status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] });
export const callItem = (id: string, callId: string, name: string, args: string) => ({ type: "function_call", id, call_id: callId, name, arguments: args, status: "completed" });

export function responsesStream(id: string, text: string, calls: { id: string; callId: string; name: string; args: string }[] = []): string[] {
  let seq = 0;
  const ev = (type: string, body: Record<string, unknown>) => named(type, { type, sequence_number: seq++, ...body });
  const output: unknown[] = [];
  const out = [ev("response.created", { response: responseObject(id, [], "in_progress") }), ev("response.in_progress", { response: responseObject(id, [], "in_progress") })];
  let oi = 0;
  if (text) {
    const mid = `msg_${id}`;
    out.push(ev("response.output_item.added", { output_index: oi, item: { type: "message", id: mid, status: "in_progress", role: "assistant", content: [] } }));
    out.push(ev("response.content_part.added", { item_id: mid, output_index: oi, content_index: 0, part: { type: "output_text", text: "", annotations: [] } }));
    for (const piece of text.match(/.{1,6}/gsu) ?? []) out.push(ev("response.output_text.delta", { item_id: mid, output_index: oi, content_index: 0, delta: piece }));
    out.push(ev("response.output_text.done", { item_id: mid, output_index: oi, content_index: 0, text }));
    out.push(ev("response.content_part.done", { item_id: mid, output_index: oi, content_index: 0, part: { type: "output_text", text, annotations: [] } }));
    const item = messageItem(mid, text);
    out.push(ev("response.output_item.done", { output_index: oi, item }));
    output.push(item);
    oi++;
  }
  for (const c of calls) {
    out.push(ev("response.output_item.added", { output_index: oi, item: { ...callItem(c.id, c.callId, c.name, ""), status: "in_progress" } }));
    out.push(ev("response.function_call_arguments.delta", { item_id: c.id, output_index: oi, delta: c.args }));
    out.push(ev("response.function_call_arguments.done", { item_id: c.id, output_index: oi, arguments: c.args }));
    const item = callItem(c.id, c.callId, c.name, c.args);
    out.push(ev("response.output_item.done", { output_index: oi, item }));
    output.push(item);
    oi++;
  }
  out.push(ev("response.completed", { response: responseObject(id, output) }));
  return out;
}

/** A real PNG (RGB, no filter) of a light page with dark text-like bars, written with zlib only. */
export function pagePng(w: number, h: number): Buffer {
  const rows = Buffer.alloc((w * 3 + 1) * h, 0xf4);
  let seed = 7;
  for (let y = 0; y < h; y++) {
    rows[y * (w * 3 + 1)] = 0;
    // Lines of "glyphs" (strokes on a 9-px grid), 28 px high every 56 px, broken up by a fixed LCG so that deflate cannot fold them.
    for (let x = 0; x < w && y % 56 < 28; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      if ((x % 9 < 2 || (y % 56) % 9 < 2) && seed >>> 29 < 6) rows.fill(0x30 + (seed & 0x3f), y * (w * 3 + 1) + 1 + x * 3, y * (w * 3 + 1) + 4 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 1 })), chunk("IEND", Buffer.alloc(0))]);
}
