import { marker } from "@headroom/core";
import { RawNum, type JVal } from "./ast.js";

/** Sizes and summaries the thinning pass reads off values without serialising them. */

/**
 * Compact JSON length of a value, without building the text for scalars. Long arrays are remembered:
 * a nested one is sized as part of its parent's items and again as an array of its own.
 */
export function approxChars(v: JVal, memo: WeakMap<object, number>): number {
  if (typeof v === "string") return v.length + 2;
  if (typeof v === "number") return String(v).length;
  if (v === null || typeof v === "boolean") return 5;
  if (v instanceof RawNum) return v.raw.length;
  let n = 2;
  if (Array.isArray(v)) {
    const known = memo.get(v);
    if (known !== undefined) return known;
    for (const x of v) n += approxChars(x, memo) + 1;
    // Only long arrays are remembered (few entries): they are sized again as arrays of their own.
    if (v.length >= MEMO_ITEMS) memo.set(v, n);
    return n;
  }
  for (let i = 0; i < v.keys.length; i++) n += v.keys[i]!.length + 4 + approxChars(v.vals[i]!, memo);
  return n;
}

/** Arrays at least this long have their `approxChars` remembered. */
const MEMO_ITEMS = 8;

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

/** Marker line for a thinned number array: the stats of the whole series stay visible. */
export function numberSummary(path: string, xs: number[], kept: number): string {
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
