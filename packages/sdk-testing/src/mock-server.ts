/**
 * Test helper: a loopback HTTP server that plays scripted model turns, so the real SDK
 * talks real HTTP. Each request gets the next turn; a turn sees the parsed body and answers JSON or
 * server-sent events.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// biome-ignore lint/suspicious/noExplicitAny: test helper; tests index into the parsed request bodies freely.
export type Turn = (body: any) => { json: unknown } | { sse: unknown[]; named?: boolean };

export interface MockServer {
  url: string;
  /** Raw request bodies, in order. */
  raw: string[];
  // biome-ignore lint/suspicious/noExplicitAny: test helper; tests index into the parsed request bodies freely.
  bodies: any[];
  paths: string[];
  close(): Promise<void>;
}

/** Starts the server; `turns` are consumed in order (a request past the script gets a 500). */
export async function mockServer(turns: Turn[]): Promise<MockServer> {
  const raw: string[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: test helper; tests index into the parsed request bodies freely.
  const bodies: any[] = [];
  const paths: string[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => {
      raw.push(data);
      paths.push(req.url ?? "");
      const body = JSON.parse(data || "{}");
      bodies.push(body);
      const turn = turns[next++];
      if (!turn) {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "script exhausted" } }));
        return;
      }
      let out: ReturnType<Turn>;
      try {
        out = turn(body);
      } catch (e) {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: String(e) } }));
        return;
      }
      if ("json" in out) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out.json));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const ev of out.sse) {
        if (ev === "[DONE]") res.write("data: [DONE]\n\n");
        else if (out.named) res.write(`event: ${(ev as { type: string }).type}\ndata: ${JSON.stringify(ev)}\n\n`);
        else res.write(`data: ${JSON.stringify(ev)}\n\n`);
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, raw, bodies, paths, close: () => new Promise((r) => server.close(() => r())) };
}

/** The first marker hash in a request body (what a model would read and ask for). */
export function markerHash(body: unknown): string {
  const m = /Retrieve more: hash=([a-f0-9]{24})\]/.exec(JSON.stringify(body));
  if (!m) throw new Error("no marker in the request");
  return m[1]!;
}
