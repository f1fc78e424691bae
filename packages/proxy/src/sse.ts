/**
 * A byte-level Server-Sent Events splitter. Events are cut at the blank line that ends them, so the raw
 * bytes of every event can be forwarded unchanged, and a UTF-8 character split across network chunks is
 * never decoded half (the separator is ASCII, so a complete event is always complete UTF-8).
 */

/** One SSE event: its exact bytes (separator included) and its parsed fields. */
export interface SseEvent {
  raw: Uint8Array;
  /** The `event:` field, when present. */
  event: string | undefined;
  /** The `data:` lines joined with `\n` (empty when none). */
  data: string;
}

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Incremental splitter: push chunks, get the events completed so far. */
export class SseSplitter {
  private buf: Uint8Array = new Uint8Array(0);
  private scanFrom = 0;

  push(chunk: Uint8Array): SseEvent[] {
    this.buf = this.buf.length ? concat(this.buf, chunk) : chunk;
    const out: SseEvent[] = [];
    let start = 0;
    let i = Math.max(this.scanFrom, 0);
    for (; i < this.buf.length; i++) {
      if (this.buf[i] !== LF) continue;
      // A line ended at i; the event ends when the next line is empty (LF or CRLF).
      const n = this.buf[i + 1];
      let end = -1;
      if (n === LF) end = i + 2;
      else if (n === CR && this.buf[i + 2] === LF) end = i + 3;
      else if (n === undefined || (n === CR && this.buf[i + 2] === undefined)) break; // need more bytes
      if (end < 0) continue;
      out.push(parseEvent(this.buf.subarray(start, end)));
      start = end;
      i = end - 1;
    }
    this.buf = start ? this.buf.slice(start) : this.buf;
    this.scanFrom = Math.max(0, i - start);
    return out;
  }

  /** Bytes of an unterminated trailing event (upstream closed without the final blank line). */
  rest(): Uint8Array {
    return this.buf;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parses one complete event's fields (comments and unknown fields are kept only in `raw`). */
export function parseEvent(raw: Uint8Array): SseEvent {
  const text = decoder.decode(raw);
  let event: string | undefined;
  const data: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith(":")) continue;
    const c = line.indexOf(":");
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? "" : line.slice(c + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { raw, event, data: data.join("\n") };
}

/** Serializes an event we built or rewrote (`event:` line only when named). */
export function encodeEvent(data: string, event?: string): Uint8Array {
  return encoder.encode(`${event !== undefined ? `event: ${event}\n` : ""}data: ${data}\n\n`);
}
