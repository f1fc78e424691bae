import { ccrKey, hasMarker, marker, type StoredOriginal } from "@headroom/core";
import { JObj, JsonSyntaxError, MAX_DEPTH, maxNesting, parseJson, RawNum, toJson, type JVal } from "./ast.js";
import { Encoder, type CountFn } from "./encode.js";
import { queryTerms, selectItems } from "./select.js";

/** Options of `crush()`. */
export interface CrushOptions {
  /** Token counter (the context's tokenizer); default chars/4. */
  count?: CountFn;
  /** Lossy selection allowed (a store will keep the original). Default false: lossless only. */
  reversible?: boolean;
  /** The user turn before the tool call, for query-aware selection. */
  query?: string;
  /** Aggressiveness; > 1 keeps fewer items. Default 1. */
  bias?: number;
  /** Arrays shorter than this are never thinned. Default 10. */
  minItems?: number;
  /** Plain strings longer than this many characters are offloaded in lossy mode. Default 3000. */
  longString?: number;
  /** Base64 and HTML strings longer than this are offloaded in lossy mode. Default 512. */
  blobString?: number;
  /** `auto`: lossy output in the shortest of JSON and table form; `json`: always JSON. Default auto. */
  lossyFormat?: "auto" | "json";
}

/** What `crush()` returns. */
export interface CrushResult {
  text: string;
  lossless: boolean;
  originals: StoredOriginal[];
  transforms: string[];
  /** Items in thinned arrays before and after selection (0/0 when lossless). */
  itemsBefore: number;
  itemsAfter: number;
}

const estimate: CountFn = (t) => Math.ceil(t.length / 4);

/** Texts up to this size are counted exactly when choosing the final form. */
const EXACT_CHARS = 48_000;

/**
 * Tokens of a text: exact up to EXACT_CHARS, else counted on three evenly spaced windows and scaled.
 * JSON and table text are periodic, so the windows represent the whole; this keeps the final choice
 * near one tokenization of the output instead of two full ones.
 */
function estimateLarge(text: string, count: CountFn): number {
  if (text.length <= EXACT_CHARS) return count(text);
  const w = EXACT_CHARS / 3;
  let sampled = 0;
  for (let i = 0; i < 3; i++) {
    const start = Math.floor(((text.length - w) * i) / 2);
    sampled += count(text.slice(start, start + w));
  }
  return (sampled * text.length) / EXACT_CHARS;
}

/**
 * Encodes a JSON text (or tree) losslessly: the shortest in tokens of compact JSON and the table forms.
 * Throws on invalid JSON or nesting deeper than MAX_DEPTH.
 */
export function encode(json: string | JVal, count: CountFn = estimate): string {
  const tree = typeof json === "string" ? parseJson(json) : json;
  const compact = toJson(tree);
  const table = new Encoder({ count }).encode(tree);
  if (table === compact) return compact;
  return count(table) <= count(compact) ? table : compact;
}

/**
 * Compresses a JSON text: lossless table form, and, when `reversible`, lossy item selection with a
 * marker whose original is returned in `originals`. Returns null when nothing shorter can be produced
 * or the text is not JSON (or too deeply nested to handle safely).
 */
export function crush(text: string, options: CrushOptions = {}): CrushResult | null {
  if (hasMarker(text)) return null; // our own output or a retrieval result: never compress again
  const count = options.count ?? estimate;
  const trimmed = text.trim();
  const c0 = trimmed[0];
  if (c0 !== "{" && c0 !== "[" && c0 !== '"') return null;
  if (maxNesting(trimmed) > MAX_DEPTH) return null;
  let tree: JVal;
  try {
    tree = parseJson(trimmed);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return null;
    throw e;
  }
  const compact = toJson(tree);
  const encoder = new Encoder({ count });
  const compactTokens = estimateLarge(compact, count);
  // Lossy first when allowed: a thinned document that beats compact JSON by a clear margin makes the
  // full lossless encoding (the costliest step on big inputs) unnecessary.
  let lossy: CrushResult | null = null;
  let lossyTokens = Infinity;
  if (options.reversible) {
    lossy = thinDocument(tree, text, options, encoder, count);
    if (lossy) {
      lossyTokens = estimateLarge(lossy.text, count);
      if (lossyTokens < compactTokens * 0.5) return lossy;
    }
  }
  const table = encoder.encode(tree);
  const tableTokens = table === compact ? compactTokens : estimateLarge(table, count);
  const best = tableTokens < compactTokens ? { text: table, tokens: tableTokens, form: "table" } : { text: compact, tokens: compactTokens, form: "minify" };
  if (lossy && lossyTokens < best.tokens) return lossy;
  // Already in its shortest form: decline rather than return the same text.
  if (best.text === trimmed || (trimmed === compact && best.tokens >= compactTokens)) return null;
  if (best.text.length >= text.length && best.tokens >= compactTokens) return null;
  return { text: best.text, lossless: true, originals: [], transforms: [`smart-crusher:${best.form}`], itemsBefore: 0, itemsAfter: 0 };
}

interface ThinState {
  opts: Required<Pick<CrushOptions, "minItems" | "longString" | "blobString" | "bias">>;
  terms: string[];
  before: number;
  after: number;
  changed: boolean;
  lines: string[];
  offloads: StoredOriginal[];
}

/** Lossy form of a document: thinned arrays, offloaded strings, compacted stringified JSON + markers. */
function thinDocument(tree: JVal, original: string, o: CrushOptions, encoder: Encoder, count: CountFn): CrushResult | null {
  const st: ThinState = {
    opts: { minItems: o.minItems ?? 10, longString: o.longString ?? 3000, blobString: o.blobString ?? 512, bias: o.bias ?? 1 },
    terms: queryTerms(o.query),
    before: 0,
    after: 0,
    changed: false,
    lines: [],
    offloads: [],
  };
  const thinned = thin(tree, "$", st, 0);
  if (!st.changed) return null;
  const json = toJson(thinned);
  let body = json;
  if (o.lossyFormat !== "json") {
    const table = encoder.encode(thinned);
    if (table !== json && count(table) < count(json)) body = table;
  }
  const key = ccrKey(original);
  const originals: StoredOriginal[] = [{ key, content: original, meta: { kind: "json", compressor: "smart-crusher", items: st.before, kept: st.after } }];
  // Offload and number-summary lines first; the document marker always ends the output.
  const lines = [...new Set(st.lines.map((l) => l.replace("{KEY}", key)))];
  lines.push(marker(`${st.before} items compressed to ${st.after}`, key));
  for (const off of st.offloads) originals.push(off);
  return {
    text: body + "\n" + lines.join("\n"),
    lossless: false,
    originals,
    transforms: [`smart-crusher:lossy`, ...(body === json ? [] : ["smart-crusher:table"])],
    itemsBefore: st.before,
    itemsAfter: st.after,
  };
}

const BASE64 = /^(?:data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;
const HTML_TAG = /<\/?(?:html|head|body|div|span|p|a|table|tr|td|ul|li|img|script|style|br|h[1-6]|meta|link)\b[^>]*>/gi;

/** Type of a long string worth offloading, or null to keep it. */
export function longStringType(s: string, longString: number, blobString: number): string | null {
  if (s.length >= blobString) {
    if (BASE64.test(s) && !/^[a-z\s]+$/i.test(s)) return "base64";
    const tags = s.match(HTML_TAG);
    if (tags && tags.length >= 5) return "html";
  }
  return s.length >= longString ? "text" : null;
}

function thin(v: JVal, path: string, st: ThinState, depth: number): JVal {
  if (Array.isArray(v)) {
    if (v.length >= st.opts.minItems) {
      const sel = selectItems(v, { terms: st.terms, bias: st.opts.bias });
      if (sel.keep.length < v.length) {
        st.before += v.length;
        st.after += sel.keep.length;
        st.changed = true;
        const nums = v.every((x) => typeof x === "number" || x instanceof RawNum) ? v.map((x) => (typeof x === "number" ? x : Number((x as RawNum).raw))) : null;
        if (nums) st.lines.push(numberSummary(path, nums, sel.keep.length));
        return sel.keep.map((i) => thin(v[i]!, `${path}[${i}]`, st, depth + 1));
      }
    }
    return v.map((x, i) => thin(x, `${path}[${i}]`, st, depth + 1));
  }
  if (v instanceof JObj) return new JObj([...v.keys], v.vals.map((x, i) => thin(x, `${path}.${v.keys[i]}`, st, depth + 1)));
  if (typeof v === "string") return thinString(v, path, st, depth);
  return v;
}

function thinString(s: string, path: string, st: ThinState, depth: number): JVal {
  const t = s.trim();
  // Stringified JSON: thin the embedded document and store it back compact (still a JSON string).
  if (t.length >= 200 && (t[0] === "{" || t[0] === "[") && depth < MAX_DEPTH / 2 && maxNesting(t) < MAX_DEPTH / 2) {
    try {
      const inner = thin(parseJson(t), path + "<json>", st, depth + 1);
      const out = toJson(inner);
      if (out.length < s.length) {
        st.changed = true;
        return out;
      }
      return s;
    } catch {
      // not JSON after all: fall through to the long-string rules
    }
  }
  const type = longStringType(s, st.opts.longString, st.opts.blobString);
  if (!type) return s;
  st.changed = true;
  const key = ccrKey(s);
  if (!st.offloads.some((x) => x.key === key)) st.offloads.push({ key, content: s, meta: { kind: type, compressor: "smart-crusher", path } });
  const n = st.offloads.findIndex((x) => x.key === key) + 1;
  st.lines.push(marker(`#${n}: ${type} string of ${s.length} chars at ${path} offloaded`, key));
  return `<<${type} ${s.length} chars #${n}>>`;
}

/** Marker line for a thinned number array: the stats of the whole series stay visible. */
function numberSummary(path: string, xs: number[], kept: number): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const mean = Math.round((sum / xs.length) * 1000) / 1000;
  return marker(`${path}: ${xs.length} numbers compressed to ${kept}; min ${min}, max ${max}, mean ${mean}`, "{KEY}");
}
