import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the mock upstream received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  raw: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: test helper; tests index into the parsed request body freely.
  json: any;
  /** Resolves when the client side of this request closed; `finished` says whether we had ended the reply. */
  closed: Promise<{ finished: boolean }>;
}

/** How the mock answers one request. */
export type Reply =
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string> }
  /** SSE: each chunk is written separately (a TCP write each), Buffers as given so UTF-8 can be split. */
  | { kind: "sse"; chunks: (string | Buffer)[]; resetAfter?: number }
  /** Headers and some chunks, then hang until the client goes away. */
  | { kind: "hang"; chunks: string[] };

/**
 * A real HTTP server on 127.0.0.1 standing in for OpenAI and Anthropic: it records every request and
 * answers with the replies the test queues (or `fallback`).
 */
export class MockUpstream {
  readonly requests: Recorded[] = [];
  private queue: Reply[] = [];
  fallback: (r: Recorded) => Reply = () => ({ kind: "json", body: { ok: true } });
  private server!: Server;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Queues replies, used in order before `fallback`. */
  reply(...r: Reply[]): this {
    this.queue.push(...r);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.fallback = () => ({ kind: "json", body: { ok: true } });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      json = undefined;
    }
    let finished = false;
    const closed = new Promise<{ finished: boolean }>((resolve) => res.on("close", () => resolve({ finished })));
    const rec: Recorded = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, json, closed };
    this.requests.push(rec);
    const reply = this.queue.shift() ?? this.fallback(rec);
    if (reply.kind === "json") {
      const body = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", "x-upstream": "mock", ...reply.headers });
      res.end(body, () => (finished = true));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const list = reply.chunks;
    for (let i = 0; i < list.length; i++) {
      if (res.destroyed) return;
      if (reply.kind === "sse" && reply.resetAfter === i) {
        res.socket?.destroy();
        return;
      }
      res.write(list[i]!);
      // A pause between writes makes each one its own TCP segment, as a real provider's stream is.
      await new Promise((r) => setTimeout(r, 2));
    }
    if (reply.kind === "hang") return;
    if (reply.resetAfter !== undefined && reply.resetAfter >= list.length) {
      res.socket?.destroy();
      return;
    }
    res.end(() => (finished = true));
  }
}

/** `data: <json>\n\n` (OpenAI style). */
export const data = (obj: unknown): string => `data: ${typeof obj === "string" ? obj : JSON.stringify(obj)}\n\n`;
/** `event: <name>\ndata: <json>\n\n` (Anthropic and Responses style). */
export const named = (event: string, obj: unknown): string => `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;
