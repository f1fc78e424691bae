import { isJsonNumber, JObj, JsonReader, JsonSyntaxError, MAX_DEPTH, numberFrom, toJson, toValue, type JVal } from "./ast.js";

/**
 * Decoder of the table format (grammar in the package README): compact JSON extended with table
 * literals `[N]{cols}:` / `[N]{cols}(…)` and bucket literals `[N]<order>:`, bare strings in cells, and
 * trailing marker lines. Returns the exact tree the encoder was given.
 */

const TABLE_HEAD = /\[(\d+)\]([{<])/y;
const IDENT_SEG = /[A-Za-z0-9_$-]+/y;
const BUCKET_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
/** A trailing marker line (lossy output): `[… Retrieve more: hash=<24 hex>]`. */
const MARKER_LINE = /^\[[^\n]*Retrieve more: hash=[a-f0-9]{24}\]$/;

/** Characters that end a cell. */
function isCellEnd(c: string | undefined): boolean {
  return c === undefined || c === "," || c === "\n" || c === ";" || c === ")" || c === "}" || c === "]";
}

interface Col {
  path: string[];
  constant?: JVal;
}

class TableReader extends JsonReader {
  value(depth: number, cell = false): JVal {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") {
      TABLE_HEAD.lastIndex = this.i;
      const m = TABLE_HEAD.exec(this.s);
      if (m) return m[2] === "{" ? this.table(depth, Number(m[1])) : this.buckets(depth, Number(m[1]));
      return this.array(depth);
    }
    if (c === '"') return this.string();
    if (!cell) return this.literal();
    return this.bare();
  }

  /** A bare cell token: a literal, a number, or else the string itself. */
  bare(): JVal {
    const start = this.i;
    const s = this.s;
    while (!isCellEnd(s[this.i])) this.i++;
    const tok = s.slice(start, this.i);
    if (tok === "true") return true;
    if (tok === "false") return false;
    if (tok === "null") return null;
    if (isJsonNumber(tok)) return numberFrom(tok);
    return tok;
  }

  private columns(depth: number): Col[] {
    const cols: Col[] = [];
    this.expect("{");
    for (;;) {
      const path: string[] = [];
      do {
        if (path.length) this.i++;
        if (this.s[this.i] === '"') path.push(this.string());
        else {
          IDENT_SEG.lastIndex = this.i;
          const m = IDENT_SEG.exec(this.s);
          if (!m) this.fail("bad column name");
          path.push(m[0]);
          this.i = IDENT_SEG.lastIndex;
        }
      } while (this.s[this.i] === ".");
      const col: Col = { path };
      if (this.s[this.i] === "=") {
        this.i++;
        col.constant = this.value(depth + 1, true);
      }
      cols.push(col);
      const c = this.s[this.i++];
      if (c === "}") return cols;
      if (c !== ",") this.fail("expected , or } in table header");
    }
  }

  /** Reads `n` parts after `:` (one per line) or `(` (separated by `;`, closed by `)`). */
  private parts(n: number, read: () => void): void {
    const mode = this.s[this.i++];
    if (mode !== ":" && mode !== "(") this.fail("expected : or ( after table header");
    for (let r = 0; r < n; r++) {
      if (mode === ":") this.expect("\n");
      else if (r > 0) this.expect(";");
      read();
    }
    if (mode === "(") this.expect(")");
  }

  private table(depth: number, n: number): JVal[] {
    this.i = TABLE_HEAD.lastIndex - 1;
    const cols = this.columns(depth);
    const live = cols.filter((c) => !("constant" in c)).length;
    const rows: JVal[] = [];
    this.parts(n, () => {
      const o = new JObj([], []);
      let j = 0;
      for (const col of cols) {
        let v: JVal | undefined;
        if ("constant" in col) v = col.constant;
        else {
          if (j++ > 0) this.expect(",");
          v = isCellEnd(this.s[this.i]) ? undefined : this.value(depth + 1, true);
        }
        if (v !== undefined) place(o, col.path, v);
      }
      if (j !== live) this.fail("row has too few cells");
      rows.push(o);
    });
    return rows;
  }

  private buckets(depth: number, n: number): JVal[] {
    const start = TABLE_HEAD.lastIndex;
    const end = this.s.indexOf(">", start);
    if (end < 0) this.fail("unterminated bucket order");
    const order = this.s.slice(start, end);
    if (order.length !== n) this.fail("bucket order length differs from item count");
    let k = 0;
    for (const ch of order) {
      const d = BUCKET_DIGITS.indexOf(ch);
      if (d < 0) this.fail("bad bucket digit");
      k = Math.max(k, d + 1);
    }
    this.i = end + 1;
    const groups: JVal[][] = [];
    this.parts(k, () => {
      const g = this.value(depth + 1);
      if (!Array.isArray(g)) this.fail("bucket is not an array");
      groups.push(g);
    });
    const next = new Array<number>(k).fill(0);
    const out: JVal[] = [];
    for (const ch of order) {
      const d = BUCKET_DIGITS.indexOf(ch);
      const item = groups[d]![next[d]!++];
      if (item === undefined) this.fail("bucket has too few items");
      out.push(item);
    }
    if (groups.some((g, d) => g.length !== next[d])) this.fail("bucket has too many items");
    return out;
  }
}

/** Sets `v` at `path` inside `o`, creating the nested objects of flattened columns in column order. */
function place(o: JObj, path: string[], v: JVal): void {
  let cur = o;
  for (let d = 0; d < path.length - 1; d++) {
    const k = path[d]!;
    const last = cur.keys.length - 1;
    const child = last >= 0 && cur.keys[last] === k ? cur.vals[last] : undefined;
    if (child instanceof JObj) cur = child;
    else {
      const fresh = new JObj([], []);
      cur.keys.push(k);
      cur.vals.push(fresh);
      cur = fresh;
    }
  }
  cur.keys.push(path[path.length - 1]!);
  cur.vals.push(v);
}

/** Decodes table-format (or plain JSON) text to the tree; trailing marker lines are allowed and skipped. */
export function decodeTree(text: string): JVal {
  const r = new TableReader(text);
  r.ws();
  const v = r.value(0);
  const rest = text.slice(r.i).trim();
  if (rest) for (const line of rest.split("\n")) if (!MARKER_LINE.test(line.trim())) throw new JsonSyntaxError(`unexpected text after value at ${r.i}`);
  return v;
}

/**
 * Decodes the table format back to the JSON value (what `JSON.parse` gives on the original text).
 * @example decode("[2]{id,name}:\n1,Ada\n2,Bob") // → [{id:1,name:"Ada"},{id:2,name:"Bob"}]
 */
export function decode(text: string): unknown {
  return toValue(decodeTree(text));
}

/** Decodes to compact JSON text, with the original number spellings and key order. */
export function decodeToJson(text: string): string {
  return toJson(decodeTree(text));
}
