import { describe, expect, it } from "vitest";
import { analyzeLog, compressLog } from "./index.js";
import { cheapFolds, entityStateRecords } from "./importance.js";

const pad = (n: number) => String(n).padStart(2, "0");
const stamp = (i: number) => `2024-01-01 ${pad(10 + ((i / 3600) | 0))}:${pad(((i / 60) | 0) % 60)}:${pad(i % 60)}`;
/** A distinct letters-only word per k < 676 (template words must differ by letters, not digits). */
const word = (k: number) => String.fromCharCode(97 + (k % 26), 97 + (((k / 26) | 0) % 26), 97 + ((k * 7) % 26));
const hex = (k: number) => `0x${(k * 2654435761).toString(16).padStart(8, "0").repeat(24)}`;

describe("few-record templates are shown whole", () => {
  it("picks a template of two short lines, not one of many", () => {
    const lines = [`${stamp(0)} INFO startup callback for alpha`];
    for (let i = 1; i < 60; i++) lines.push(`${stamp(i)} INFO request ${i} served`);
    lines.push(`${stamp(60)} INFO startup callback for beta`);
    const a = analyzeLog(lines.join("\n"));
    const costs = a.records.map((r) => a.lines[r.start]!.length + 1);
    const whole = cheapFolds(a.records, costs);
    expect(whole.has(a.records[0]!.template.id)).toBe(true);
    expect(whole.has(a.records[1]!.template.id)).toBe(false);
  });

  it("keeps the second instance even when the first records of many templates fill the budget", () => {
    const lines: string[] = [];
    // 300 kinds of long dump lines, three each: their first records alone exceed the size curve.
    for (let k = 0; k < 300; k++) for (let j = 0; j < 3; j++) lines.push(`${stamp(k * 3 + j)} INFO cache ${word(k)} dump ${hex(k * 3 + j)}`);
    lines.push(`${stamp(1000)} INFO broker startup callback for alpha`);
    for (let i = 0; i < 3000; i++) lines.push(`${stamp(1001 + i)} INFO request from 10.1.${(i / 250) | 0}.${i % 250} served in ${i % 7}ms`);
    lines.push(`${stamp(4100)} INFO broker startup callback for beta`);
    for (let i = 0; i < 100; i++) lines.push(`${stamp(4101 + i)} INFO request from 10.2.0.${i} served in ${i % 7}ms`);
    const out = compressLog(lines.join("\n"), true)!.text;
    expect(out).toContain("INFO broker startup callback for alpha");
    expect(out).toContain("INFO broker startup callback for beta");
    expect(out.length).toBeLessThan(lines.join("\n").length * 0.5);
  });
});

describe("state changes per entity", () => {
  it("returns the first and last state record of each value, not of each template", () => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`${stamp(i)} INFO Starting leader election for partitions [orders-${word(i % 4)}]`);
    for (let i = 0; i < 12; i++) lines.push(`${stamp(20 + i)} INFO cache lookup for [orders-${word(i % 4)}]`);
    const a = analyzeLog(lines.join("\n"));
    const heads = a.records.map((r) => a.lines[r.start]!);
    const picked = entityStateRecords(a.records, heads, (v) => /[a-z]/.test(v)).map((r) => r.index);
    expect(picked).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
  });

  it("keeps an early entity's state change that spreading examples over the run would skip", () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      lines.push(`${stamp(i)} INFO Starting preferred replica leader election for partitions [orders-${word(i % 600)},${i}]`);
      lines.push(`${stamp(i)} INFO request from 10.1.${(i / 250) | 0}.${i % 250} served in ${i % 7}ms`);
    }
    const out = compressLog(lines.join("\n"), true)!.text;
    expect(out).toContain(`leader election for partitions [orders-${word(1)},1]`);
  });
});
