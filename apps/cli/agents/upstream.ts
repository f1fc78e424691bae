import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the scripted upstream received. */
export interface Seen {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  raw: string;
}

/** What the script answers: an Anthropic message/stream or a Responses stream, decided per request. */
export type Script = (req: Seen) => { kind: "anthropic"; blocks: Block[] } | { kind: "responses"; items: RespItem[] } | { kind: "json"; status: number; body: unknown };
export type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };
export type RespItem = { type: "message"; text: string } | { type: "function_call"; call_id: string; name: string; arguments: string };

const sse = (res: ServerResponse, events: [string, unknown][]) => {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
};

function anthropic(res: ServerResponse, body: Record<string, unknown>, blocks: Block[]): void {
  const model = String(body.model ?? "claude");
  const usage = { input_tokens: 10, output_tokens: 5 };
  const stop = blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "msg_s", type: "message", role: "assistant", model, content: blocks, stop_reason: stop, stop_sequence: null, usage }));
    return;
  }
  const ev: [string, unknown][] = [["message_start", { type: "message_start", message: { id: "msg_s", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage } }]];
  blocks.forEach((b, index) => {
    if (b.type === "text") {
      ev.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
      ev.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: b.text } }]);
    } else {
      ev.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: b.id, name: b.name, input: {} } }]);
      ev.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input) } }]);
    }
    ev.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  ev.push(["message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }]);
  ev.push(["message_stop", { type: "message_stop" }]);
  sse(res, ev);
}

function responses(res: ServerResponse, body: Record<string, unknown>, items: RespItem[]): void {
  const model = String(body.model ?? "gpt");
  const output = items.map((it, i) =>
    it.type === "message"
      ? { type: "message", id: `msg_${i}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: it.text, annotations: [] }] }
      : { type: "function_call", id: `fc_${i}`, status: "completed", call_id: it.call_id, name: it.name, arguments: it.arguments },
  );
  const base = { id: "resp_s", object: "response", created_at: 1, model, status: "in_progress", output: [] as unknown[] };
  const ev: [string, unknown][] = [["response.created", { type: "response.created", sequence_number: 0, response: base }]];
  output.forEach((item, output_index) => {
    ev.push(["response.output_item.added", { type: "response.output_item.added", output_index, item: { ...item, status: "in_progress" } }]);
    if (item.type === "message") {
      const text = (item.content as { text: string }[])[0]!.text;
      ev.push(["response.output_text.delta", { type: "response.output_text.delta", item_id: item.id, output_index, content_index: 0, delta: text }]);
      ev.push(["response.output_text.done", { type: "response.output_text.done", item_id: item.id, output_index, content_index: 0, text }]);
    }
    ev.push(["response.output_item.done", { type: "response.output_item.done", output_index, item }]);
  });
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  ev.push(["response.completed", { type: "response.completed", response: { ...base, status: "completed", output, usage } }]);
  sse(res, ev);
}

/** A loopback HTTP server that plays a scripted model for the real agents. */
export class ScriptedUpstream {
  readonly seen: Seen[] = [];
  private server?: Server;
  url = "";
  constructor(private readonly script: Script) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const seen = { method: req.method ?? "GET", path: req.url ?? "/", body, raw };
    this.seen.push(seen);
    const a = this.script(seen);
    if (a.kind === "anthropic") anthropic(res, body ?? {}, a.blocks);
    else if (a.kind === "responses") responses(res, body ?? {}, a.items);
    else {
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(JSON.stringify(a.body));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
