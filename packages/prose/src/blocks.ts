/**
 * Splits prose (markdown, reStructuredText, plain text, commented config files) into blocks that are
 * never cut inside: headings, code fences and indented literal blocks, directives, tables, list items,
 * and paragraphs, which are split further into sentences. Every unit is a span of the original text, so
 * whatever is kept is verbatim.
 */

/** Kinds of block. */
export type BlockKind = "heading" | "code" | "table" | "item" | "para" | "blank";

/** A block: a run of whole lines `[start, end)` of the input. */
export interface Block {
  kind: BlockKind;
  start: number;
  end: number;
  /** Heading level (1 = top); 0 for other blocks. */
  level: number;
}

/** A selectable unit: a sentence of a paragraph, or a whole block of another kind. */
export interface Unit {
  block: number;
  /** The unit's text, verbatim (may span lines). */
  text: string;
  kind: BlockKind;
  /** Index of the unit inside its block (sentences), 0 for whole blocks. */
  index: number;
  /** Index of the enclosing section (0 before the first heading). */
  section: number;
  /** Titles of the enclosing headings, outermost first, joined by ` / `. */
  headings: string;
  /** A live setting of a commented config file (`port 6379`): the facts such files exist for. */
  setting?: boolean;
  /** For a line of a long code block (selected line by line): its line index in the input. */
  line?: number;
}

export const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const ATX = /^\s{0,3}#{1,6}(?:\s|$)/;
const SETEXT = /^\s{0,3}(?:=+|-+)\s*$/;
const RST_ADORN = /^([=\-~^"'`#*+:.])\1{2,}\s*$/;
const ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)]|[a-z][.)]|#\.)\s+\S/;
const TABLE = /^\s*(?:\|.*\||\+[-=+]{3,}\+?)\s*$/;
const DIRECTIVE = /^\.\.\s+[\w:-]+::/;
const INDENTED = /^(?: {4}|\t)/;
/** A block-quote line (`> text`, `>` alone): the quote's body is parsed again without the markers. */
const QUOTE = /^\s{0,3}>/;
/** A roff request line of a man page (`.TP`, `.BI "--tabstop=" N`): each entry starts with one. */
const ROFF = /^\.[A-Za-z][A-Za-z0-9]?(?:\s|$)/;
/** A roff section heading (`.SH OPTIONS`, `.SS "Search mode"`). */
const ROFF_HEAD = /^\.S[HS](?:\s+\S|$)/;
/** A banner comment naming a section of a config file: `##### NETWORK #####`. */
const BANNER = /^#{3,}\s+[A-Za-z][\w ./&-]*?\s+#{3,}\s*$/;

const stripCr = (l: string) => (l.length && l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l);
const BLANK = /^\s*$/;
/** `/^\s*$/`, with a look at the first character first: most lines start with a printable one. */
const isBlank = (l: string) => {
  if (!l.length) return true;
  const c = l.charCodeAt(0);
  return (c < 33 || c > 126) && BLANK.test(l);
};

/**
 * True when `#` starts comments rather than headings: config files and scripts, where most `#` lines
 * are `# word word` prose and there is no markdown around them. Markdown headings stand alone between
 * blank lines; comments come in runs, so a text whose `#` lines mostly stand alone is markdown however
 * dense its headings (a changelog, an appendix of short sections).
 */
export function hashIsComment(lines: string[]): boolean {
  let hash = 0;
  let alone = 0;
  let nonBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (isBlank(l)) continue;
    nonBlank++;
    if (l.charCodeAt(0) !== 35) continue; // `#`
    hash++;
    if ((i === 0 || isBlank(lines[i - 1]!)) && (i + 1 === lines.length || isBlank(lines[i + 1]!))) alone++;
  }
  return nonBlank > 0 && hash / nonBlank > 0.25 && alone < hash / 2;
}

/** Leading whitespace width of a line (a tab counts as four). */
const indentOf = (l: string) => {
  let n = 0;
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c === 32) n++;
    else if (c === 9) n += 4;
    else break;
  }
  return n;
};

/** Directives whose body is code or data, not nested prose (reST `.. code-block::`, `.. math::`…). */
const LITERAL_DIRECTIVE = /^\.\.\s+(?:code|code-block|sourcecode|literalinclude|highlight|math|raw|parsed-literal|productionlist|doctest|testcode|testoutput|csv-table)::/;

/** Splits lines into blocks (`comments`: whether `#` starts comments, see `hashIsComment`). Never throws. */
export function splitBlocks(lines: string[], comments = hashIsComment(lines)): Block[] {
  return splitRange(lines, 0, lines.length, comments, 0);
}

/**
 * Splits a literal block `[start, end)` (code, a reST `::` block) into stanzas separated by blank
 * lines: a long example keeps its most telling stanza instead of being kept or dropped whole.
 */
function pushStanzas(lines: string[], start: number, end: number, push: (kind: BlockKind, s: number, e: number) => void): void {
  let s = start;
  for (let k = start; k <= end; k++) {
    if (k === end || isBlank(lines[k]!)) {
      if (k > s) push("code", s, k);
      if (k < end) push("blank", k, k + 1);
      s = k + 1;
    }
  }
}

/**
 * Splits `lines[from, to)` into blocks. Indented content that is not literal (a nested list, the body
 * of a `.. note::` or `.. list-table::`) is split again, dedented, so that its items and sentences are
 * units of their own; block offsets always refer to the original lines.
 */
function splitRange(all: string[], from: number, to: number, comments: boolean, depth: number): Block[] {
  return new Splitter(all.slice(from, to), from, comments, depth).run();
}

/** A block reader at line `i`: the end of the block it recognises there, or undefined when it does not. */
type Reader = (s: Splitter, i: number, l: string) => number | undefined;

/** One level of block splitting (the document, or the dedented body of a list, quote or directive). */
class Splitter {
  readonly blocks: Block[] = [];

  constructor(
    readonly lines: string[],
    private readonly from: number,
    readonly comments: boolean,
    private readonly depth: number,
  ) {}

  run(): Block[] {
    let i = 0;
    while (i < this.lines.length) {
      const l = stripCr(this.lines[i]!);
      let end: number | undefined;
      for (const read of READERS) {
        end = read(this, i, l);
        if (end !== undefined) break;
      }
      i = end!;
    }
    return this.blocks;
  }

  push(kind: BlockKind, start: number, end: number, level = 0): void {
    this.blocks.push({ kind, start: start + this.from, end: end + this.from, level: this.depth ? 0 : level });
  }

  /** A heading; nested content is never one: a title-like line inside a list or directive is text. */
  head(start: number, end: number, level: number): number {
    this.push(this.depth ? "para" : "heading", start, end, level);
    return end;
  }

  /** Literal lines `[start, end)` as stanzas separated by blank lines. */
  stanzas(start: number, end: number): number {
    pushStanzas(this.lines, start, end, (kind, s, e) => this.push(kind, s, e));
    return end;
  }

  /** Lines `[start, end)` split again after `strip` (dedent, unquote); literal stanzas past depth 6. */
  nested(start: number, end: number, strip: (l: string) => string): number {
    if (this.depth >= 6) return this.stanzas(start, end);
    const sub = this.lines.slice(start, end).map(strip);
    for (const b of splitRange(sub, 0, sub.length, this.comments, this.depth + 1)) this.push(b.kind, b.start + start, b.end + start);
    return end;
  }

  /** Lines `[start, end)` split again without their common indentation. */
  dedented(start: number, end: number): number {
    let cut = Infinity;
    for (let k = start; k < end; k++) if (!isBlank(this.lines[k]!)) cut = Math.min(cut, indentOf(this.lines[k]!));
    return this.nested(start, end, (l) => l.replace(/^[ \t]*/, (ws) => " ".repeat(Math.max(0, ws.replace(/\t/g, "    ").length - cut))));
  }

  /** Previous non-blank line before `k`, and the kind of the block it belongs to. */
  previous(k: number): { line: string; kind: BlockKind | undefined } {
    let b = this.blocks.length - 1;
    while (b >= 0 && this.blocks[b]!.kind === "blank") b--;
    let p = k - 1;
    while (p >= 0 && isBlank(this.lines[p]!)) p--;
    return { line: p >= 0 ? stripCr(this.lines[p]!) : "", kind: b >= 0 ? this.blocks[b]!.kind : undefined };
  }

  /** Line `k` without its carriage return, or undefined past the end. */
  at(k: number): string | undefined {
    const l = this.lines[k];
    return l === undefined ? undefined : stripCr(l);
  }
}

const blankLine: Reader = (s, i, l) => {
  if (l.trim() !== "") return undefined;
  s.push("blank", i, i + 1);
  return i + 1;
};

const fenced: Reader = (s, i, l) => {
  const fence = FENCE.exec(l);
  if (!fence) return undefined;
  const mark = fence[1]!;
  let j = i + 1;
  while (j < s.lines.length && !stripCr(s.lines[j]!).trimStart().startsWith(mark)) j++;
  s.push("code", i, Math.min(s.lines.length, j + 1));
  return j + 1;
};

/** A reST literal block (after a paragraph ending in `::`): any deeper indentation, blank lines inside. */
const literal: Reader = (s, i, l) => {
  const indent = indentOf(l);
  if (indent === 0) return undefined;
  const prev = s.previous(i);
  if (!/::\s*$/.test(prev.line) || DIRECTIVE.test(prev.line.trim()) || indent <= indentOf(prev.line)) return undefined;
  const base = indentOf(prev.line);
  let j = i + 1;
  while (j < s.lines.length && (isBlank(s.lines[j]!) || indentOf(s.lines[j]!) > base)) j++;
  while (j > i + 1 && isBlank(s.lines[j - 1]!)) j--;
  return s.stanzas(i, j);
};

/** Headings: config banners, ATX `#`, reST over+underlined and underlined titles, setext, roff `.SH`. */
const heading: Reader = (s, i, l) => {
  // `#### SECTION NAME ####` in config files: the file's own heading skeleton.
  if (s.comments && BANNER.test(l)) return s.head(i, i + 1, 1);
  if (!s.comments && ATX.test(l)) return s.head(i, i + 1, /#+/.exec(l)![0].length);
  const next = s.at(i + 1);
  const third = s.at(i + 2);
  if (RST_ADORN.test(l) && next && !isBlank(next) && third !== undefined && RST_ADORN.test(third)) return s.head(i, i + 3, 1);
  if (next !== undefined && (RST_ADORN.test(next) || SETEXT.test(next)) && next.trim().length >= Math.min(3, l.trim().length) && !ITEM.test(l))
    return s.head(i, i + 2, next.trim()[0] === "=" ? 1 : 2);
  return undefined;
};

/**
 * A block quote holds paragraphs, lists and code of its own (a quoted API doc): its body is parsed
 * without the `>` markers so that its sentences are units, not one quote-long unit.
 */
const quote: Reader = (s, i, l) => {
  if (!QUOTE.test(l)) return undefined;
  let j = i + 1;
  while (j < s.lines.length && QUOTE.test(stripCr(s.lines[j]!))) j++;
  return s.nested(i, j, (x) => x.replace(/^\s{0,3}>[ \t]?/, ""));
};

const roffHeading: Reader = (s, i, l) => (!s.comments && ROFF_HEAD.test(l) ? s.head(i, i + 1, 1) : undefined);

const table: Reader = (s, i, l) => {
  if (!TABLE.test(l)) return undefined;
  let j = i + 1;
  while (j < s.lines.length && TABLE.test(stripCr(s.lines[j]!))) j++;
  s.push("table", i, j);
  return j;
};

/** A directive (`.. code-block::`, `.. list-table::`) or indented block runs until the indentation ends. */
const indented: Reader = (s, i, l) => {
  const directive = DIRECTIVE.test(l);
  if (!directive && !INDENTED.test(l)) return undefined;
  const lines = s.lines;
  let j = i + 1;
  while (j < lines.length && (isBlank(lines[j]!) || INDENTED.test(lines[j]!) || /^\s{2,}\S/.test(lines[j]!))) j++;
  while (j > i + 1 && isBlank(lines[j - 1]!)) j--;
  if (!directive) {
    // A nested list or an item's continuation is text again; otherwise markdown indented code.
    return s.previous(i).kind === "item" || ITEM.test(l) ? s.dedented(i, j) : s.stanzas(i, j);
  }
  // Its head (the directive line, a title, `:option:` lines) is a unit; the body is code for literal
  // directives and nested text otherwise.
  let h = i + 1;
  while (h < j && !isBlank(lines[h]!) && /^\s+:[\w-]+:/.test(lines[h]!)) h++;
  s.push("code", i, h);
  let b = h;
  while (b < j && isBlank(lines[b]!)) s.push("blank", b, ++b);
  if (b < j) (LITERAL_DIRECTIVE.test(l) ? s.stanzas(b, j) : s.dedented(b, j));
  return j;
};

const item: Reader = (s, i, l) => {
  if (!ITEM.test(l)) return undefined;
  const indent = indentOf(l);
  let j = i + 1;
  for (; j < s.lines.length; j++) {
    const m = stripCr(s.lines[j]!);
    if (m.trim() === "" || ITEM.test(m) || FENCE.test(m) || indentOf(m) <= indent) break;
  }
  s.push("item", i, j);
  return j;
};

/** True when line `j` (not the paragraph's first) cannot continue the paragraph. */
function endsParagraph(s: Splitter, j: number, m: string): boolean {
  if (m.trim() === "" || QUOTE.test(m) || FENCE.test(m) || ITEM.test(m) || TABLE.test(m)) return true;
  if (s.comments ? BANNER.test(m) : ATX.test(m)) return true;
  const after = s.at(j + 1);
  if (after !== undefined && (RST_ADORN.test(after) || SETEXT.test(after))) return true; // next line starts a heading
  // In commented config files a directive line after a comment starts a new unit.
  return s.comments && (s.lines[j - 1]!.charCodeAt(0) === 35) !== (m.charCodeAt(0) === 35);
}

/** Anything else: a paragraph, up to a blank line or the start of another block. */
const paragraph: Reader = (s, i, l) => {
  // A man page has no blank lines between entries: a roff request line after text starts a new one
  // (`.TP` / `.BI "--tabstop=" N` / its description), so every option is a unit of its own.
  let text = !ROFF.test(l);
  let j = i + 1;
  for (; j < s.lines.length; j++) {
    const m = stripCr(s.lines[j]!);
    if (ROFF.test(m)) {
      if (text) break;
    } else text = true;
    if (endsParagraph(s, j, m)) break;
  }
  s.push("para", i, j);
  return j;
};

/** Block readers in order of precedence; `paragraph` accepts any line. */
const READERS: readonly Reader[] = [blankLine, fenced, literal, heading, quote, roffHeading, table, indented, item, paragraph];
