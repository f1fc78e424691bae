/**
 * XML reports (JUnit / Maven surefire / Gradle test results, any XML whose bulk is repeated sibling
 * elements): the repeated elements are the items. Items whose children say failure or error, and items
 * the question names, stay with the same selection as JSON arrays; the others are removed, each run of
 * them leaving an XML comment that counts it, and one marker comment after the root names the original.
 * The output stays well-formed XML, every kept element byte-identical.
 */
import { ccrKey, marker, type DetectorV2 } from "@headroom/core";
import { keepChars, normalizeBias, queryTerms } from "@headroom/text";
import { JObj, type JVal } from "./ast.js";
import type { CrushOptions, CrushResult } from "./crush.js";
import { selectItems } from "./select.js";

/** One element of the document: offsets of its whole span, its name path and direct children. */
export interface XmlElement {
  name: string;
  path: string;
  start: number;
  end: number;
  attrs: [string, string][];
  children: XmlElement[];
  /** Character data directly inside (trimmed, bounded). */
  text: string;
}

const NAME = /[A-Za-z_:][\w:.-]*/y;
const ATTR = /\s*([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/**
 * Detects XML documents whose bulk is repeated elements (test reports, feeds, exports), so they reach
 * smart-crusher whatever else a content detector calls them (their stack traces look like a log).
 */
export const xmlDetector: DetectorV2 = {
  name: "smart-crusher/xml",
  kinds: ["xml"],
  detect(text) {
    if (!/^\s*<(?:\?xml|[A-Za-z_])/.test(text)) return null;
    const root = parseXml(text);
    return root && repeatedItems(root, 10).length ? { kind: "xml", confidence: 0.95 } : null;
  },
};

/** Parses well-formed XML into elements; null when it is not (mismatched or unclosed tags, no root). */
export function parseXml(text: string): XmlElement | null {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf("<", i);
    if (lt < 0) break;
    const top = stack[stack.length - 1];
    if (top && top.text.length < 300) top.text += text.slice(i, lt).trim().slice(0, 300 - top.text.length);
    if (text.startsWith("<!--", lt)) i = after(text, "-->", lt + 4);
    else if (text.startsWith("<![CDATA[", lt)) {
      const end = after(text, "]]>", lt + 9);
      if (top && top.text.length < 300) top.text += text.slice(lt + 9, end - 3).trim().slice(0, 300 - top.text.length);
      i = end;
    } else if (text.startsWith("<?", lt)) i = after(text, "?>", lt + 2);
    else if (text.startsWith("<!", lt)) i = after(text, ">", lt + 2);
    else if (text[lt + 1] === "/") {
      NAME.lastIndex = lt + 2;
      const m = NAME.exec(text);
      const close = text.indexOf(">", lt);
      const el = stack.pop();
      if (!m || close < 0 || !el || el.name !== m[0]) return null;
      el.end = close + 1;
      i = close + 1;
    } else {
      NAME.lastIndex = lt + 1;
      const m = NAME.exec(text);
      if (!m) return null;
      const el: XmlElement = { name: m[0], path: top ? `${top.path}>${m[0]}` : m[0], start: lt, end: -1, attrs: [], children: [], text: "" };
      let j = NAME.lastIndex;
      for (;;) {
        ATTR.lastIndex = j;
        const a = ATTR.exec(text);
        if (!a) break;
        el.attrs.push([a[1]!, a[2] ?? a[3] ?? ""]);
        j = ATTR.lastIndex;
      }
      const rest = /\s*(\/?)>/y;
      rest.lastIndex = j;
      const r = rest.exec(text);
      if (!r) return null;
      if (top) top.children.push(el);
      else if (root) return null;
      else root = el;
      i = rest.lastIndex;
      if (r[1]) el.end = i;
      else stack.push(el);
    }
    if (i < 0) return null;
  }
  return root && stack.length === 0 && root.end > 0 ? root : null;
}

function after(text: string, close: string, from: number): number {
  const k = text.indexOf(close, from);
  return k < 0 ? -1 : k + close.length;
}

/** The repeated elements: the name path with the most elements (at least `min`), in document order. */
export function repeatedItems(root: XmlElement, min: number): XmlElement[] {
  const byPath = new Map<string, XmlElement[]>();
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      const list = byPath.get(c.path) ?? [];
      if (!list.length) byPath.set(c.path, list);
      list.push(c);
      walk(c);
    }
  };
  walk(root);
  let best: XmlElement[] = [];
  for (const list of byPath.values()) if (list.length > best.length) best = list;
  return best.length >= min ? best : [];
}

/** An item as a record for the selection: attributes, then each child's attributes and text. */
function record(e: XmlElement): JVal {
  const keys: string[] = [];
  const vals: JVal[] = [];
  const put = (k: string, v: string) => {
    keys.push(k);
    vals.push(v);
  };
  for (const [k, v] of e.attrs) put(k, v);
  if (e.text) put("#text", e.text);
  for (const c of e.children) {
    for (const [k, v] of c.attrs) put(`${c.name}.${k}`, v);
    put(c.name, c.text);
  }
  return new JObj(keys, vals);
}

/** Children that report a failed outcome (JUnit `failure`, `error`, `rerunFailure`, `flakyError`…). */
const FAILED_CHILD = /fail|error/i;

/**
 * Compresses an XML report with a store: the repeated items the selection keeps, every item with a
 * failure or error child, the rest removed behind counting comments and one marker. Null when the
 * text is not well-formed XML, has too few repeated items, or nothing would be gained.
 */
export function crushXml(text: string, o: CrushOptions): CrushResult | null {
  if (!o.reversible) return null;
  const root = parseXml(text);
  if (!root) return null;
  const items = repeatedItems(root, o.minItems ?? 10);
  if (!items.length) return null;
  const records = items.map(record);
  let total = 0;
  for (const e of items) total += e.end - e.start;
  const budget = keepChars(total, { bias: normalizeBias(o.bias) });
  const fit = Math.floor((budget / total) * items.length);
  const sel = selectItems(records, { terms: queryTerms(o.query, o.toolArgs), bias: normalizeBias(o.bias), budget: fit });
  const kept = new Set(sel.keep);
  items.forEach((e, i) => {
    if (e.children.some((c) => FAILED_CHILD.test(c.name))) kept.add(i);
  });
  if (kept.size >= items.length) return null;
  const name = items[0]!.name;
  let out = "";
  let at = 0;
  for (let i = 0; i < items.length; ) {
    if (kept.has(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < items.length && !kept.has(j + 1) && items[j + 1]!.path === items[i]!.path) j++;
    out += `${text.slice(at, items[i]!.start)}<!-- ${j - i + 1} ${name} omitted -->`;
    at = items[j]!.end;
    i = j + 1;
  }
  out += text.slice(at);
  const key = ccrKey(text);
  const failed = items.filter((e) => e.children.some((c) => FAILED_CHILD.test(c.name))).length;
  const summary = `${items.length - kept.size} of ${items.length} ${name} elements omitted, ${kept.size} kept (${failed} with a failure or error)`;
  out = `${out.replace(/\s*$/, "")}\n<!-- ${marker(summary, key)} -->\n`;
  if (out.length >= text.length) return null;
  return {
    text: out,
    lossless: false,
    originals: [{ key, content: text, meta: { kind: "xml", compressor: "smart-crusher", items: items.length, kept: kept.size } }],
    transforms: ["smart-crusher:xml"],
    itemsBefore: items.length,
    itemsAfter: kept.size,
  };
}
