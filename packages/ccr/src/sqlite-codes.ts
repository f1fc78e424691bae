/**
 * How the SQLite store reads SQLite's answers: which errors mean the file is unusable or our own store
 * damaged (the same on every driver), and how a stored value comes back as the exact string put.
 */

/** A row of `ccr_entries` as the store reads it. */
export interface Row {
  value: string | Uint8Array;
  encoding: string;
  expires_at: number | null;
  meta: string | null;
}

/** Primary result codes that mean the file is not (or no longer) a usable database. */
const BAD_FILE_CODES = new Map([
  [3, "SQLITE_PERM"],
  [8, "SQLITE_READONLY"],
  [11, "SQLITE_CORRUPT"],
  [14, "SQLITE_CANTOPEN"],
  [23, "SQLITE_AUTH"],
  [26, "SQLITE_NOTADB"],
]);

/**
 * better-sqlite3 and bun:sqlite name the code (`SQLITE_CORRUPT_VTAB`), node:sqlite gives the number
 * (`errcode`, extended codes carry the primary one in the low byte).
 */
export function isBadFile(e: unknown): boolean {
  const err = e as { code?: unknown; errcode?: unknown; errno?: unknown } | null;
  const num = typeof err?.errcode === "number" ? err.errcode : typeof err?.errno === "number" && err.errno > 0 ? err.errno : undefined;
  if (num !== undefined && BAD_FILE_CODES.has(num & 0xff)) return true;
  const code = err?.code;
  if (typeof code !== "string") return false;
  return [...BAD_FILE_CODES.values()].some((c) => code === c || code.startsWith(`${c}_`));
}

/** SQLITE_CORRUPT: our own store, damaged. The only case where the file is moved aside. */
export function isCorrupt(e: unknown): boolean {
  const err = e as { code?: unknown; errcode?: unknown; errno?: unknown } | null;
  const num = typeof err?.errcode === "number" ? err.errcode : typeof err?.errno === "number" && err.errno > 0 ? err.errno : undefined;
  if (num !== undefined) return (num & 0xff) === 11;
  return typeof err?.code === "string" && (err.code === "SQLITE_CORRUPT" || err.code.startsWith("SQLITE_CORRUPT_"));
}

/** An error as one line: its SQLite code, if any, and its message. */
export const errText = (e: unknown) => (e instanceof Error ? `${(e as { code?: string }).code ? `${(e as { code?: string }).code}: ` : ""}${e.message}` : String(e));

/** The value as it was put: TEXT as is, a UTF-16LE BLOB (a string that is not well-formed) decoded. */
export function decode(row: Row): string {
  if (typeof row.value === "string") return row.value;
  // BLOBs come back as Buffer (better-sqlite3) or Uint8Array (node:sqlite, bun:sqlite).
  const bytes = Buffer.from(row.value.buffer, row.value.byteOffset, row.value.byteLength);
  return bytes.toString(row.encoding === "utf16le" ? "utf16le" : "utf8");
}

/** `String.prototype.isWellFormed` (Node 20) with a fallback for older runtimes. */
export function isWellFormed(s: string): boolean {
  const f = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof f === "function") return f.call(s);
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
