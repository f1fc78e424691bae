/**
 * JSON lines (`go test -json`, `jest --json` streams, Logpush / CloudTrail exports, event streams): one
 * JSON value per line. The lines are the items of an array and go through the same item selection as a
 * JSON array; the output stays JSON lines — every kept line verbatim, in order — followed by one marker
 * line that says what was dropped, counted by the stream's own discriminating field (`Action`, `level`…).
 */
import { ccrKey, marker } from "@headroom/core";
import { keepChars, normalizeBias, queryTerms } from "@headroom/text";
import { JObj, JsonSyntaxError, MAX_DEPTH, maxNesting, parseJson, toJson, type JVal } from "./ast.js";
import type { CrushOptions, CrushResult } from "./crush.js";
import { selectItems, TROUBLE, type Selection } from "./select.js";

/** The records of a JSON-lines text: each non-blank line parsed, with its source line. */
export interface JsonLines {
  lines: string[];
  records: JVal[];
}

/**
 * Parses a text whose every non-blank line is a JSON object or array (at least two of them). Null for
 * anything else, including one document spread over several lines.
 */
export function parseJsonLines(text: string): JsonLines | null {
  const lines: string[] = [];
  const records: JVal[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const t = line.trim();
    if (!t) continue;
    if (t[0] !== "{" && t[0] !== "[") return null;
    if (maxNesting(t) > MAX_DEPTH) return null;
    try {
      records.push(parseJson(t));
    } catch (e) {
      if (e instanceof JsonSyntaxError) return null;
      throw e;
    }
    lines.push(line);
  }
  return records.length >= 2 ? { lines, records } : null;
}

/**
 * The field that sorts a stream's records into a few kinds (`Action` of `go test -json`, `level`,
 * `type`): a top-level string field present in at least 80% of the records with 2 to 12 distinct values.
 * The first such field in record order wins; undefined when there is none.
 */
export function discriminator(records: readonly JVal[]): string | undefined {
  const values = new Map<string, Set<string>>();
  const present = new Map<string, number>();
  const order: string[] = [];
  for (const r of records) {
    if (!(r instanceof JObj)) continue;
    for (let i = 0; i < r.keys.length; i++) {
      const k = r.keys[i]!;
      const v = r.vals[i];
      if (typeof v !== "string" || v.length > 40) continue;
      if (!values.has(k)) {
        values.set(k, new Set());
        order.push(k);
      }
      present.set(k, (present.get(k) ?? 0) + 1);
      const set = values.get(k)!;
      if (set.size <= 12) set.add(v);
    }
  }
  return order.find((k) => present.get(k)! >= records.length * 0.8 && values.get(k)!.size >= 2 && values.get(k)!.size <= 12);
}

const TIME_LIKE = /^\d{4}-\d{2}-\d{2}[T ]|\d{2}:\d{2}:\d{2}/;

/**
 * The field that names the entity a record belongs to (`Test` of `go test -json`, a request or trace
 * id shared by its events): a top-level string field in at least half the records whose values each
 * group a few records (2 to 20 on average; the largest such groups win). Undefined when none does.
 */
export function entityField(records: readonly JVal[], skip: string | undefined): string | undefined {
  const groups = new Map<string, Map<string, number>>();
  const order: string[] = [];
  for (const r of records) {
    if (!(r instanceof JObj)) continue;
    for (let i = 0; i < r.keys.length; i++) {
      const k = r.keys[i]!;
      const v = r.vals[i];
      // Time stamps are never an entity, even when a coarse clock repeats them.
      if (k === skip || typeof v !== "string" || TIME_LIKE.test(v)) continue;
      let g = groups.get(k);
      if (!g) {
        g = new Map();
        groups.set(k, g);
        order.push(k);
      }
      g.set(v, (g.get(v) ?? 0) + 1);
    }
  }
  // Of the fields that qualify, the one grouping most records together (first in record order on ties).
  let best: string | undefined;
  let bestSize = 0;
  for (const k of order) {
    const g = groups.get(k)!;
    let n = 0;
    for (const c of g.values()) n += c;
    const avg = n / g.size;
    if (n >= records.length * 0.5 && g.size >= 2 && avg >= 2 && avg <= 20 && avg > bestSize) {
      best = k;
      bestSize = avg;
    }
  }
  return best;
}

/**
 * What a kept anomaly brings along: every record of the stream whose discriminator signals trouble
 * (`"Action":"fail"`), then, for each record kept as a failure, rare kind or query match, the other
 * records of its entity (a failing test's own output lines), smallest entities first. That context is
 * mandatory like the anomalies themselves: it may exceed the `budget` curve, never half of the stream.
 */
function withContext(records: readonly JVal[], lines: readonly string[], sel: Selection, budget: number, total: number): number[] {
  const kept = new Set(sel.keep);
  const field = discriminator(records);
  const value = (i: number, f: string | undefined) => {
    const r = records[i];
    const v = f && r instanceof JObj ? r.get(f) : undefined;
    return typeof v === "string" ? v : undefined;
  };
  let used = 0;
  for (const i of kept) used += lines[i]!.length + 1;
  const add = (i: number) => {
    if (kept.has(i)) return;
    kept.add(i);
    used += lines[i]!.length + 1;
  };
  const troubled = records.map((_, i) => i).filter((i) => TROUBLE.test(value(i, field) ?? ""));
  const entity = entityField(records, field);
  // A failing record outside any entity (a package's verdict) is explained by the line before it.
  if (troubled.length <= records.length * 0.25)
    for (const i of troubled) {
      add(i);
      if (i > 0 && (!entity || value(i, entity) === undefined)) add(i - 1);
    }
  if (entity) {
    const members = new Map<string, number[]>();
    records.forEach((_, i) => {
      const v = value(i, entity);
      if (v !== undefined) members.set(v, [...(members.get(v) ?? []), i]);
    });
    // Seeds: kept anomalies, smallest entity first (more of them fit), then in stream order.
    const groupOf = (i: number) => members.get(value(i, entity) ?? "\u0000");
    const seeds = [...kept]
      .filter((i) => sel.reasons.get(i) !== "diverse" && sel.reasons.get(i) !== "edge" && groupOf(i))
      .sort((a, b) => groupOf(a)!.length - groupOf(b)!.length || a - b);
    for (const i of seeds) {
      const group = groupOf(i)!;
      if (group.length > 20) continue;
      const cost = group.reduce((s, j) => s + (kept.has(j) ? 0 : lines[j]!.length + 1), 0);
      // Mandatory context may exceed the curve (it is a cap on the optional part), never half the stream.
      if (used + cost > Math.max(budget, total / 2)) continue;
      for (const j of group) add(j);
    }
  }
  return [...kept].sort((a, b) => a - b);
}

/** `280 JSON lines omitted (170 output, 60 run, 50 pass)`: how many lines went, by the stream's kinds. */
function omitted(records: readonly JVal[], dropped: readonly number[], field: string | undefined): string {
  const head = `${dropped.length} of ${records.length} JSON lines omitted`;
  if (!field) return head;
  const counts = new Map<string, number>();
  for (const i of dropped) {
    const r = records[i];
    const v = r instanceof JObj ? r.get(field) : undefined;
    const k = typeof v === "string" ? v : "other";
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, c]) => `${c} ${k}`);
  return `${head} (${field}: ${parts.join(", ")})`;
}

/**
 * Compresses JSON lines: lossless, each line in compact form; with a store (`reversible`), the records
 * the selection keeps (query matches first, then failures, rare kinds, outliers, first and last, a
 * spread of the rest) within the size-aware budget, each as its original line, plus a marker line.
 */
export function crushLines(text: string, parsed: JsonLines, o: CrushOptions): CrushResult | null {
  const { lines, records } = parsed;
  const compact = records.map((r) => toJson(r));
  const minItems = o.minItems ?? 10;
  if (o.reversible && records.length >= minItems) {
    let total = 0;
    for (const l of compact) total += l.length + 1;
    const budget = keepChars(total, { bias: normalizeBias(o.bias) });
    // The selection fills half the budget; the rest is for the anomalies' context.
    const fit = Math.floor(((budget * 0.5) / total) * records.length);
    const sel = selectItems(records, { terms: queryTerms(o.query, o.toolArgs), bias: normalizeBias(o.bias), budget: fit });
    const keep = withContext(records, lines, sel, budget, total);
    if (keep.length < records.length) {
      const kept = new Set(keep);
      const dropped = records.map((_, i) => i).filter((i) => !kept.has(i));
      const key = ccrKey(text);
      // Kept lines verbatim: what the reader greps for (escapes, spacing, key order) is byte-identical.
      const body = keep.map((i) => lines[i]!.trim());
      const out = `${body.join("\n")}\n${marker(omitted(records, dropped, discriminator(records)), key)}`;
      if (out.length < text.length)
        return {
          text: out,
          lossless: false,
          originals: [{ key, content: text, meta: { kind: "jsonl", compressor: "smart-crusher", items: records.length, kept: keep.length } }],
          transforms: ["smart-crusher:jsonl"],
          itemsBefore: records.length,
          itemsAfter: keep.length,
        };
    }
  }
  const joined = compact.join("\n");
  if (joined.length >= text.trim().length) return null;
  return { text: joined, lossless: true, originals: [], transforms: ["smart-crusher:jsonl-minify"], itemsBefore: 0, itemsAfter: 0 };
}
