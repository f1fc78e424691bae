import { ccrKey, hasMarker, marker, type StoredOriginal } from "@headroom/core";
import { compactJson, JObj, JsonSyntaxError, MAX_DEPTH, maxNesting, parseJson, parsePrechecked, RawNum, readJson, toJson, type ItemTexts, type JVal } from "./ast.js";
import { Encoder, type CountFn } from "./encode.js";
import { estimateTokens, keepShare, normalizeBias, queryTerms, type BudgetOptions, type QueryTerms } from "@headroom/text";
import { crushLines, parseJsonLines } from "./lines.js";
import { crushXml } from "./xml.js";
import { selectItems } from "./select.js";
import { cutText, skeleton, slimObject } from "./slim.js";
import { approxChars, longStringType, numberSummary } from "./measure.js";

/** Options of `crush()`. */
export interface CrushOptions {
  /** Token counter (the context's tokenizer); default chars/4. */
  count?: CountFn;
  /** Lossy selection allowed (a store will keep the original). Default false: lossless only. */
  reversible?: boolean;
  /** The user turn before the tool call, for query-aware selection. */
  query?: string;
  /** Arguments of the tool call (JSON or text): their exact tokens (ids, paths, patterns) count like the query's. */
  toolArgs?: string;
  /** Aggressiveness; > 1 keeps fewer items. Default 1. */
  bias?: number;
  /** Arrays shorter than this are never thinned. Default 10. */
  minItems?: number;
  /**
   * Plain free text longer than this many characters is cut to its opening in lossy mode (the whole
   * document is in the store). Default 120.
   */
  longString?: number;
  /**
   * A fixed share of an array's compact JSON size its slimmed items may fill before they are thinned.
   * Default unset: the size-aware curve `curve` decides.
   * @deprecated A fixed ratio keeps too much of huge arrays and too little of small ones; use `curve`.
   */
  keepShare?: number;
  /** Parameters of the size-aware budget curve (`keepBudget` of @headroom/text). Default `JSON_CURVE`. */
  curve?: Omit<BudgetOptions, "bias">;
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
  /** Tokens of `text` by the given `count`, when it was counted exactly on the way (never an estimate). */
  tokens?: number;
}

/**
 * The budget curve of array thinning: an array up to `floor` tokens keeps all its (slimmed) items, a
 * larger one keeps a share that falls with its size (`keepBudget` of @headroom/text), never above
 * `ceiling`. Chosen on corpus half A (floor 1500 tokens, exponent 0.33; see the README): a 20k-token
 * array keeps 43% of its size, 100k 25%, 1M 12%.
 */
export const JSON_CURVE: Readonly<Omit<BudgetOptions, "bias">> = { floor: 1500, exponent: 0.33 };

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
  if (c0 === "<") return crushXml(text, options);
  if (c0 !== "{" && c0 !== "[" && c0 !== '"') return null;
  let tree: JVal;
  let isCompact: boolean;
  let textsOf: ItemTexts | undefined;
  // Too deep to handle safely: declined. The reader measures a valid document's nesting as it goes
  // (and refuses beyond MAX_DEPTH itself), so only a text that fails to parse is scanned for it.
  try {
    let nesting: number;
    ({ tree, compact: isCompact, textsOf, nesting } = readJson(trimmed));
    if (nesting > MAX_DEPTH) return null;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    if (maxNesting(trimmed) > MAX_DEPTH) return null;
    // Not one document: JSON lines are records of an array, and stay JSON lines.
    const lines = c0 === '"' ? null : parseJsonLines(trimmed);
    return lines ? crushLines(text, lines, options) : null;
  }
  // Input already in compact form (API responses usually are): no need to serialise the tree again.
  // Else it is serialised once, and the item texts query matching needs are slices of that.
  let compact = trimmed;
  if (!isCompact) ({ text: compact, textsOf } = compactJson(tree));
  const encoder = new Encoder({ count });
  // Lossy first when allowed: a thinned document that beats compact JSON by a clear margin makes the
  // full lossless encoding (the costliest step on big inputs) unnecessary.
  let lossy: CrushResult | null = null;
  let lossyTokens = Infinity;
  if (options.reversible) {
    lossy = thinDocument(tree, text, options, encoder, count, textsOf);
    // Under a third of the characters is far below half the tokens for any JSON-like text: no need
    // to tokenize the input (which alone costs the whole tokenize-once floor).
    if (lossy && lossy.text.length * 3 < compact.length) return lossy;
  }
  const compactTokens = estimateLarge(compact, count);
  if (lossy) {
    lossyTokens = estimateLarge(lossy.text, count);
    if (lossyTokens < compactTokens * 0.5) return exact(lossy, lossyTokens);
  }
  const table = encoder.encode(tree);
  const tableTokens = table === compact ? compactTokens : estimateLarge(table, count);
  const best = tableTokens < compactTokens ? { text: table, tokens: tableTokens, form: "table" } : { text: compact, tokens: compactTokens, form: "minify" };
  if (lossy && lossyTokens < best.tokens) return exact(lossy, lossyTokens);
  // Already in its shortest form: decline rather than return the same text.
  if (best.text === trimmed || (trimmed === compact && best.tokens >= compactTokens)) return null;
  if (best.text.length >= text.length && best.tokens >= compactTokens) return null;
  return exact({ text: best.text, lossless: true, originals: [], transforms: [`smart-crusher:${best.form}`], itemsBefore: 0, itemsAfter: 0 }, best.tokens);
}

/** Attaches a token count when `estimateLarge` counted the whole text (it samples beyond EXACT_CHARS). */
function exact(r: CrushResult, tokens: number): CrushResult {
  return r.text.length <= EXACT_CHARS && Number.isInteger(tokens) ? { ...r, tokens } : r;
}

interface ThinState {
  opts: Required<Pick<CrushOptions, "minItems" | "longString" | "blobString" | "bias" | "curve">> & Pick<CrushOptions, "keepShare">;
  terms: QueryTerms;
  before: number;
  after: number;
  changed: boolean;
  /** Field names dropped by slimming (derivable links, renderings of a sibling), for the marker text. */
  dropped: Set<string>;
  /** Objects that lost fields, and long strings shortened. */
  slimmed: number;
  cut: number;
  lines: string[];
  offloads: StoredOriginal[];
  /** Product of the shares of the long arrays enclosing the current position (1 at top level). */
  outer: number;
  /** `approxChars` of long arrays (original and thinned). */
  chars: WeakMap<object, number>;
  /** Item texts of the input's arrays, when the input was compact JSON (query matching reads them). */
  textsOf?: ItemTexts;
}

/** Lossy form of a document: thinned arrays, offloaded strings, compacted stringified JSON + markers. */
function thinDocument(tree: JVal, original: string, o: CrushOptions, encoder: Encoder, count: CountFn, textsOf?: ItemTexts): CrushResult | null {
  const st: ThinState = {
    opts: { minItems: o.minItems ?? 10, longString: o.longString ?? 120, blobString: o.blobString ?? 512, bias: normalizeBias(o.bias), curve: o.curve ?? JSON_CURVE, ...(o.keepShare !== undefined ? { keepShare: o.keepShare } : {}) },
    terms: queryTerms(o.query, o.toolArgs),
    before: 0,
    after: 0,
    changed: false,
    lines: [],
    offloads: [],
    outer: 1,
    chars: new WeakMap(),
    ...(textsOf ? { textsOf } : {}),
    dropped: new Set(),
    slimmed: 0,
    cut: 0,
  };
  const thinned = thin(tree, "$", st, 0);
  if (!st.changed) return null;
  const json = toJson(thinned);
  let body = json;
  if (o.lossyFormat !== "json") {
    const table = encoder.encode(thinned);
    // Clearly shorter in characters is shorter in tokens too; only close calls are counted.
    if (table !== json && (table.length * 1.25 < json.length || count(table) < count(json))) body = table;
  }
  const key = ccrKey(original);
  const originals: StoredOriginal[] = [{ key, content: original, meta: { kind: "json", compressor: "smart-crusher", items: st.before, kept: st.after } }];
  // Offload and number-summary lines first; the document marker always ends the output.
  const lines = [...new Set(st.lines.map((l) => l.replace("{KEY}", key)))];
  lines.push(marker(summary(st), key));
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

/**
 * What the document marker says was elided. Item counts when arrays were thinned; otherwise what slimming
 * did — never `0 items compressed to 0`, which tells the model nothing.
 */
function summary(st: ThinState): string {
  const parts: string[] = [];
  if (st.before > 0) parts.push(`${st.before} items compressed to ${st.after}`);
  if (st.dropped.size) {
    const names = [...st.dropped].sort();
    const shown = names.slice(0, 4).join(", ") + (names.length > 4 ? `, +${names.length - 4} more` : "");
    parts.push(`${names.length === 1 ? "field" : "fields"} ${shown} dropped from ${st.slimmed} ${st.slimmed === 1 ? "object" : "objects"}`);
  }
  if (st.cut) parts.push(`${st.cut} long ${st.cut === 1 ? "string" : "strings"} shortened`);
  if (st.offloads.length) parts.push(`${st.offloads.length} ${st.offloads.length === 1 ? "string" : "strings"} offloaded`);
  return parts.length ? parts.join("; ") : "JSON document compacted";
}

/**
 * Thinned form of a value. An unchanged subtree is returned as the same node: the encoder memoises
 * inline encodings by node, so the lossless encoding of the whole document reuses what encoding the
 * thinned one computed, and untouched subtrees are not copied.
 */
function thin(v: JVal, path: string, st: ThinState, depth: number): JVal {
  if (Array.isArray(v)) {
    if (v.length >= st.opts.minItems) return thinArray(v, path, st, depth);
    const out = thinAll(v, (i) => `${path}[${i}]`, st, depth);
    return out ?? v;
  }
  if (v instanceof JObj) {
    const slim = slimObject(v);
    if (slim !== v) {
      st.changed = true;
      st.slimmed++;
      for (const k of v.keys) if (!slim.keys.includes(k)) st.dropped.add(k);
    }
    const vals = thinAll(slim.vals, (i) => `${path}.${slim.keys[i]}`, st, depth);
    return vals ? new JObj(slim.keys, vals) : slim;
  }
  if (typeof v === "string") return thinString(v, path, st, depth);
  return v;
}

/**
 * Thins the children of a node; null when none changed. Numbers, booleans and null never change, so
 * they get no path (built for every value, paths were most of this pass's garbage).
 */
function thinAll(xs: JVal[], pathOf: (i: number) => string, st: ThinState, depth: number): JVal[] | null {
  let out: JVal[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x === null || typeof x === "number" || typeof x === "boolean" || x instanceof RawNum) continue;
    const t = thin(x, pathOf(i), st, depth + 1);
    if (t === x) continue;
    out ??= xs.slice(0, i);
    while (out.length < i) out.push(xs[out.length]!);
    out.push(t);
  }
  if (out) while (out.length < xs.length) out.push(xs[out.length]!);
  return out;
}

/**
 * A long array in lossy mode: every item is slimmed first; all of them stay when the slimmed array fits
 * in `keepShare` of the original's size, else selection thins to as many items as fit (never fewer than
 * its own diversity budget, and always with the anomalies).
 */
function thinArray(v: JVal[], path: string, st: ThinState, depth: number): JVal {
  const lines0 = st.lines.length;
  const marks: { lines: number; before: number; after: number }[] = [];
  const slim: JVal[] = [];
  // Sizes in characters: a cheap proxy for tokens that keeps this pass far below one tokenization.
  const origSizes = v.map((x) => approxChars(x, st.chars));
  const slimSizes: number[] = [];
  let origChars = 0;
  let slimChars = 0;
  let whole = 2;
  for (const n of origSizes) whole += n + 1;
  // The share is set before the items are thinned: arrays nested in them see it as their outer share.
  const outer = st.outer;
  const share = arrayShare(whole, outer, st);
  st.outer = outer * share;
  let same = true;
  for (let i = 0; i < v.length; i++) {
    marks.push({ lines: st.lines.length, before: st.before, after: st.after });
    const s = thin(v[i]!, `${path}[${i}]`, st, depth + 1);
    slim.push(s);
    const n = s === v[i] ? origSizes[i]! : approxChars(s, st.chars);
    if (s !== v[i]) same = false;
    slimSizes.push(n);
    origChars += origSizes[i]!;
    slimChars += n;
  }
  st.outer = outer;
  marks.push({ lines: st.lines.length, before: st.before, after: st.after });
  if (slimChars <= origChars * share) return same ? v : sized(slim, slimSizes, st);
  // Over budget: thin to a somewhat smaller share, so that a thinned array clearly pays for its losses.
  // Scalar arrays gain nothing from slimming and keep the selection's own (diversity) budget.
  const objects = v.every((x) => x instanceof JObj || Array.isArray(x));
  let target = origChars * share * 0.75;
  // Items that do not fit in full stay as skeletons (names, ids, states) when those are cheap, so a
  // reader still sees every item; the budget left after the skeletons goes to full items.
  const skel = objects && v.every((x) => x instanceof JObj) ? slim.map((x) => skeleton(x)) : null;
  let skelChars = 0;
  if (skel) for (let i = 0; i < v.length; i++) skelChars += skel[i] ? approxChars(skel[i]!, st.chars) : 0;
  const useSkel = skel?.every((x) => x !== null) === true && skelChars <= target * 0.5;
  if (useSkel) target -= skelChars;
  const fit = objects ? Math.floor((target / slimChars) * v.length) : 0;
  const sel = selectItems(v, { terms: st.terms, bias: st.opts.bias, budget: fit, ...(st.textsOf ? { textsOf: st.textsOf } : {}) });
  if (sel.keep.length >= v.length) return slim;
  // Lines and nested counts of dropped items go: only what stays visible is summarised.
  const kept = new Set(sel.keep);
  const lines = st.lines.slice(0, lines0);
  let before = marks[0]!.before;
  let after = marks[0]!.after;
  for (let i = 0; i < v.length; i++) {
    if (!kept.has(i)) continue;
    lines.push(...st.lines.slice(marks[i]!.lines, marks[i + 1]!.lines));
    before += marks[i + 1]!.before - marks[i]!.before;
    after += marks[i + 1]!.after - marks[i]!.after;
  }
  st.lines = lines;
  st.before = before + v.length;
  st.after = after + sel.keep.length;
  st.changed = true;
  const nums = v.every((x) => typeof x === "number" || x instanceof RawNum) ? v.map((x) => (typeof x === "number" ? x : Number((x as RawNum).raw))) : null;
  if (nums) st.lines.push(numberSummary(path, nums, sel.keep.length));
  if (useSkel) return slim.map((x, i) => (kept.has(i) ? x : skel[i]!));
  return sized(
    sel.keep.map((i) => slim[i]!),
    sel.keep.map((i) => slimSizes[i]!),
    st,
  );
}

/** Remembers the size of a thinned array (from its items' sizes): the enclosing array sizes it next. */
function sized(a: JVal[], sizes: number[], st: ThinState): JVal[] {
  let n = 2;
  for (const x of sizes) n += x + 1;
  st.chars.set(a, n);
  return a;
}

/**
 * Share of its compact size an array's slimmed items may fill: the size-aware curve at the array's
 * token estimate, scaled by `bias`. An array inside the items of another long array multiplies its
 * cost by the outer length, so it also takes the square of the enclosing shares: the outer items (their
 * names and ids) can all stay, and below the floor (outer share 1) nothing changes.
 */
function arrayShare(chars: number, outer: number, st: ThinState): number {
  // The deprecated fixed share keeps its former meaning: a quarter of it inside another long array.
  if (st.opts.keepShare !== undefined) return outer < 1 ? st.opts.keepShare / 4 : st.opts.keepShare;
  return keepShare(estimateTokens(chars), { ...st.opts.curve, bias: st.opts.bias }) * outer * outer;
}

function thinString(s: string, path: string, st: ThinState, depth: number): JVal {
  const t = s.trim();
  // Stringified JSON: thin the embedded document and store it back compact (still a JSON string).
  if (t.length >= 200 && (t[0] === "{" || t[0] === "[") && depth < MAX_DEPTH / 2 && maxNesting(t) < MAX_DEPTH / 2) {
    try {
      const inner = thin(parsePrechecked(t), path + "<json>", st, depth + 1);
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
  const type = longStringType(s, Infinity, st.opts.blobString);
  if (!type) {
    // Free text: its opening stays (titles, first lines of messages); the rest is in the stored original.
    if (s.length <= st.opts.longString || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(s)) return s;
    st.changed = true;
    st.cut++;
    // Armored blocks (PGP signatures, certificates) are opaque: only their header line says anything.
    const armor = /^-----BEGIN [A-Z0-9 ]+-----/.exec(s);
    if (armor) return `${armor[0]}… (+${s.length - armor[0].length} chars)`;
    return cutText(s, st.opts.longString);
  }
  st.changed = true;
  const key = ccrKey(s);
  if (!st.offloads.some((x) => x.key === key)) st.offloads.push({ key, content: s, meta: { kind: type, compressor: "smart-crusher", path } });
  const n = st.offloads.findIndex((x) => x.key === key) + 1;
  st.lines.push(marker(`#${n}: ${type} string of ${s.length} chars at ${path} offloaded`, key));
  return `<<${type} ${s.length} chars #${n}>>`;
}
