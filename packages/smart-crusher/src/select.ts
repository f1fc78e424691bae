import { noTerms, normalizeBias, relevance, type QueryTerms } from "@headroom/text";
import { JObj, RawNum, toJson, type JVal } from "./ast.js";

/**
 * Lossy item selection for one array: which items stay visible. Keeps first and last, items whose
 * values signal trouble, statistical outliers, rare values and rare keys, change points of numeric
 * series and query matches; fills the rest of an item budget that grows with the array's diversity.
 */

/** Values (never key names) that signal trouble, matched on word boundaries. */
export const TROUBLE =
  /[a-z](?:Error|Exception)\b|\b(?:errors?|exceptions?|fail(?:ed|ure|ures|ing)?|fatal|panic(?:ked)?|time[ -]?out|timed out|denied|rejected|refused|crash(?:ed)?|abort(?:ed)?|unauthorized|forbidden|critical|unavailable|unreachable|conflict|invalid)\b/i;

export interface SelectOptions {
  /** Terms of the user turn before the tool call and of the tool call's arguments (`queryTerms` of @headroom/text). */
  terms?: QueryTerms;
  /** Aggressiveness: > 1 keeps fewer items. */
  bias?: number;
  /** Items the caller can afford to show: raises the diversity budget (never lowers it). */
  budget?: number;
  /** Compact JSON texts of the items when the caller has them (else they are serialised for query matching). */
  textsOf?: (items: JVal[]) => string[] | undefined;
}

/** Why an item was kept (for tests and reports). */
export type Reason = "edge" | "error" | "query" | "outlier" | "rare" | "change" | "cover" | "diverse";

export interface Selection {
  keep: number[];
  reasons: Map<number, Reason>;
}

/** Scalar leaves of a value as `[path, value]`, bounded so huge items cost little. */
function leaves(v: JVal, path: string, out: [string, JVal][], depth: number): void {
  if (out.length >= 256) return;
  if (Array.isArray(v)) {
    if (depth < 3) for (let i = 0; i < v.length && i < 16; i++) leaves(v[i]!, path + "[]", out, depth + 1);
  } else if (v instanceof JObj) {
    if (depth < 4) for (let i = 0; i < v.keys.length; i++) leaves(v.vals[i]!, path + "." + v.keys[i], out, depth + 1);
  } else out.push([path, v]);
}

const num = (v: JVal): number | undefined => (typeof v === "number" ? v : v instanceof RawNum ? Number(v.raw) : undefined);

/** Terms of a query term in more than this share of the items select nothing (they describe every item). */
const QUERY_MAX_SHARE = 0.15;

/** Picks the items of `items` to keep visible; `keep` is sorted ascending. */
export function selectItems(items: JVal[], opts: SelectOptions = {}): Selection {
  const n = items.length;
  const bias = normalizeBias(opts.bias);
  const reasons = new Map<number, Reason>();
  const all = () => ({ keep: items.map((_, i) => i), reasons });
  if (n <= 8) return all();

  const leafSets = items.map((it) => {
    const out: [string, JVal][] = [];
    leaves(it, "$", out, 0);
    return out;
  });

  // Budget grows with diversity: near-duplicates share a signature and count once.
  const sigs = items.map((_, i) => signature(leafSets[i]!));
  const distinct = new Set(sigs).size;
  const budget = Math.min(n, Math.max(4, Math.round((6 + 2.5 * Math.log2(1 + distinct)) / bias), opts.budget ?? 0));
  // Anomalies are always kept, up to a cap that still leaves real savings on long arrays.
  const cap = Math.max(budget, Math.ceil((0.12 * n) / bias));

  const { outliers, rare, changes, cover } = statistics(leafSets, n);
  const errors: number[] = [];
  for (let i = 0; i < n; i++)
    if (leafSets[i]!.some(([, v]) => typeof v === "string" && v.length <= 300 && TROUBLE.test(v))) errors.push(i);
  // Query matches come first: what the question names is what the reader needs. Item texts only when
  // there is a query to match (serialising every item is the costliest step).
  const lists: [Reason, number[]][] = [
    ["query", opts.terms && !noTerms(opts.terms) ? queryMatches(items, opts.terms, opts.textsOf) : []],
    ["edge", [0, n - 1]],
    ["error", errors],
    ["outlier", outliers],
    ["rare", rare],
    ["change", changes],
  ];
  // Round-robin over the kinds of anomaly, so that a flood of one kind cannot crowd out the others
  // when the cap is reached.
  for (let k = 0; reasons.size < cap; k++) {
    let any = false;
    for (const [r, list] of lists) {
      if (k >= list.length) continue;
      any = true;
      if (reasons.size < cap && !reasons.has(list[k]!)) reasons.set(list[k]!, r);
    }
    if (!any) break;
  }
  // Within the budget: one item for every value of a low-cardinality field (a role id, a holder type),
  // so no such value is invisible (digits keep these values out of the near-duplicate signature).
  for (const i of cover) {
    if (reasons.size >= budget) break;
    if (!reasons.has(i)) reasons.set(i, "cover");
  }
  // Diversity: one item of every signature not yet represented, then an even spread.
  const covered = new Set([...reasons.keys()].map((i) => sigs[i]));
  for (let i = 0; i < n && reasons.size < budget; i++)
    if (!covered.has(sigs[i])) {
      covered.add(sigs[i]);
      reasons.set(i, "diverse");
    }
  for (let k = 1; reasons.size < budget && k < budget * 4; k++) {
    const i = Math.floor((k * n) / (budget + 1));
    if (!reasons.has(i)) reasons.set(i, "diverse");
  }
  return { keep: [...reasons.keys()].sort((a, b) => a - b), reasons };
}

/** Shape plus low-entropy values: items equal under it are near-duplicates. */
function signature(ls: [string, JVal][]): string {
  let s = "";
  for (const [p, v] of ls) {
    s += p;
    if (typeof v === "boolean" || v === null) s += "=" + String(v);
    else if (typeof v === "string" && v.length <= 24 && !/\d/.test(v)) s += "=" + v;
    s += ";";
  }
  return s;
}

/**
 * Items matching the question's terms that are rare among the items, best first: exact tokens (ids,
 * names, numbers, quoted strings) outweigh plain words, and a term most items contain selects nothing.
 * Numbers match whole (`15` is not inside `1331424000`); @headroom/text matches exact tokens as substrings.
 */
function queryMatches(items: JVal[], terms: QueryTerms, textsOf?: SelectOptions["textsOf"]): number[] {
  const texts = textsOf?.(items) ?? items.map((it) => toJson(it));
  const numeric = terms.exact.filter((t) => /^\d+(?:\.\d+)?$/.test(t));
  const rel = relevance({ exact: terms.exact.filter((t) => !numeric.includes(t)), words: terms.words }, texts, { maxShare: QUERY_MAX_SHARE });
  const score = texts.map((_, i) => rel.score(i));
  for (const t of numeric) {
    const re = new RegExp(`(?<![\\d.])${t.replace(".", "\\.")}(?![\\d.])`);
    const hits: number[] = [];
    for (let i = 0; i < texts.length; i++) if (texts[i]!.includes(t) && re.test(texts[i]!)) hits.push(i);
    if (!hits.length || hits.length > Math.max(1, texts.length * QUERY_MAX_SHARE)) continue;
    const w = 4 * Math.log(1 + texts.length / hits.length);
    for (const i of hits) score[i]! += w;
  }
  const hits: number[] = [];
  for (let i = 0; i < items.length; i++) if (score[i]! > 0) hits.push(i);
  return hits.sort((a, b) => score[b]! - score[a]! || a - b);
}

/** The values as numbers, or null when one is not a number (checked before any array is built). */
function numbers(vals: JVal[]): number[] | null {
  const xs: number[] = [];
  for (const v of vals) {
    const x = num(v);
    if (x === undefined) return null;
    xs.push(x);
  }
  return xs;
}

interface Stats {
  outliers: number[];
  rare: number[];
  changes: number[];
  cover: number[];
}

/** Numeric outliers (beyond 2σ), rare values of low-cardinality fields, rare keys, change points. */
function statistics(leafSets: [string, JVal][][], n: number): Stats {
  const byPath = new Map<string, { idx: number[]; vals: JVal[] }>();
  for (let i = 0; i < n; i++) {
    for (const [p, v] of leafSets[i]!) {
      let e = byPath.get(p);
      if (!e) {
        e = { idx: [], vals: [] };
        byPath.set(p, e);
      }
      // First value per path per item (arrays inside items): items are visited in order, so a path
      // already seen in this item has this item last.
      if (e.idx[e.idx.length - 1] === i) continue;
      e.idx.push(i);
      e.vals.push(v);
    }
  }
  const outliers: number[] = [];
  const rare: number[] = [];
  const changes: number[] = [];
  const cover: number[] = [];
  const perField = Math.max(2, Math.ceil(n * 0.03));
  for (const { idx, vals } of byPath.values()) {
    // Rare keys: a path few items have.
    if (idx.length <= Math.max(1, Math.floor(n * 0.05))) rare.push(...idx);
    const xs = idx.length >= 8 ? numbers(vals) : null;
    if (xs) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      if (sd > 0) {
        const far: { j: number; z: number }[] = [];
        for (let j = 0; j < xs.length; j++) {
          const z = Math.abs(xs[j]! - mean) / sd;
          if (z > 2) far.push({ j, z });
        }
        far.sort((a, b) => b.z - a.z || a.j - b.j);
        for (const e of far.slice(0, perField)) outliers.push(idx[e.j]!);
        if (idx.length >= n * 0.8) for (const j of changePoints(xs, sd)) changes.push(idx[j]!);
      }
      continue;
    }
    // Rare values of low-cardinality fields (booleans, enums). A field with more distinct values than
    // that is no such field: counting stops at the first value too many (ids would fill a map of n).
    const most = Math.max(3, Math.min(16, n / 4));
    const counts = new Map<string, number[]>();
    let many = false;
    for (let j = 0; j < vals.length; j++) {
      const v = vals[j]!;
      if (typeof v === "string" && v.length > 64) continue;
      // Leaves are scalars: a typed string key is as good as their JSON and far cheaper.
      const k = typeof v === "string" ? "s" + v : v instanceof RawNum ? v.raw : String(v);
      let c = counts.get(k);
      if (!c) {
        if (counts.size + 1 > most) {
          many = true;
          break;
        }
        c = [];
        counts.set(k, c);
      }
      c.push(idx[j]!);
    }
    if (many || counts.size < 2) continue;
    for (const members of counts.values()) {
      if (members.length <= Math.max(1, Math.floor(n * 0.03))) rare.push(...members);
      else cover.push(members[0]!);
    }
  }
  return { outliers, rare, changes, cover };
}

/**
 * Indices where the mean level of a series shifts by more than one global σ between the windows before
 * and after (a step of height d has σ ≈ d/2, so a 2σ test would never fire on a clean step).
 */
export function changePoints(xs: number[], sd: number): number[] {
  const n = xs.length;
  const w = Math.max(3, Math.floor(n / 10));
  if (n < 2 * w + 1) return [];
  const prefix = [0];
  for (const x of xs) prefix.push(prefix[prefix.length - 1]! + x);
  const shift = (i: number) => Math.abs((prefix[i + w]! - prefix[i]!) / w - (prefix[i]! - prefix[i - w]!) / w);
  const out: number[] = [];
  for (let i = w; i <= n - w; i++) {
    const s = shift(i);
    if (s <= sd) continue;
    // Local maximum only, so one shift yields one point.
    if ((i > w && shift(i - 1) > s) || (i < n - w && shift(i + 1) >= s)) continue;
    out.push(i);
    if (out.length >= 3) break;
  }
  return out;
}
