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

/** A carriage return that is not part of a line break: the terminal went back to column 0 and wrote over. */
const OVERWRITE = /\r(?!\r*\n|\r*$)/;

/**
 * Overwritten lines: carriage returns inside lines, in a text that breaks its lines with `\n` (in one
 * without any, lone `\r` are the line breaks: classic Mac text).
 */
function overwrites(text: string): boolean {
  return text.indexOf("\r") !== -1 && text.indexOf("\n") !== -1 && OVERWRITE.test(text);
}

/**
 * True when `text` holds a terminal escape sequence, or a carriage return inside a line (a progress bar
 * redrawn in place: `npm`, `pip`, `curl`, `docker pull`).
 */
export function isTerminalOutput(text: string): boolean {
  if (overwrites(text)) return true;
  if (text.indexOf(ESC) === -1) return false;
  ESCAPES.lastIndex = 0;
  return ESCAPES.test(text);
}

/**
 * What a terminal shows for `text`: escape sequences removed, and each line as it stands after its
 * carriage returns (the cursor back to column 0, later characters written over earlier ones, longer
 * earlier text left showing past them). A line break's own `\r` (CRLF) stays.
 */
export function terminalText(text: string): string {
  const plain = stripEscapes(text);
  if (!overwrites(plain)) return plain;
  return plain.split("\n").map(overwrite).join("\n");
}

function overwrite(line: string): string {
  const cr = line.endsWith("\r") ? "\r" : "";
  const body = cr ? line.slice(0, -1) : line;
  if (body.indexOf("\r") === -1) return line;
  let shown = "";
  for (const pass of body.split("\r")) shown = pass.length >= shown.length ? pass : pass + shown.slice(pass.length);
  return shown + cr;
}

/** `text` without its terminal escape sequences: what the terminal showed, minus colour and cursor moves. */
export function stripEscapes(text: string): string {
  return text.indexOf(ESC) === -1 ? text : text.replace(ESCAPES, "");
}

/**
 * Output captured from a terminal (test runners, build tools, `git` with colour on, progress bars): what
 * the terminal showed is kept (`terminalText`), the whole raw output is stored behind one marker, and
 * that plain text is detected again and handed to the compressor of its own kind (through the pipeline's
 * delegate): a coloured test log is compressed as a log. The escape bytes are content: in lossless mode
 * (no store) they stay, and the text goes to the compressor of the kind its plain form is (`detect`, the
 * router's detection).
 */
export function createTerminalCompressor(detect: (text: string, hints?: UnitHints) => Detection): CompressorV2 {
  return {
    specificationVersion: "v2",
    name: "terminal",
    kinds: [TERMINAL_KIND],
    async compress(unit, ctx) {
      const plain = terminalText(unit.text);
      if (plain === unit.text) return { decline: "no escape sequences or overwritten lines" };
      // Lossless: the escapes stay; the text goes, as it is, to the compressor of what it shows.
      if (!ctx.allowLossy) {
        const r = ctx.delegate ? await ctx.delegate(unit.text, detect(plain, unit.source)) : null;
        return r ?? { decline: "lossless mode: escape sequences are content, and no compressor took the text with them" };
      }
      const inner = ctx.delegate ? await ctx.delegate(plain) : null;
      const originals = createOriginals();
      const head = marker("terminal escape sequences and overwritten progress removed; the raw output", originals.stash(unit.text, { kind: TERMINAL_KIND, whole: true }));
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
