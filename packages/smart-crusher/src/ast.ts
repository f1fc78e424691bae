/**
 * A JSON tree that keeps what `JSON.parse` loses: the source spelling of numbers (`1.0`, `-0`, integers
 * beyond 2^53), the order of object keys (JS objects move integer-like keys first) and duplicate keys.
 * Losslessness is judged on this tree, so the table encoding can promise an exact round trip.
 */

/** A number whose canonical JS spelling differs from its source text (`1.0`, `1e3`, `-0`, 2^53+1). */
export class RawNum {
  constructor(readonly raw: string) {}
}

/** A JSON object as ordered key/value lists (duplicates allowed, order kept). */
export class JObj {
  constructor(
    readonly keys: string[],
    readonly vals: JVal[],
  ) {}
  /** True when a key occurs twice (such objects are never turned into table rows). */
  get hasDuplicates(): boolean {
    return new Set(this.keys).size !== this.keys.length;
  }
  get(key: string): JVal | undefined {
    const i = this.keys.lastIndexOf(key);
    return i < 0 ? undefined : this.vals[i];
  }
}

export type JVal = null | boolean | number | string | RawNum | JObj | JVal[];

/** Nesting beyond this is declined (no recursion-depth crash on hostile input). */
export const MAX_DEPTH = 200;

/** Thrown by the parsers on invalid input or extreme nesting. */
export class JsonSyntaxError extends Error {}

const NUM_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** True when `s` is exactly a JSON number. */
export const isJsonNumber = (s: string): boolean => {
  NUM_RE.lastIndex = 0;
  return NUM_RE.test(s) && NUM_RE.lastIndex === s.length;
};

/** A JSON number token as a tree value: a JS number when its spelling is canonical, else a RawNum. */
export function numberFrom(raw: string): number | RawNum {
  const n = Number(raw);
  return String(n) === raw ? n : new RawNum(raw);
}

/**
 * Maximum bracket nesting of a JSON-ish text, scanning iteratively (strings skipped). Used to decline
 * extreme nesting before any recursive code runs.
 */
export function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Strict JSON parser producing a JVal tree. Throws JsonSyntaxError. */
export function parseJson(text: string): JVal {
  if (maxNesting(text) > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep");
  return parsePrechecked(text);
}

/**
 * `parseJson` for a caller that has already checked `maxNesting(text)` (the scan is a full pass over
 * the text). The reader still refuses nesting beyond MAX_DEPTH on its own.
 */
export function parsePrechecked(text: string): JVal {
  const p = new JsonReader(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail("trailing characters");
  return v;
}

/**
 * Parses like `parsePrechecked` and tells whether `text` is already exactly `toJson(tree)` (no
 * whitespace between tokens, every string spelled as `JSON.stringify` spells it), so that a caller
 * needing the compact text can take the input instead of serialising the tree again.
 */
export function readJson(text: string): { tree: JVal; compact: boolean; nesting: number; textsOf?: ItemTexts } {
  const p = new JsonReader(text);
  const starts = new WeakMap<JVal[], number[]>();
  p.starts = starts;
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail("trailing characters");
  // Bracket nesting of a valid document is its deepest container's depth + 1 (what maxNesting counts).
  const nesting = p.deepest + 1;
  if (!p.canonical) return { tree: v, compact: false, nesting };
  // Compact text: every item of an array is its own compact JSON, the slice between its separators.
  return { tree: v, compact: true, nesting, textsOf: itemTexts(text, starts) };
}

/** Compact JSON texts of the items of an array of the parsed tree, when known without serialising. */
export type ItemTexts = (items: JVal[]) => string[] | undefined;

/** Arrays at least this long have their item offsets recorded by `readJson` (selection needs 9+). */
const STARTS_MIN_ITEMS = 9;

/** Cursor-based reader shared by the JSON parser and the table-format decoder. */
export class JsonReader {
  i = 0;
  /** False once the text read so far differs from its compact serialisation (see `readJson`). */
  canonical = true;
  /** Where recorded: offsets of the items of long arrays, and one past the closing bracket. */
  starts: WeakMap<JVal[], number[]> | null = null;
  /** Depth of the deepest object or array read (-1 before any). */
  deepest = -1;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new JsonSyntaxError(`${msg} at ${this.i}`);
  }
  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    if (i !== this.i) this.canonical = false;
    this.i = i;
  }
  expect(ch: string): void {
    if (this.s[this.i] !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.i++;
  }
  string(): string {
    const s = this.s;
    const start = this.i;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32) this.fail("control character in string");
      // JSON.stringify escapes lone surrogates: a string holding one is not in its compact spelling.
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = s.charCodeAt(i + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) i++;
        else this.canonical = false;
      }
      i++;
    }
    this.i = i + 1;
    if (!escaped) return s.slice(start + 1, i);
    try {
      const src = s.slice(start, i + 1);
      const v = JSON.parse(src) as string;
      if (this.canonical && JSON.stringify(v) !== src) this.canonical = false;
      return v;
    } catch {
      this.i = start;
      return this.fail("bad escape");
    }
  }
  number(): number | RawNum {
    NUM_RE.lastIndex = this.i;
    if (!NUM_RE.test(this.s)) this.fail("bad number");
    const raw = this.s.slice(this.i, NUM_RE.lastIndex);
    this.i = NUM_RE.lastIndex;
    return numberFrom(raw);
  }
  literal(): JVal {
    const s = this.s;
    if (s.startsWith("true", this.i)) {
      this.i += 4;
      return true;
    }
    if (s.startsWith("false", this.i)) {
      this.i += 5;
      return false;
    }
    if (s.startsWith("null", this.i)) {
      this.i += 4;
      return null;
    }
    return this.number();
  }
  value(depth: number): JVal {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    return this.literal();
  }
  object(depth: number): JObj {
    if (depth > this.deepest) this.deepest = depth;
    this.i++;
    const keys: string[] = [];
    const vals: JVal[] = [];
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return new JObj(keys, vals);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected key");
      keys.push(this.string());
      this.ws();
      this.expect(":");
      this.ws();
      vals.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return new JObj(keys, vals);
      if (c !== ",") this.fail("expected , or }");
    }
  }
  array(depth: number): JVal[] {
    if (depth > this.deepest) this.deepest = depth;
    this.i++;
    const out: JVal[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    const at: number[] | null = this.starts ? [] : null;
    for (;;) {
      this.ws();
      at?.push(this.i);
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") {
        if (at && out.length >= STARTS_MIN_ITEMS) {
          at.push(this.i);
          this.starts!.set(out, at);
        }
        return out;
      }
      if (c !== ",") this.fail("expected , or ]");
    }
  }
}

/** Compact JSON text of a scalar. */
function scalarJson(v: Exclude<JVal, JObj | JVal[]>): string {
  if (v === null) return "null";
  if (v instanceof RawNum) return v.raw;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Compact JSON text of a tree (number spellings and key order kept). */
export function toJson(v: JVal): string {
  if (!(v instanceof JObj) && !Array.isArray(v)) return scalarJson(v);
  const out: JsonOut = { parts: [], len: 0 };
  writeJson(v, out);
  return out.parts.join("");
}

/**
 * `toJson(tree)`, with the item texts of its arrays (what `readJson` gives for a compact input): the
 * text of an item of a compact document is the slice between its separators, so a pretty-printed input
 * is serialised once instead of once for the document and again for every array's items.
 */
export function compactJson(tree: JVal): { text: string; textsOf: ItemTexts } {
  const out: JsonOut = { parts: [], len: 0 };
  const starts = new WeakMap<JVal[], number[]>();
  writeJson(tree, out, starts);
  const text = out.parts.join("");
  return { text, textsOf: itemTexts(text, starts) };
}

/** Compact JSON being written: its pieces, joined once at the end, and their length so far. */
interface JsonOut {
  parts: string[];
  len: number;
}

/** Adds one piece of the output. */
function push(out: JsonOut, s: string): void {
  out.parts.push(s);
  out.len += s.length;
}

/** Appends `v`'s compact JSON; with `starts`, records the item offsets of every long array. */
function writeJson(v: JVal, out: JsonOut, starts?: WeakMap<JVal[], number[]>): void {
  if (Array.isArray(v)) {
    const at: number[] | undefined = starts && v.length >= STARTS_MIN_ITEMS ? [] : undefined;
    push(out, "[");
    for (let i = 0; i < v.length; i++) {
      if (i) push(out, ",");
      at?.push(out.len);
      writeJson(v[i]!, out, starts);
    }
    // As `readJson` records them: the last item ends one before the offset after the closing bracket.
    if (at) {
      at.push(out.len + 1);
      starts!.set(v, at);
    }
    push(out, "]");
  } else if (v instanceof JObj) {
    push(out, "{");
    for (let i = 0; i < v.keys.length; i++) {
      if (i) push(out, ",");
      push(out, JSON.stringify(v.keys[i]));
      push(out, ":");
      writeJson(v.vals[i]!, out, starts);
    }
    push(out, "}");
  } else push(out, scalarJson(v));
}

/** Item texts of the arrays whose item offsets `starts` holds, as slices of the compact `text`. */
function itemTexts(text: string, starts: WeakMap<JVal[], number[]>): ItemTexts {
  return (items) => {
    const at = starts.get(items);
    return at && at.length === items.length + 1 ? items.map((_, i) => text.slice(at[i]!, at[i + 1]! - 1)) : undefined;
  };
}

/** The plain JS value `JSON.parse` would give for the same text (last duplicate wins). */
export function toValue(v: JVal): unknown {
  if (v === null || typeof v !== "object") return v;
  if (v instanceof RawNum) return Number(v.raw);
  if (Array.isArray(v)) return v.map(toValue);
  // fromEntries defines own properties, so a "__proto__" key stays data as with JSON.parse.
  return Object.fromEntries(v.keys.map((k, i) => [k, toValue(v.vals[i]!)]));
}

/** Builds a tree from a plain JS value (tests and callers holding parsed values). */
export function fromValue(v: unknown): JVal {
  return parseJson(JSON.stringify(v) ?? "null");
}
