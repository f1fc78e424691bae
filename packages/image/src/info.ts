/**
 * Pure, edge-safe helpers: read an image's type and size from its header bytes, decode base64 and data
 * URLs, and build what `headroom_retrieve` answers for a stored image in each dialect.
 */

/** Type and pixel size read from an image header. */
export interface ImageHeader {
  format: "png" | "jpeg" | "gif" | "webp";
  width: number;
  height: number;
}

/** Decodes base64 (standard or URL alphabet) without Buffer, so it runs on any runtime. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/[\r\n\s]/g, "").replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Bytes a base64 string decodes to, without decoding it. */
export function base64Size(b64: string): number {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;

/** Reads type and size from the first bytes of a PNG, JPEG, GIF or WebP; undefined for anything else. */
export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { format: "png", width: u32be(b, 16), height: u32be(b, 20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { format: "gif", width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 30 && String.fromCharCode(...b.subarray(0, 4)) === "RIFF" && String.fromCharCode(...b.subarray(8, 12)) === "WEBP") {
    const chunk = String.fromCharCode(...b.subarray(12, 16));
    if (chunk === "VP8X") return { format: "webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (chunk === "VP8L") {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === "VP8 ") return { format: "webp", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { format: "jpeg", width: u16be(b, i + 7), height: u16be(b, i + 5) };
      i += 2 + u16be(b, i + 2);
    }
  }
  return undefined;
}

/** Human size: `1.2 MB`, `340 KB`, `12 B`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** A stored image original: the data URL the image compressor put in the CCR store. */
export function parseImageDataUrl(value: string): { mediaType: string; data: string } | undefined {
  const m = /^data:(image\/[a-z0-9.+-]+);base64,/i.exec(value.slice(0, 100));
  return m ? { mediaType: m[1]!.toLowerCase(), data: value.slice(m[0].length) } : undefined;
}

/** One line that describes a stored image without its bytes. */
export function describeStoredImage(hash: string, value: string): string | undefined {
  const img = parseImageDataUrl(value);
  if (!img) return undefined;
  let head: ImageHeader | undefined;
  try {
    // The first ~64 KB hold the header even behind a large EXIF block; a whole number of base64 quads.
    const head64 = img.data.slice(0, 87_384);
    head = readImageHeader(base64ToBytes(head64.slice(0, head64.length - (head64.length % 4))));
  } catch {
    head = undefined;
  }
  const size = head ? `${head.width}×${head.height} ` : "";
  return `Original image ${hash}: ${size}${img.mediaType}, ${formatBytes(base64Size(img.data))}`;
}

/**
 * What `headroom_retrieve` sends back for a stored image: for Anthropic (whose tool results may hold
 * images) a text line and the original as an `image` block; for OpenAI Chat and Responses (whose tool
 * outputs are text) one sentence with its type, size and bytes — never the base64 itself.
 * Undefined when `value` is not a stored image (the caller answers with the text as usual).
 */
export function imageRetrieveContent(hash: string, value: string, dialect: "anthropic" | "openai-chat" | "openai-responses"): string | unknown[] | undefined {
  const img = parseImageDataUrl(value);
  const line = describeStoredImage(hash, value);
  if (!img || !line) return undefined;
  if (dialect === "anthropic") return [{ type: "text", text: `${line}.` }, { type: "image", source: { type: "base64", media_type: img.mediaType, data: img.data } }];
  return `${line}. This API cannot carry an image inside a tool result, so the original is not shown here; the copy in the conversation is its compressed version (ask the user to re-send the image at full size if its detail is needed).`;
}
