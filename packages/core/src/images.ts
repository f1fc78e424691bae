/**
 * Image units: base64 image parts of a request (OpenAI Chat `image_url` data URLs, Anthropic `image`
 * blocks with a base64 source, Responses `input_image` data URLs) handed to image-capable compressors,
 * and the replacement written back in place. URL images (http/https, file ids) are never touched.
 *
 * Opt-in by construction: the pipeline only scans for images when a compressor with a `compressImage`
 * method is registered, so requests of users without one run exactly as before.
 */
import type { AbortSignalLike } from "./spec/v2/index.js";
import type { CompressorV1 as Compressor, MessageFormat, Role, StoredOriginalV1 as StoredOriginal } from "./types.js";

/** One base64 image of a request. */
export interface ImageUnit {
  /** Stable address of the image part, e.g. `messages[3].content[1]`. */
  id: string;
  kind: "image";
  role: Role;
  messageIndex: number;
  /** Position among the request's image units (0-based), in request order. */
  ordinal: number;
  /** Media type from the data URL or `source.media_type`, e.g. `image/png`. */
  mediaType: string;
  /** The image bytes, base64 (as sent). */
  data: string;
  /** OpenAI / Responses `detail` when the part has one. */
  detail?: string;
  /** Name of the tool whose result holds the image, when it is one. */
  toolName?: string;
  /** Text of the user turn before this image's message (or of its own message, for a user image). */
  query?: string;
}

/** A new image that replaces the original part (same part type, same other fields). */
export interface ImageReplacement {
  kind: "image";
  mediaType: string;
  data: string;
  /** Sets `detail` (OpenAI Chat and Responses only; ignored for Anthropic). */
  detail?: "low" | "high" | "auto";
}

/** A short text that replaces the image part (for example a reference to an identical earlier image). */
export interface ImageTextReplacement {
  kind: "text";
  text: string;
}

/** What an image compressor returns. Token counts are the compressor's cost model for the request's model. */
export interface ImageResult {
  replacement: ImageReplacement | ImageTextReplacement;
  /** Text inserted as its own part right after a replacement image: carries the marker of a lossy change. */
  note?: string;
  /** True when the model loses nothing it would have seen (no marker needed). */
  lossless: boolean;
  originals?: StoredOriginal[];
  transforms?: string[];
  /** Image tokens of the original under the model's cost formula. */
  tokensBefore: number;
  /** Image tokens of the replacement image (0 for a text replacement: the pipeline counts the text). */
  tokensAfter: number;
  /** True when the cost formula is an estimate (unknown model, or a formula the provider only approximates). */
  estimated: boolean;
  /** Why a result that changes nothing billable is still worth it (bytes), for the report. */
  bytesBefore?: number;
  bytesAfter?: number;
}

/** An image compressor's "no" with its reason (shown in the report), and the image's cost when it knows it. */
export interface ImageDecline {
  declined: string;
  tokens?: number;
  estimated?: boolean;
}

/** Facts an image compressor gets for one image. */
export interface ImageContext {
  model: string;
  format: MessageFormat;
  /** True when a store is attached and lossy output is allowed. */
  reversible: boolean;
  bias: number;
  /** Every earlier image unit of this request (originals, in order): for duplicate references. */
  earlier: ReadonlyArray<ImageUnit>;
  /** Aborts when the image's time budget (the pipeline's `timeBudgetMs`) runs out or the caller cancels. */
  signal?: AbortSignalLike;
  /** The pipeline's per-unit time budget in ms (Infinity when unlimited); the pipeline stops waiting after it. */
  timeBudgetMs?: number;
}

/**
 * A compressor that also handles images. It stays a valid `Compressor` (its `kinds` may be empty so it
 * never sees text); registering one in `compressors` is what turns image units on.
 */
export interface ImageCompressor extends Compressor {
  compressImage(unit: ImageUnit, context: ImageContext): ImageResult | ImageDecline | null | undefined | Promise<ImageResult | ImageDecline | null | undefined>;
  /**
   * Optional, cheap (no decoding): the image's tokens for `model`, or undefined when unknown. With it the
   * pipeline applies `minTokens` and counts the image in `tokenBudget` before any image work.
   */
  imageTokens?(unit: ImageUnit, model: string): number | undefined;
}

/** Per-image outcome, in `CompressResult.images`. */
export interface ImageReport {
  id: string;
  messageIndex: number;
  role: Role;
  mediaType: string;
  compressor?: string;
  status: "compressed" | "unchanged" | "skipped";
  reason?: string;
  tokensBefore: number;
  tokensAfter: number;
  estimated: boolean;
  bytesBefore: number;
  bytesAfter: number;
  transforms: string[];
  ccrHashes: string[];
}

/** True when `c` can compress images. */
export function isImageCompressor(c: unknown): c is ImageCompressor {
  return typeof (c as Partial<ImageCompressor>).compressImage === "function";
}

/** A plain JSON object. */
export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** Path of a value inside a request. */
export type Path = (string | number)[];

/** An image part found in a request: the unit, where its part sits, and how to rebuild it. */
export interface FoundImage {
  unit: ImageUnit;
  /** Path of the content array that holds the part, and the part's index in it. */
  container: Path;
  index: number;
  part: Obj;
}

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)((?:;[^,;]*)*);base64,/i;

function parseDataUrl(url: unknown): { mediaType: string; data: string } | undefined {
  if (typeof url !== "string") return undefined;
  const m = DATA_URL.exec(url.slice(0, 200));
  return m ? { mediaType: m[1]!.toLowerCase(), data: url.slice(m[0].length) } : undefined;
}

/** Reads the image of one part in the given dialect; undefined for URL images and non-image parts. */
function imageOf(p: unknown, format: MessageFormat): { mediaType: string; data: string; detail?: string } | undefined {
  if (!isObj(p)) return undefined;
  if (format === "anthropic") {
    const s = p.source;
    if (p.type !== "image" || !isObj(s) || s.type !== "base64" || typeof s.data !== "string") return undefined;
    return { mediaType: String(s.media_type ?? "").toLowerCase(), data: s.data };
  }
  if (format === "openai-chat" && p.type === "image_url" && isObj(p.image_url)) {
    const d = parseDataUrl(p.image_url.url);
    const detail = p.image_url.detail;
    return d && (typeof detail === "string" ? { ...d, detail } : d);
  }
  if (format === "openai-responses" && p.type === "input_image") {
    const d = parseDataUrl(p.image_url);
    return d && (typeof p.detail === "string" ? { ...d, detail: p.detail } : d);
  }
  return undefined;
}

const roleOf = (v: unknown): Role => (v === "system" || v === "developer" || v === "assistant" || v === "tool" ? v : "user");
const textOf = (content: unknown): string | undefined => {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const t = content.filter((p): p is Obj => isObj(p) && /^(input_)?text$/.test(String(p.type)) && typeof p.text === "string");
  return t.length ? t.map((p) => p.text as string).join("\n") : undefined;
};

/** Finds every base64 image part of a request, in order, without changing it. */
export function scanImages(messages: readonly unknown[], format: MessageFormat): FoundImage[] {
  const found: FoundImage[] = [];
  const calls = new Map<string, string>();
  let query: string | undefined;
  const visit = (content: unknown, container: Path, base: { role: Role; messageIndex: number; toolName?: string }) => {
    if (!Array.isArray(content)) return;
    const own = base.role === "user" ? textOf(content) : undefined;
    content.forEach((p, j) => {
      const img = imageOf(p, format);
      if (!img) return;
      const unit: ImageUnit = { id: `${pathId(format, container)}[${j}]`, kind: "image", ...base, ordinal: found.length, ...img };
      const q = own ?? query;
      if (q !== undefined) unit.query = q;
      if (!unit.toolName) delete unit.toolName;
      found.push({ unit, container, index: j, part: p as Obj });
    });
  };
  messages.forEach((m, i) => {
    if (!isObj(m)) return;
    if (format === "openai-responses") {
      const type = m.type ?? (m.role !== undefined ? "message" : undefined);
      if (type === "function_call" && typeof m.call_id === "string") calls.set(m.call_id, String(m.name ?? ""));
      if (type === "message") visit(m.content, [i, "content"], { role: roleOf(m.role), messageIndex: i });
      if (type === "function_call_output")
        visit(m.output, [i, "output"], { role: "tool", messageIndex: i, toolName: calls.get(String(m.call_id)) ?? "" });
    } else {
      if (Array.isArray(m.tool_calls))
        for (const tc of m.tool_calls) if (isObj(tc) && typeof tc.id === "string" && isObj(tc.function)) calls.set(tc.id, String(tc.function.name ?? ""));
      const isTool = m.role === "tool";
      visit(m.content, [i, "content"], { role: isTool ? "tool" : roleOf(m.role), messageIndex: i, toolName: isTool ? calls.get(String(m.tool_call_id)) ?? "" : "" });
      if (format === "anthropic" && Array.isArray(m.content))
        m.content.forEach((b, j) => {
          if (isObj(b) && b.type === "tool_use" && typeof b.id === "string") calls.set(b.id, String(b.name ?? ""));
          if (isObj(b) && b.type === "tool_result")
            visit(b.content, [i, "content", j, "content"], { role: "tool", messageIndex: i, toolName: calls.get(String(b.tool_use_id)) ?? "" });
        });
    }
    if (m.role === "user") query = textOf(m.content) ?? query;
  });
  return found;
}

function pathId(format: MessageFormat, p: Path): string {
  const [head, ...rest] = p;
  return `${format === "openai-responses" ? "input" : "messages"}[${head}]` + rest.map((x) => (typeof x === "number" ? `[${x}]` : `.${x}`)).join("");
}
