import { isJsonNumber, JObj, RawNum, toJson, type JVal } from "./ast.js";

/**
 * Table building blocks: which strings may be written bare, how a column path is spelled, how the
 * columns of a set of rows are laid out (key-order merge, flattening of small nested objects, constant
 * factoring). The grammar itself is specified in the package README.
 */

/** Characters that end a bare cell or open another construct; a bare string never contains them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls and DEL must be quoted; matching them is the point.
const BARE_FORBIDDEN = /[,;"\\()[\]{}\u0000-\u001f\u007f\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a string can be written unquoted in a table cell and still decode to the same string. */
export function isBare(s: string): boolean {
  if (s.length === 0 || s.length > 400) return false;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first === 32 || last === 32) return false;
  if (s === "true" || s === "false" || s === "null" || isJsonNumber(s)) return false;
  return !BARE_FORBIDDEN.test(s);
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** A column path: identifier segments bare, others JSON-quoted, joined by dots. */
export function pathText(path: string[]): string {
  return path.map((k) => (IDENT.test(k) ? k : JSON.stringify(k))).join(".");
}

/** One table column: a key path into the row object; `constant` holds the value when every row has it (factored into the header). */
export interface Column {
  path: string[];
  constant?: { v: JVal };
}

/** The layout of a table: its columns and, per row, the value of every column (undefined = absent). */
export interface Layout {
  columns: Column[];
  /** cells[row][col]: the value at the column's path, undefined when absent. */
  cells: (JVal | undefined)[][];
}

/**
 * Merges key sequences into one order in which every sequence is a subsequence, or returns null when
 * the rows disagree on key order (a table could then not restore it).
 */
export function mergeKeyOrder(lists: string[][]): string[] | null {
  const order: string[] = [];
  const pos = new Map<string, number>();
  for (const keys of lists) {
    let prev = -1;
    for (const k of keys) {
      const p = pos.get(k);
      if (p === undefined) {
        order.splice(prev + 1, 0, k);
        // Positions after the insertion point shift by one.
        for (let j = prev + 1; j < order.length; j++) pos.set(order[j]!, j);
        prev = prev + 1;
      } else {
        if (p <= prev) return null;
        prev = p;
      }
    }
  }
  return order;
}

interface KeyNode {
  key: string;
  children?: KeyNode[];
}

/** Largest number of sub-keys an object may have to be flattened into dotted columns. */
const FLATTEN_MAX_KEYS = 12;
/** Deepest flattening (a.b.c.d). */
const FLATTEN_MAX_DEPTH = 3;
/** Upper bound on the number of columns of a flattened table. */
const MAX_COLUMNS = 96;

/** Key tree for a set of objects, flattening nested objects where every present value is a small object. */
function keyTree(objs: JObj[], flatten: boolean, depth: number, budget: { cols: number }): KeyNode[] | null {
  const order = mergeKeyOrder(objs.map((o) => o.keys));
  if (!order) return null;
  const nodes: KeyNode[] = [];
  for (const key of order) {
    let sub: JObj[] | null = flatten && depth < FLATTEN_MAX_DEPTH ? [] : null;
    if (sub) {
      for (const o of objs) {
        const i = o.keys.indexOf(key);
        if (i < 0) continue;
        const v = o.vals[i];
        if (!(v instanceof JObj) || v.keys.length === 0 || v.keys.length > FLATTEN_MAX_KEYS || v.hasDuplicates) {
          sub = null;
          break;
        }
        sub.push(v);
      }
    }
    const children = sub?.length ? keyTree(sub, flatten, depth + 1, budget) : null;
    if (children && children.length <= FLATTEN_MAX_KEYS) nodes.push({ key, children });
    else {
      nodes.push({ key });
      budget.cols++;
    }
    if (budget.cols > MAX_COLUMNS) return null;
  }
  return nodes;
}

function leafPaths(nodes: KeyNode[], prefix: string[], out: string[][]): void {
  for (const n of nodes) {
    if (n.children) leafPaths(n.children, [...prefix, n.key], out);
    else out.push([...prefix, n.key]);
  }
}

function at(o: JObj, path: string[]): JVal | undefined {
  let cur: JVal | undefined = o;
  for (const k of path) {
    if (!(cur instanceof JObj)) return undefined;
    const i: number = cur.keys.indexOf(k);
    if (i < 0) return undefined;
    cur = cur.vals[i];
  }
  return cur;
}

/**
 * Lays out rows as a table: merged key order, optional flattening, constant columns factored into the
 * header (only when every row has the same value there). Null when the rows cannot form an exact table.
 */
export function layoutRows(rows: JObj[], flatten: boolean): Layout | null {
  if (rows.length < 2) return null;
  for (const r of rows) if (r.hasDuplicates) return null;
  const tree = keyTree(rows, flatten, 0, { cols: 0 });
  if (!tree || tree.length === 0) return null;
  const paths: string[][] = [];
  leafPaths(tree, [], paths);
  const cells = rows.map((r) => paths.map((p) => (p.length === 1 ? r.get(p[0]!) : at(r, p))));
  const columns: Column[] = paths.map((path) => ({ path }));
  // Constant columns: present in every row with the same scalar value; stated once in the header.
  for (let c = 0; c < paths.length; c++) {
    const first = cells[0]![c];
    if (first === undefined || (first !== null && typeof first === "object" && !(first instanceof RawNum))) continue;
    const t = toJson(first);
    let same = true;
    for (let r = 1; r < rows.length && same; r++) {
      const v = cells[r]![c];
      same = v === first || (v instanceof RawNum && v.raw === t);
    }
    if (same) columns[c]!.constant = { v: first };
  }
  return { columns, cells };
}
