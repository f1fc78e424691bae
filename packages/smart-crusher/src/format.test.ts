import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson, toJson, toValue } from "./ast.js";
import { crush, encode } from "./crush.js";
import { decode, decodeToJson } from "./decode.js";
import { isBare } from "./table.js";

const count = (t: string) => Math.ceil(t.length / 4);
const roundTrip = (text: string) => {
  const compact = toJson(parseJson(text));
  const enc = encode(text, count);
  expect(decodeToJson(enc)).toBe(compact);
  expect(decode(enc)).toEqual(JSON.parse(text));
  return enc;
};

describe("table format", () => {
  it("writes uniform rows as a header and rows, constants in the header", () => {
    const doc = { employees: [1, 2, 3].map((id) => ({ id, name: `n${id}`, dept: "Eng", active: id !== 2 })) };
    const enc = roundTrip(JSON.stringify(doc));
    expect(enc).toBe('{"employees":[3]{id,name,dept=Eng,active}:\n1,n1,true\n2,n2,false\n3,n3,true}');
  });

  it("flattens small nested objects into dotted columns and nests inline tables", () => {
    const rows = [1, 2, 3, 4].map((i) => ({ id: i, customer: { name: `c${i}`, tier: i % 2 ? "gold" : "free" }, items: [{ sku: `S${i}`, qty: i }, { sku: "X", qty: 1 }] }));
    const enc = roundTrip(JSON.stringify(rows));
    expect(enc.startsWith("[4]{id,customer.name,customer.tier,items}:")).toBe(true);
    expect(enc).toContain("[2]{sku,qty}(S2,2;X,1)");
  });

  it("keeps missing keys, nulls, empty strings and key order apart", () => {
    roundTrip('[{"a":1,"b":null},{"b":""},{"a":2},{"c":{"x":1}},{"c":{}},{}]');
    roundTrip('[{"b":1,"2":2},{"b":3,"2":4}]'); // integer-like keys keep source order
  });

  it("keeps number spellings and big integers exactly", () => {
    const text = '[{"n":1.0,"m":-0,"big":12345678901234567890},{"n":1e3,"m":0,"big":9007199254740993}]';
    expect(decodeToJson(encode(text, count))).toBe(text);
  });

  it("quotes strings that would be misread bare", () => {
    for (const s of ["", " x", "1", "-2.5e3", "true", "null", "a,b", "a;b", "(x)", 'q"', "[1]", "{", "x\ny", "\ud800"]) expect(isBare(s)).toBe(false);
    for (const s of ["hello world", "01", "https://x.io/a?b=1", "a:b", "Ünïcode ✓"]) expect(isBare(s)).toBe(true);
    roundTrip(JSON.stringify([{ s: "" }, { s: " x" }, { s: "1" }, { s: "a,b" }, { s: "\ud800" }, { s: "true" }]));
  });

  it("buckets heterogeneous rows by a discriminating field and restores their order", () => {
    const ev = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? { type: "push", ref: `r${i}`, size: i, commits: i * 2 } : i % 3 === 1 ? { type: "fork", forkee: `f${i}`, public: true, owner: `o${i}` } : { type: "star", who: `w${i}`, when: `t${i}`, repo: `x${i}` },
    );
    const enc = roundTrip(JSON.stringify(ev));
    expect(enc.startsWith("[12]<012012012012>:")).toBe(true);
  });

  it("duplicate keys survive in JSON form", () => {
    const text = '[{"a":1,"a":2},{"a":3,"a":4}]';
    expect(decodeToJson(encode(text, count))).toBe(text);
  });

  it("decode accepts plain JSON and trailing marker lines, rejects garbage", () => {
    expect(decode('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(decode("[1,2]\n[2 items compressed to 1. Retrieve more: hash=0123456789abcdef01234567]")).toEqual([1, 2]);
    expect(() => decode("[2]{a}:\n1")).toThrow();
    expect(() => decode("[1] trailing")).toThrow();
  });
});

describe("properties", () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const rowsArb = fc.array(
    fc.dictionary(fc.constantFrom("id", "name", "x.y", "2", "tags", "meta", "__proto__"), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("a,b", "", "1", " s", "ok")), { maxKeys: 5 }),
    { minLength: 2, maxLength: 12 },
  );

  it("lossless decode is exact on any JSON value", () => {
    fc.assert(
      fc.property(fc.oneof(json, rowsArb), (v) => {
        const text = JSON.stringify(v);
        expect(decodeToJson(encode(text, count))).toBe(toJson(parseJson(text)));
        expect(toValue(parseJson(decodeToJson(encode(text, count))))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("crush never throws on any string, is deterministic and never longer than its input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), json.map((v) => JSON.stringify(v, null, 1)), rowsArb.map((v) => JSON.stringify(v))), (s) => {
        for (const reversible of [false, true]) {
          const a = crush(s, { count, reversible });
          const b = crush(s, { count, reversible });
          expect(a).toEqual(b);
          if (a) expect(count(a.text)).toBeLessThanOrEqual(count(s));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("lone surrogates and unicode round-trip", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.string({ unit: "binary" }), v: fc.string({ unit: "grapheme" }) }), { minLength: 2, maxLength: 6 }), (rows) => {
        const text = JSON.stringify(rows);
        expect(decode(encode(text, count))).toEqual(rows);
      }),
      { numRuns: 100 },
    );
  });
});

describe("hostile input", () => {
  it("10,000 levels of nesting decline instead of throwing", () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    const deepObj = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
    for (const t of [deep, deepObj]) {
      expect(crush(t, { count })).toBeNull();
      expect(crush(t, { count, reversible: true })).toBeNull();
      expect(() => decode(t)).toThrow(/too deep/);
    }
  });

  it("100k-item arrays are handled", () => {
    const nums = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i % 977));
    const r = crush(nums, { count, reversible: true });
    expect(r).not.toBeNull();
    expect(r!.text.length).toBeLessThan(nums.length / 10);
    const rows = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ id: i, ok: i % 3 === 0 })));
    const l = crush(rows, { count })!;
    expect(decodeToJson(l.text)).toBe(rows);
  });

  it("integers beyond 2^53 and duplicate keys in the source do not throw", () => {
    expect(() => crush('[{"id":90071992547409931,"a":1,"a":2},{"id":90071992547409932,"a":3}]', { count, reversible: true })).not.toThrow();
  });
});
