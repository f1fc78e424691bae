import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeEvent, parseEvent, SseSplitter } from "./sse.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("SseSplitter", () => {
  it("splits LF and CRLF events and keeps their exact bytes", () => {
    const s = new SseSplitter();
    const text = "event: a\ndata: {\"x\":1}\n\n: comment\r\ndata: two\r\ndata: lines\r\n\r\ndata: [DONE]\n\n";
    const evs = s.push(enc.encode(text));
    expect(evs.map((e) => [e.event, e.data])).toEqual([
      ["a", '{"x":1}'],
      [undefined, "two\nlines"],
      [undefined, "[DONE]"],
    ]);
    expect(evs.map((e) => dec.decode(e.raw)).join("")).toBe(text);
    expect(s.rest().length).toBe(0);
  });

  it("any chunking gives the same events and bytes, even through multi-byte characters", () => {
    const events = ["data: héllo 😀\n\n", "event: x\r\ndata: ü\r\n\r\n", "data: 雪\n\n", ": ping\n\n"];
    const bytes = enc.encode(events.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const s = new SseSplitter();
        const out: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...cuts.sort((a, b) => a - b), bytes.length]) {
          for (const e of s.push(bytes.slice(prev, c))) out.push(e.raw);
          prev = c;
        }
        expect(out.map((r) => dec.decode(r))).toEqual(events);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps an unterminated tail for the caller", () => {
    const s = new SseSplitter();
    expect(s.push(enc.encode("data: 1\n\ndata: par"))).toHaveLength(1);
    expect(dec.decode(s.rest())).toBe("data: par");
    expect(parseEvent(s.rest()).data).toBe("par");
  });

  it("encodes events it builds", () => {
    expect(dec.decode(encodeEvent('{"a":1}', "ping"))).toBe('event: ping\ndata: {"a":1}\n\n');
    expect(dec.decode(encodeEvent("[DONE]"))).toBe("data: [DONE]\n\n");
  });
});
