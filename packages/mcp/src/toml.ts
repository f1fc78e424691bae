/**
 * The few TOML edits agent configs need (Codex's `config.toml`): drop or replace one table, as text, so
 * every other byte of the user's file (comments, order, formatting) stays as it was.
 */

/** A TOML basic string: JSON's escapes (`\"`, `\\`, `\n`, `\uXXXX`) are TOML's too. */
export const tomlString = (s: string): string => JSON.stringify(s);

/** A TOML value for a string, boolean, number or array of strings. */
export function tomlValue(v: string | boolean | number | string[]): string {
  if (Array.isArray(v)) return `[${v.map(tomlString).join(", ")}]`;
  return typeof v === "string" ? tomlString(v) : String(v);
}

const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/** Normalizes a table name for comparison: `a . "b"` and `a.b` are the same table. */
const norm = (name: string) =>
  name
    .split(".")
    .map((p) => p.trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1"))
    .join(".");

/**
 * Removes table `name` (and its sub-tables `name.*`) from TOML text. Returns the text unchanged when the
 * table is absent. Lines of the removed tables, and the blank lines before them, go.
 */
export function removeTomlTable(text: string, name: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let dropping = false;
  const target = norm(name);
  let separator: string[] = [];
  for (const line of lines) {
    const m = header.exec(line);
    if (m) {
      const n = norm(m[1]!);
      const drop = n === target || n.startsWith(`${target}.`);
      // Blank lines and our own `# headroom …` comments above the table belong to it…
      if (drop && !dropping) {
        separator = [];
        while (out.length && (out[out.length - 1]!.trim() === "" || /^# headroom\b/.test(out[out.length - 1]!)))
          if (out.pop()!.trim() === "") separator.unshift("");
      }
      // …but a table that follows keeps its blank-line separation.
      if (!drop && dropping) out.push(...separator);
      dropping = drop;
    }
    if (!dropping) out.push(line);
  }
  let result = out.join("\n");
  if (text.endsWith("\n") && !result.endsWith("\n") && result.length) result += "\n";
  return result;
}

/** Renders `[name]` with `key = value` lines (plus optional comment lines above it). */
export function renderTomlTable(name: string, entries: Record<string, string | boolean | number | string[]>, comments: string[] = []): string {
  return [...comments.map((c) => `# ${c}`), `[${name}]`, ...Object.entries(entries).map(([k, v]) => `${k} = ${tomlValue(v)}`)].join("\n") + "\n";
}

/** True when the text has table `name`. */
export function hasTomlTable(text: string, name: string): boolean {
  const target = norm(name);
  return text.split("\n").some((l) => {
    const m = header.exec(l);
    return !!m && norm(m[1]!) === target;
  });
}

/** Replaces (or appends) table `name` with `block` (from {@link renderTomlTable}). */
export function setTomlTable(text: string, name: string, block: string): string {
  const base = removeTomlTable(text, name);
  if (!base.trim()) return block;
  return `${base.endsWith("\n") ? base : `${base}\n`}\n${block}`;
}
