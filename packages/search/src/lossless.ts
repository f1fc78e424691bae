/**
 * The lossless form of `path:line:text` output: ripgrep's `--heading` layout (the path once, then
 * `line:text` / `line-text` lines, a blank line between files). It is only emitted when `fromHeading`
 * restores the input byte for byte, so the text is recoverable from the output alone.
 */
import { parseSearch } from "./parse.js";

/** Regroups flat output under per-file headings; `null` when the input does not qualify or nothing is saved. */
export function toHeading(text: string): string | null {
  const { lines, heading } = parseSearch(text);
  if (heading) return null;
  const out: string[] = [];
  let current: string | undefined;
  for (const l of lines) {
    const last = l.index === lines.length - 1;
    if (l.kind === "blank" && last) {
      out.push("");
      continue;
    }
    if ((l.kind !== "match" && l.kind !== "context" && l.kind !== "separator") || (l.kind !== "separator" && l.line === undefined)) return null;
    if (l.raw.endsWith("\r")) return null;
    if (l.kind === "separator") {
      out.push("--");
      continue;
    }
    if (l.path !== current) {
      // A path that could be read as a numbered line, "--" or blank would make the layout ambiguous.
      if (/^\d+[:-]/.test(l.path!) || l.path === "--" || l.path === "") return null;
      if (current !== undefined) out.push("");
      out.push(l.path!);
      current = l.path;
    }
    const col = l.kind === "match" ? (/^[\s\S]*?:\d+:(\d+:)?/.exec(l.raw.slice(l.path!.length))?.[1] ?? "") : "";
    out.push(`${l.line}${l.kind === "match" ? ":" : "-"}${col}${l.text}`);
  }
  const encoded = out.join("\n");
  return encoded.length < text.length && fromHeading(encoded) === text ? encoded : null;
}

/** Inverse of `toHeading`: turns `--heading` blocks back into `path:line:text` lines. */
export function fromHeading(encoded: string): string {
  const lines = encoded.split("\n");
  const out: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") {
      if (i === lines.length - 1) out.push("");
      current = undefined;
      continue;
    }
    if (l === "--") {
      out.push(l);
      continue;
    }
    const m = /^(\d+)([:-])([\s\S]*)$/.exec(l);
    if (current !== undefined && m) out.push(`${current}${m[2]}${m[1]}${m[2]}${m[3]}`);
    else current = l;
  }
  return out.join("\n");
}
