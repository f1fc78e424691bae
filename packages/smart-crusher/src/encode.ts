import { JObj, toJson, type JVal } from "./ast.js";
import { isBare, layoutRows, pathText, type Layout } from "./table.js";

/**
 * The lossless encoder: every array of objects is written either as compact JSON or as a table
 * (header + rows, optionally flattened, bucketed by a discriminating field), whichever costs fewer
 * tokens. Everything that is not an array of objects stays compact JSON.
 */

/** Token counter used to choose between forms. */
export type CountFn = (text: string) => number;

export interface EncoderOptions {
  /** Counts tokens; the shortest form per array wins. */
  count: CountFn;
  /** Candidates longer than this many characters are costed on a deterministic sample of rows. Default 3000. */
  sampleChars?: number;
}

/** Where a value is written: block tables put one row per line, inline tables use `(row;row)`. */
type Ctx = "block" | "inline";

const BUCKET_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
/**
 * Candidates shorter than this are compared with `approxTokens`: small nested arrays are numerous, and
 * running the BPE tokenizer over three candidates of each would cost several tokenizations of the input.
 */
const SMALL = 4000;

/**
 * A fast stand-in for a BPE count on short texts: words, digit groups of up to three (as o200k splits
 * numbers), punctuation runs with an optional leading space, whitespace runs. Within a few percent of
 * o200k on JSON and table text, which is enough to rank candidates of a small array.
 */
export function approxTokens(s: string): number {
  return s.match(/[A-Za-z]+|\d{1,3}| ?[^\sA-Za-z\d]+|\s+/g)?.length ?? 0;
}

export class Encoder {
  private readonly count: CountFn;
  private readonly sampleChars: number;
  constructor(o: EncoderOptions) {
    this.count = o.count;
    this.sampleChars = o.sampleChars ?? 3_000;
  }

  /** Encodes a whole document (block context at the top). */
  encode(v: JVal): string {
    return this.value(v, "block");
  }

  /** Inline encodings by node: a nested value is costed inside several candidate forms of its parent. */
  private readonly memo = new WeakMap<object, string>();

  value(v: JVal, ctx: Ctx): string {
    if (ctx === "inline" && v !== null && typeof v === "object") {
      let t = this.memo.get(v);
      if (t === undefined) {
        t = this.valueUncached(v, ctx);
        this.memo.set(v, t);
      }
      return t;
    }
    return this.valueUncached(v, ctx);
  }

  private valueUncached(v: JVal, ctx: Ctx): string {
    if (Array.isArray(v)) return this.array(v, ctx, true);
    if (v instanceof JObj) {
      let s = "{";
      for (let i = 0; i < v.keys.length; i++) s += (i ? "," : "") + JSON.stringify(v.keys[i]) + ":" + this.value(v.vals[i]!, ctx);
      return s + "}";
    }
    return toJson(v);
  }

  /** A table cell: strings bare when safe, nested values inline. */
  cell(v: JVal | undefined): string {
    if (v === undefined) return "";
    if (typeof v === "string") return isBare(v) ? v : JSON.stringify(v);
    return this.value(v, "inline");
  }

  private jsonArray(items: JVal[]): string[] {
    return items.map((x) => this.value(x, "inline"));
  }

  /** Chooses the cheapest encoding of an array. */
  array(items: JVal[], ctx: Ctx, allowBuckets: boolean): string {
    const parts = this.jsonArray(items);
    const json = "[" + parts.join(",") + "]";
    if (items.length < 2 || !items.every((x) => x instanceof JObj)) return json;
    const rows = items as JObj[];
    const cands: { text: string; cost: number }[] = [{ text: json, cost: this.cost("[", parts, ",") }];
    const flat = layoutRows(rows, true);
    const plain = layoutRows(rows, false);
    for (const layout of [flat, plain]) {
      if (!layout) continue;
      const t = this.table(layout, ctx);
      if (cands.some((c) => c.text === t.text)) continue;
      cands.push({ text: t.text, cost: this.cost(t.header, t.rows, ctx === "block" ? "\n" : ";") });
    }
    // Buckets only pay off when one table would be sparse (rows of different shapes).
    if (allowBuckets && (!flat || sparsity(flat) > 0.25)) {
      const b = this.buckets(rows, ctx);
      if (b) cands.push({ text: b, cost: this.costWhole(b) });
    }
    let best = cands[0]!;
    for (const c of cands) if (c.cost < best.cost || (c.cost === best.cost && c.text.length < best.text.length)) best = c;
    return best.text;
  }

  /** Renders a layout as a table literal; returns header and row texts for costing. */
  table(layout: Layout, ctx: Ctx): { text: string; header: string; rows: string[] } {
    const live: number[] = [];
    const head = layout.columns.map((c, i) => {
      if (c.constant) return pathText(c.path) + "=" + this.cell(c.constant.v);
      live.push(i);
      return pathText(c.path);
    });
    const rows = layout.cells.map((cells) => {
      let s = "";
      for (let j = 0; j < live.length; j++) s += (j ? "," : "") + this.cell(cells[live[j]!]);
      return s;
    });
    const header = `[${rows.length}]{${head.join(",")}}`;
    const text = ctx === "block" ? header + ":" + rows.map((r) => "\n" + r).join("") : header + "(" + rows.join(";") + ")";
    return { text, header, rows };
  }

  /**
   * Bucketed form for heterogeneous arrays: items grouped by a string field present in every item
   * (2..36 distinct values); the order string restores the original interleaving.
   */
  buckets(rows: JObj[], ctx: Ctx): string | null {
    const field = discriminator(rows);
    if (!field) return null;
    // Buckets and their digits in order of first appearance.
    const groups = new Map<string, { digit: string; rows: JObj[] }>();
    let order = "";
    for (const r of rows) {
      const k = r.get(field) as string;
      let g = groups.get(k);
      if (!g) {
        g = { digit: BUCKET_DIGITS[groups.size]!, rows: [] };
        groups.set(k, g);
      }
      order += g.digit;
      g.rows.push(r);
    }
    const bodies = [...groups.values()].map((g) => this.array(g.rows, ctx, false));
    const head = `[${rows.length}]<${order}>`;
    return ctx === "block" ? head + ":" + bodies.map((b) => "\n" + b).join("") : head + "(" + bodies.join(";") + ")";
  }

  private costWhole(text: string): number {
    return text.length < SMALL ? approxTokens(text) : this.count(text);
  }

  /**
   * Token cost of `head + parts joined by sep`. Large arrays are costed on an evenly spread sample of
   * about SAMPLE_CHARS characters, scaled by characters: tokenizing every candidate in full would cost
   * several times the tokenize-once floor.
   */
  private cost(head: string, parts: string[], sep: string): number {
    const n = parts.length;
    let chars = 0;
    for (const p of parts) chars += p.length + sep.length;
    if (chars <= this.sampleChars) return this.costWhole(head + parts.join(sep));
    const k = Math.max(1, Math.min(n, Math.round((n * this.sampleChars) / chars)));
    let sampled = "";
    for (let i = 0; i < k; i++) sampled += parts[Math.floor((i * n) / k)]! + sep;
    return this.count(head) + (this.count(sampled) * chars) / sampled.length;
  }
}

/** The string field that best splits heterogeneous rows into uniform buckets, if any. */
export function discriminator(rows: JObj[]): string | null {
  const first = rows[0]!;
  let best: string | null = null;
  let bestScore = Infinity;
  for (const key of first.keys) {
    const seen = new Map<string, Set<string>>();
    let ok = true;
    for (const r of rows) {
      const v = r.get(key);
      if (typeof v !== "string") {
        ok = false;
        break;
      }
      let s = seen.get(v);
      if (!s) {
        if (seen.size >= BUCKET_DIGITS.length) {
          ok = false;
          break;
        }
        s = new Set();
        seen.set(v, s);
      }
      for (const k of r.keys) s.add(k);
    }
    if (!ok || seen.size < 2 || seen.size * 2 > rows.length) continue;
    // Score: total columns over buckets; a good discriminator gives small, uniform key sets.
    let score = 0;
    for (const s of seen.values()) score += s.size;
    if (score < bestScore) {
      bestScore = score;
      best = key;
    }
  }
  return best;
}

/** Share of absent cells among the non-constant columns of a layout. */
function sparsity(l: Layout): number {
  let absent = 0;
  let total = 0;
  for (let c = 0; c < l.columns.length; c++) {
    if (l.columns[c]!.constant) continue;
    for (const row of l.cells) {
      total++;
      if (row[c] === undefined) absent++;
    }
  }
  return total ? absent / total : 0;
}
