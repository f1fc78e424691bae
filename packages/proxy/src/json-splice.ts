/**
 * Rewrites a JSON request body without re-serialising what did not change. `JSON.parse` +
 * `JSON.stringify` would round integers beyond 2^53 (`seed`), collapse duplicate keys and reformat
 * numbers (`1.0` → `1`); the provider must see every field we did not touch exactly as the client sent it.
 */

/** Where a value sits in the original text; containers also index their children. */
interface Node {
  start: number;
  end: number;
  /** Object members in text order (duplicates included). */
  members?: { key: string; keyStart: number; value: Node }[];
  elements?: Node[];
}

const WS = new Set([" ", "\t", "\n", "\r"]);

/** Scans `text` (already known to be valid JSON) into a tree of positions. */
export function scanJson(text: string): Node {
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  // The closing quote is the first `"` after an even run of backslashes (none, or escaped ones). Found
  // with indexOf, which jumps over a tool output's 50 KB in one call instead of a loop per character.
  const str = (): void => {
    for (let from = i + 1; ; ) {
      const q = text.indexOf('"', from);
      if (q < 0) throw new SyntaxError("unterminated string");
      let b = q;
      while (text.charCodeAt(b - 1) === 0x5c) b--; // stops at the opening quote at the latest
      from = q + 1;
      if ((q - b) % 2 === 0) {
        i = from;
        return;
      }
    }
  };
  const value = (): Node => {
    ws();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const members: NonNullable<Node["members"]> = [];
      ws();
      if (text[i] === "}") i++;
      else
        for (;;) {
          ws();
          const keyStart = i;
          str();
          const key = JSON.parse(text.slice(keyStart, i)) as string;
          ws();
          i++; // colon
          members.push({ key, keyStart, value: value() });
          ws();
          if (text[i++] === "}") break;
        }
      return { start, end: i, members };
    }
    if (c === "[") {
      i++;
      const elements: Node[] = [];
      ws();
      if (text[i] === "]") i++;
      else
        for (;;) {
          elements.push(value());
          ws();
          if (text[i++] === "]") break;
        }
      return { start, end: i, elements };
    }
    if (c === '"') {
      str();
      return { start, end: i };
    }
    while (i < text.length && !WS.has(text[i]!) && text[i] !== "," && text[i] !== "]" && text[i] !== "}") i++;
    return { start, end: i };
  };
  return value();
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The text of `next`, reusing the original text for every value that is the same object (or primitive)
 * as in `prev` — the parse of `text`. Changed containers are rebuilt member by member, so only values
 * that really changed are serialised; new members and elements are appended. Callers must build `next`
 * from `prev` by copying (`{...prev, messages: [...]}`), never by mutating `prev`.
 */
export function spliceJson(text: string, prev: unknown, next: unknown, node: Node = scanJson(text)): string {
  if (next === prev) return text.slice(node.start, node.end);
  if (isObj(prev) && isObj(next) && node.members) return spliceObject(text, prev, next, node, node.members);
  if (Array.isArray(prev) && Array.isArray(next) && node.elements) {
    const els = node.elements;
    const parts = next.map((v, i) => (i < prev.length && els[i] ? spliceJson(text, prev[i], v, els[i]) : JSON.stringify(v ?? null)));
    return join(text, node, els, parts);
  }
  return JSON.stringify(next);
}

/**
 * Rebuilds a container from its parts, keeping the original whitespace and separators between the
 * children that were there before; new children go at the end, after a comma.
 */
function join(text: string, node: Node, old: { start: number; end: number }[], parts: (string | undefined)[]): string {
  if (!old.length) return text[node.start] + parts.filter((p) => p !== undefined).join(",") + text[node.end - 1];
  let out = text.slice(node.start, old[0]!.start);
  let first = true;
  parts.forEach((p, i) => {
    if (p === undefined) return;
    if (!first) out += i < old.length && i > 0 ? text.slice(old[i - 1]!.end, old[i]!.start) : ",";
    out += p;
    first = false;
  });
  return out + text.slice(old[old.length - 1]!.end, node.end);
}

function spliceObject(text: string, prev: Obj, next: Obj, node: Node, members: NonNullable<Node["members"]>): string {
  // The last occurrence of a key is the one JSON.parse kept; earlier duplicates pass through as sent.
  const last = new Map<string, number>();
  for (const [i, m] of members.entries()) last.set(m.key, i);
  const parts: (string | undefined)[] = members.map((m, i) => {
    if (last.get(m.key) !== i) return text.slice(m.keyStart, m.value.end);
    if (!Object.hasOwn(next, m.key) || next[m.key] === undefined) return undefined;
    return text.slice(m.keyStart, m.value.start) + spliceJson(text, prev[m.key], next[m.key], m.value);
  });
  for (const [k, v] of Object.entries(next)) if (!last.has(k) && v !== undefined) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return join(text, node, members.map((m) => ({ start: m.keyStart, end: m.value.end })), parts);
}
