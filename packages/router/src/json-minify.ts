import { SPECIFICATION_VERSION_V2, type CompressorV2 } from "@headroom/core";

/**
 * Lossless JSON minification: pretty-printed JSON becomes compact JSON with the same value. JSON lines
 * are minified line by line. Declines when the text is not JSON or already compact.
 *
 * Numbers keep their source spelling (re-serialising would turn 1.0 into 1 or round big integers), so
 * this rewrites whitespace only.
 */
export function createJsonMinifier(): CompressorV2 {
  return {
    specificationVersion: SPECIFICATION_VERSION_V2,
    name: "json-minify",
    kinds: ["json"],
    priority: -100,
    compress(unit) {
      const text = unit.text;
      const t = text.trim();
      if (isJson(t)) {
        const out = stripJsonWhitespace(t);
        return out.length < text.length ? { text: out, lossless: true, transforms: ["json-minify"] } : null;
      }
      // JSON lines: every non-empty line is a JSON value.
      const out: string[] = [];
      for (const l of text.split(/\r?\n/)) {
        if (!l.trim()) continue;
        if (!isJson(l)) return null;
        out.push(stripJsonWhitespace(l.trim()));
      }
      const joined = out.join("\n");
      return joined.length < text.length ? { text: joined, lossless: true, transforms: ["json-minify"] } : null;
    },
  };
}

/** Removes insignificant whitespace from valid JSON text, leaving strings and number spellings intact. */
export function stripJsonWhitespace(json: string): string {
  let out = "";
  let start = 0;
  let i = 0;
  const n = json.length;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = json.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
    } else if (c === 32 || c === 10 || c === 13 || c === 9) {
      out += json.slice(start, i);
      while (i < n) {
        const d = json.charCodeAt(i);
        if (d === 32 || d === 10 || d === 13 || d === 9) i++;
        else break;
      }
      start = i;
    } else i++;
  }
  return out + json.slice(start);
}

/** True when `t` parses as JSON; a SyntaxError means "no", any other error is a real failure and propagates. */
function isJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
}
