import { ccrKey, findMarkerHashes } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { crush } from "./crush.js";
import { decode } from "./decode.js";
import { queryTerms } from "@headroom/text";
import { changePoints, selectItems } from "./select.js";
import { fromValue } from "./ast.js";

const count = (t: string) => Math.ceil(t.length / 4);
const rows = (n: number, f: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ id: i, status: "ok", latency_ms: 100 + (i % 7), error_count: 0, host: `web-${i % 3}`, ...f(i) }));
const kept = (text: string): { id: number }[] => decode(text) as { id: number }[];

describe("lossy selection", () => {
  it("is off without a store: lossless only", () => {
    const text = JSON.stringify(rows(200));
    const r = crush(text, { count })!;
    expect(r.lossless).toBe(true);
    expect(findMarkerHashes(r.text)).toEqual([]);
  });

  it("keeps first, last, trouble values (not key names), outliers and rare values; ends with the marker", () => {
    const data = rows(200, (i) => (i === 50 ? { status: "request timed out" } : i === 120 ? { latency_ms: 9000 } : i === 160 ? { host: "db-1" } : {}));
    const text = JSON.stringify(data, null, 2);
    // A fixed share isolates what selection keeps from how much the size curve allows (tested below).
    const r = crush(text, { count, reversible: true, keepShare: 0.2 })!;
    expect(r.lossless).toBe(false);
    const ids = kept(r.text).map((x) => x.id);
    for (const id of [0, 199, 50, 120, 160]) expect(ids).toContain(id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b)); // original order
    expect(ids.length).toBeLessThan(40);
    const last = r.text.split("\n").pop()!;
    expect(last).toMatch(/^\[200 items compressed to \d+\. Retrieve more: hash=[a-f0-9]{24}\]$/);
    expect(r.originals[0]!.key).toBe(ccrKey(text));
    expect(r.originals[0]!.content).toBe(text);
    for (const h of findMarkerHashes(r.text)) expect(r.originals.map((o) => o.key)).toContain(h);
  });

  it("matches trouble words on word boundaries in values only", () => {
    const data = rows(100, (i) => (i === 30 ? { note: "terrorism dataset" } : i === 40 ? { note: "AttributeError raised" } : {}));
    const sel = selectItems(fromValue(data) as never);
    expect(sel.reasons.get(40)).toBe("error");
    expect(sel.reasons.get(30)).not.toBe("error");
  });

  it("keeps query matches from the user turn and change points", () => {
    const data = rows(150, (i) => ({ name: `user${i}`, load: i < 90 ? 10 + (i % 3) : 60 + (i % 3) }));
    const r = crush(JSON.stringify(data), { count, reversible: true, query: 'What happened to "user77"?' })!;
    const ids = kept(r.text).map((x) => x.id);
    expect(ids).toContain(77);
    expect(ids.some((id) => id >= 86 && id <= 94)).toBe(true);
    expect(changePoints([...Array(30).fill(1), ...Array(30).fill(9)], 4)).toEqual([30]);
    const t = queryTerms("which PRs were merged by sigmavirus24 in 2017?");
    expect(t.exact).toEqual(expect.arrayContaining(["sigmavirus24", "2017"]));
    expect(t.words).toEqual(expect.arrayContaining(["prs", "merged"]));
  });

  it("shows every value of a low-cardinality field once, within the budget", () => {
    // role "10303" is in 10% of the items: not rare, and its digits keep it out of the signature.
    const items = fromValue(Array.from({ length: 80 }, (_, i) => ({ id: 1000 + i, holder: { type: "projectRole", parameter: i % 10 === 7 ? "10303" : i % 2 ? "10302" : "10002" } })));
    const sel = selectItems(items as never, { budget: 12 });
    const kept = sel.keep.map((i) => ((items as never as { vals: { vals: string[] }[] }[])[i]!).vals[1]!.vals[1]);
    expect(new Set(kept)).toEqual(new Set(["10303", "10302", "10002"]));
  });

  it("keeps more items when they differ than when they are near-duplicates", () => {
    const same = selectItems(fromValue(Array.from({ length: 100 }, (_, i) => ({ id: i, kind: "a" }))) as never).keep.length;
    const varied = selectItems(fromValue(Array.from({ length: 100 }, (_, i) => ({ id: i, kind: `k${i % 40}x`.replace(/\d/g, (d) => "abcdefghij"[+d]!) }))) as never).keep.length;
    expect(varied).toBeGreaterThan(same);
  });

  it("thins number arrays with min/max/mean and string arrays with anomalies", () => {
    const nums = Array.from({ length: 300 }, (_, i) => (i === 150 ? 5000 : i % 10));
    const r = crush(JSON.stringify({ samples: nums }), { count, reversible: true, keepShare: 0.2 })!;
    expect((decode(r.text) as { samples: number[] }).samples).toContain(5000);
    expect(r.text).toMatch(/\$\.samples: 300 numbers compressed to \d+; min 0, max 5000, mean 21\.167/);
    const lines = Array.from({ length: 120 }, (_, i) => (i === 70 ? "FATAL: disk full" : `GET /page/${i % 5} 200`));
    const s = crush(JSON.stringify(lines), { count, reversible: true, keepShare: 0.2 })!;
    expect(decode(s.text)).toContain("FATAL: disk full");
  });

  it("offloads long base64/HTML strings behind a typed marker outside the JSON string", () => {
    const blob = "iVBORw0KGgo" + "QUJDRA".repeat(400);
    const text = JSON.stringify({ name: "logo", png: blob, html: "<div><p>x</p><p>y</p><a href='#'>z</a><br></div>".repeat(20) });
    const r = crush(text, { count, reversible: true })!;
    const v = decode(r.text) as { png: string; html: string };
    expect(v.png).toMatch(/^<<base64 \d+ chars #\d>>$/);
    expect(v.html).toMatch(/^<<html \d+ chars #\d>>$/);
    const o = r.originals.find((x) => x.content === blob)!;
    expect(r.text).toContain(`hash=${o.key}]`);
    expect(o.key).toBe(ccrKey(blob));
  });

  it("thins stringified JSON and keeps the value a JSON string", () => {
    const inner = JSON.stringify(rows(100), null, 2);
    const r = crush(JSON.stringify({ body: inner }), { count, reversible: true, lossyFormat: "json" })!;
    const json = r.text.slice(0, r.text.lastIndexOf("\n["));
    const body = (JSON.parse(json.split("\n[")[0]!) as { body: string }).body;
    expect((JSON.parse(body) as unknown[]).length).toBeLessThan(100);
  });

  it("lossy output parses as JSON when asked for JSON, and never re-compresses its own output", () => {
    const r = crush(JSON.stringify(rows(100)), { count, reversible: true, lossyFormat: "json", keepShare: 0.2 })!;
    const body = r.text.split("\n[")[0]!;
    expect(Array.isArray(JSON.parse(body))).toBe(true);
    expect(crush(r.text, { count, reversible: true })).toBeNull();
  });

  it("keeps a share of items that falls with the array's size (the curve, not a fixed ratio) and scales with bias", () => {
    // ≈300-character items with nothing to slim: what is dropped is dropped by the curve.
    const big = (n: number) => rows(n, (i) => ({ name: `service-${i}`, region: ["eu-west", "us-east", "ap-south"][i % 3], owner: `team-${i % 11}`, note: `nightly build ${i} deployed from branch release-${i % 17}`, tags: ["a", "b", `t${i % 5}`] }));
    const share = (n: number, bias = 1) => {
      const r = crush(JSON.stringify(big(n)), { count, reversible: true, bias })!;
      return (r.lossless ? n : kept(r.text).length) / n;
    };
    const [s20, s200, s2000] = [share(20), share(200), share(2000)];
    expect(s20).toBe(1); // below the floor: every item stays
    expect(s200).toBeLessThan(s20);
    expect(s200).toBeGreaterThan(0.2); // a mid-sized array keeps more than the former fixed 0.2
    expect(s2000).toBeLessThan(s200 * 0.8);
    expect(share(200, 2)).toBeLessThan(s200);
    expect(share(200, 0.5)).toBeGreaterThan(s200);
  });
});
