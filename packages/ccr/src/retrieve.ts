import { isCcrKey, type Store } from "@headroom/core";
import { rankBm25 } from "@headroom/text";
import { imageAnswerText, storedImage } from "./image-answer.js";

/** Options of `retrieve`. */
export interface RetrieveOptions {
  /** Return only the items (JSON array elements, else lines) that match this query (BM25). */
  query?: string;
  /** At most this many items are returned for a query. Default 50. */
  maxItems?: number;
  /** Items scoring below this share of the best score are left out. Default 0.1. */
  minScoreRatio?: number;
}

/** A successful retrieval. */
export interface RetrieveHit {
  found: true;
  hash: string;
  /** The original, byte-identical, or with a query only the matching items (original order). */
  content: string;
  /** What was returned of how much, for the model and for logs. */
  note: string;
  query?: string;
  /** With a query: how many items (or lines) the original has … */
  totalItems?: number;
  /** … and how many are in `content`. */
  returnedItems?: number;
  /** With a query: what an item is. */
  itemKind?: "items" | "lines";
}

/** A miss: the key is not in the store. */
export interface RetrieveMiss {
  found: false;
  hash: string;
  /** `expired`: it was stored and its TTL passed (or it was evicted); `unknown`: never stored here. */
  status: "expired" | "unknown";
  /** One actionable sentence for the model or the user. */
  message: string;
}

export type RetrieveResult = RetrieveHit | RetrieveMiss;

/** Accepts `abc…`, `hash=abc…` or a whole marker, in any case, and returns the bare key (or the input trimmed). */
export function normalizeHash(input: string): string {
  const s = String(input ?? "").trim();
  const m = /hash=([a-fA-F0-9]{24})\b/.exec(s) ?? /^([a-fA-F0-9]{24})$/.exec(s);
  return m ? m[1]!.toLowerCase() : s;
}

/**
 * Looks `hash` up in `store`. Without a query the original comes back whole and byte-identical. With a
 * query, the original is split into items — the elements of a JSON array (or of the largest array of a
 * JSON object), else its lines — ranked with BM25, and only the best matching items come back, in their
 * original order, with a note "Returned K of N items matching …". A miss says whether the key expired or
 * was never stored, and that re-running the tool that produced the output is the way to get it back.
 */
export async function retrieve(store: Store, hash: string, options: RetrieveOptions = {}): Promise<RetrieveResult> {
  const key = normalizeHash(hash);
  if (!isCcrKey(key)) {
    return {
      found: false,
      hash: key,
      status: "unknown",
      message: `"${key}" is not a Headroom hash (expected the 24 hex characters after "hash" in a marker). Copy the hash from the marker exactly.`,
    };
  }
  const content = await store.get(key);
  if (content === undefined) {
    const status = (await store.status?.(key)) === "expired" ? "expired" : "unknown";
    const message =
      status === "expired"
        ? `The original for hash ${key} has expired from the Headroom store. Re-run the tool call that produced it to get the full output again.`
        : `No original is stored for hash ${key} (it was never stored in this store, or the store was cleared or is a different one). Re-run the tool call that produced it to get the full output again.`;
    return { found: false, hash: key, status, message };
  }
  const query = options.query?.trim();
  const img = storedImage(content);
  // An image has no lines or items to select: it comes back whole, whatever the query.
  if (img) return { found: true, hash: key, content, note: imageAnswerText(key, img, false) };
  if (!query) {
    return { found: true, hash: key, content, note: `Full original (${countLines(content)} lines, ${content.length} characters).` };
  }
  return select(key, content, query, options);
}

function countLines(s: string): number {
  if (!s) return 0;
  let n = 1;
  for (let i = s.indexOf("\n"); i !== -1 && i < s.length - 1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

interface Items {
  kind: "items" | "lines";
  /** Text each item is scored on. */
  docs: string[];
  /** Renders a subset (indices ascending) back to text. */
  render(indices: number[]): string;
  /** Where the items are, for the note (`the "items" array`). */
  where?: string;
}

function splitItems(content: string): Items {
  const t = content.trimStart();
  if (t.startsWith("[") || t.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      parsed = undefined;
    }
    const pretty = content.includes("\n");
    const ser = (v: unknown) => (pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v));
    if (Array.isArray(parsed) && parsed.length > 1) {
      const arr = parsed;
      return { kind: "items", docs: arr.map((x) => JSON.stringify(x)), render: (ix) => ser(ix.map((i) => arr[i])) };
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      // An envelope such as {"total_count": 85, "items": [...]}: its largest array holds the items.
      let best: string | undefined;
      for (const [k, v] of Object.entries(parsed)) if (Array.isArray(v) && v.length > 1 && (!best || v.length > (parsed as Record<string, unknown[]>)[best]!.length)) best = k;
      if (best !== undefined) {
        const obj = parsed as Record<string, unknown>;
        const arr = obj[best] as unknown[];
        const field = best;
        return {
          kind: "items",
          docs: arr.map((x) => JSON.stringify(x)),
          render: (ix) => ser({ ...obj, [field]: ix.map((i) => arr[i]) }),
          where: `the "${field}" array`,
        };
      }
    }
  }
  const lines = content.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return { kind: "lines", docs: lines, render: (ix) => ix.map((i) => lines[i]).join("\n") };
}

function select(key: string, content: string, query: string, o: RetrieveOptions): RetrieveHit {
  const items = splitItems(content);
  const total = items.docs.length;
  const base = { found: true as const, hash: key, query, totalItems: total, itemKind: items.kind };
  const q = JSON.stringify(query);
  const of = items.where ? ` of ${items.where}` : "";
  if (total <= 1) {
    return { ...base, content, returnedItems: total, note: `The original is a single ${items.kind === "items" ? "item" : "line"}; returned in full.` };
  }
  const scored = rankBm25(items.docs, query);
  if (!scored.length) {
    // An envelope object still shows its other fields (the answer may be there), with the array emptied.
    const rest = items.where ? `; the rest of the object is shown with the array emptied` : "";
    return {
      ...base,
      content: items.where ? items.render([]) : "",
      returnedItems: 0,
      note: `No ${items.kind}${of} matched ${q} (of ${total})${rest}. Call headroom_retrieve again without a query for the full original.`,
    };
  }
  const maxItems = Math.max(1, o.maxItems ?? 50);
  const floor = scored[0]!.score * (o.minScoreRatio ?? 0.1);
  const relevant = scored.filter((s) => s.score >= floor);
  const kept = relevant.slice(0, maxItems).map((s) => s.index).sort((a, b) => a - b);
  const more = relevant.length > kept.length ? ` (${relevant.length} matched; the best ${kept.length} are shown)` : "";
  return {
    ...base,
    content: items.render(kept),
    returnedItems: kept.length,
    note: `Returned ${kept.length} of ${total} ${items.kind}${of} matching ${q}${more}, in original order. Call headroom_retrieve again without a query for the full original.`,
  };
}

/**
 * The text a model receives for a retrieval: the original itself, or for a query the note in brackets
 * followed by the matching items, or the miss message. Core never compresses results of the
 * `headroom_retrieve` tool, so this text reaches the model as is.
 */
export function formatRetrieveResult(result: RetrieveResult): string {
  if (!result.found) return `headroom_retrieve: ${result.message}`;
  if (storedImage(result.content)) return result.note;
  if (result.query === undefined) return result.content;
  return result.content ? `[${result.note}]\n${result.content}` : `[${result.note}]`;
}
