import { createOriginals, marker, type CompressorV2, type Detection, type UnitHints } from "@headroom/core";

/**
 * ECMA-48 escape sequences a terminal interprets and never shows: CSI (`ESC [ … final`, colours, cursor
 * moves, erase-line), OSC (`ESC ] … BEL` or `ESC ] … ESC \`, titles and hyperlinks) and the two-byte
 * escapes (`ESC (B`, `ESC =`, `ESC 7`). Colours alone can triple a test run's tokens.
 */
const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);
const ESCAPES = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|${ESC}[ -/]*[0-~]`, "g");

/** The kind the router gives text holding terminal escape sequences (see `createTerminalCompressor`). */
export const TERMINAL_KIND = "terminal";

/** True when `text` holds at least one terminal escape sequence. */
export function hasEscapes(text: string): boolean {
  if (text.indexOf(ESC) === -1) return false;
  ESCAPES.lastIndex = 0;
  return ESCAPES.test(text);
}

/** `text` without its terminal escape sequences: what the terminal showed, minus colour and cursor moves. */
export function stripEscapes(text: string): string {
  return text.indexOf(ESC) === -1 ? text : text.replace(ESCAPES, "");
}

/**
 * Output captured from a terminal (test runners, build tools, `git` with colour on): the escape sequences
 * go, the whole raw output is stored behind one marker, and the plain text is detected again and handed
 * to the compressor of its own kind (through the pipeline's delegate) — a coloured test log is compressed
 * as a log. The escape bytes are content: in lossless mode (no store) they stay, and the text goes to
 * the compressor of the kind its plain form is (`detect`, the router's detection).
 */
export function createTerminalCompressor(detect: (text: string, hints?: UnitHints) => Detection): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "terminal",
    kinds: [TERMINAL_KIND],
    async compress(unit, ctx) {
      const plain = stripEscapes(unit.text);
      if (plain === unit.text) return { decline: "no escape sequences" };
      // Lossless: the escapes stay; the text goes, as it is, to the compressor of what it shows.
      if (!ctx.allowLossy) {
        const r = ctx.delegate ? await ctx.delegate(unit.text, detect(plain, unit.source)) : null;
        return r ?? { decline: "lossless mode: escape sequences are content, and no compressor took the text with them" };
      }
      const inner = ctx.delegate ? await ctx.delegate(plain) : null;
      const originals = createOriginals();
      const head = marker("terminal escape sequences (colours) removed; the raw output", originals.stash(unit.text, { kind: TERMINAL_KIND, whole: true }));
      const text = `${head}\n${inner ? inner.text : plain}`;
      if (text.length >= unit.text.length) return { decline: "no gain" };
      return {
        text,
        lossless: false,
        originals: [...originals.list(), ...(inner?.originals ?? [])],
        transforms: ["terminal:escapes", ...(inner?.transforms ?? [])],
      };
    },
  };
}
