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

/**
 * A line of a listing that sets a key to a literal (`timeout: 1000, // default`, `port = 6379`,
 * `adapter: 'xhr'`): in a long example configuration these lines are its facts.
 */
const LITERAL_SETTING = /^\s*["']?[A-Za-z_$][\w.$-]*["']?\s*[:=]\s*(?:["'`\d[-]|true\b|false\b|null\b|undefined\b)/;

/** Code blocks and pipe tables longer than this many lines are selected line by line (fences, headers kept). */
export const CODE_LINES_WHOLE = 20;

/** A pipe table's header separator (`|---|:--:|`). */
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** True for a pipe table (rows start with `|`): its rows can be selected one by one. */
function pipeTable(lines: string[], b: Block): boolean {
  return b.kind === "table" && /^\s*\|/.test(lines[b.start] ?? "");
}

/**
 * The selectable lines `[from, to)` of a long block: a code block without its fence lines, a pipe
 * table without its header and separator rows (which are always kept with any kept row).
 */
export function codeInner(lines: readonly string[], b: Block): [number, number] {
  if (b.kind === "table") return [TABLE_RULE.test(lines[b.start + 1] ?? "") ? b.start + 2 : b.start, b.end];
  const from = FENCE.test(lines[b.start] ?? "") ? b.start + 1 : b.start;
  const to = b.end - 1 > from && FENCE.test(lines[b.end - 1] ?? "") ? b.end - 1 : b.end;
  return [from, to];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
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

const stripCr = (l: string) => (l.endsWith("\r") ? l.slice(0, -1) : l);
const BLANK = /^\s*$/;
const isBlank = (l: string) => BLANK.test(l);

/**
 * True when `#` starts comments rather than headings: config files and scripts, where most `#` lines
 * are `# word word` prose and there is no markdown around them. Markdown headings stand alone between
 * blank lines; comments come in runs, so a text whose `#` lines mostly stand alone is markdown however
 * dense its headings (a changelog, an appendix of short sections).
 */
function hashIsComment(lines: string[]): boolean {
  let hash = 0;
  let alone = 0;
  let nonBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (isBlank(l)) continue;
    nonBlank++;
    if (!/^#/.test(l)) continue;
    hash++;
    if ((i === 0 || isBlank(lines[i - 1]!)) && (i + 1 === lines.length || isBlank(lines[i + 1]!))) alone++;
  }
  return nonBlank > 0 && hash / nonBlank > 0.25 && alone < hash / 2;
}

/** Leading whitespace width of a line (a tab counts as four). */
const indentOf = (l: string) => {
  const m = /^[ \t]*/.exec(l)![0];
  return m.replace(/\t/g, "    ").length;
};

/** Directives whose body is code or data, not nested prose (reST `.. code-block::`, `.. math::`…). */
const LITERAL_DIRECTIVE = /^\.\.\s+(?:code|code-block|sourcecode|literalinclude|highlight|math|raw|parsed-literal|productionlist|doctest|testcode|testoutput|csv-table)::/;

/** Splits lines into blocks. Never throws. */
export function splitBlocks(lines: string[]): Block[] {
  return splitRange(lines, 0, lines.length, hashIsComment(lines), 0);
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
  const lines = all.slice(from, to);
  const blocks: Block[] = [];
  let i = 0;
  const push = (kind: BlockKind, start: number, end: number, level = 0) => blocks.push({ kind, start: start + from, end: end + from, level: depth ? 0 : level });
  // Nested content is never a heading: a title-like line inside a list or directive is text.
  const pushHead = (start: number, end: number, level: number) => push(depth ? "para" : "heading", start, end, level);
  const nested = (start: number, end: number) => {
    if (depth >= 6) return pushStanzas(lines, start, end, push);
    let cut = Infinity;
    for (let k = start; k < end; k++) if (!isBlank(lines[k]!)) cut = Math.min(cut, indentOf(lines[k]!));
    const sub = lines.slice(start, end).map((l) => l.replace(/^[ \t]*/, (ws) => " ".repeat(Math.max(0, ws.replace(/\t/g, "    ").length - cut))));
    for (const b of splitRange(sub, 0, sub.length, comments, depth + 1)) push(b.kind, b.start + start, b.end + start);
  };
  const quoted = (start: number, end: number) => {
    if (depth >= 6) return pushStanzas(lines, start, end, push);
    const sub = lines.slice(start, end).map((l) => l.replace(/^\s{0,3}>[ \t]?/, ""));
    for (const b of splitRange(sub, 0, sub.length, comments, depth + 1)) push(b.kind, b.start + start, b.end + start);
  };
  /** Previous non-blank line before `k`, and the kind of the block it belongs to. */
  const previous = (k: number): { line: string; kind: BlockKind | undefined } => {
    let b = blocks.length - 1;
    while (b >= 0 && blocks[b]!.kind === "blank") b--;
    let p = k - 1;
    while (p >= 0 && isBlank(lines[p]!)) p--;
    return { line: p >= 0 ? stripCr(lines[p]!) : "", kind: b >= 0 ? blocks[b]!.kind : undefined };
  };
  while (i < lines.length) {
    const l = stripCr(lines[i]!);
    const next = lines[i + 1] !== undefined ? stripCr(lines[i + 1]!) : undefined;
    if (l.trim() === "") {
      push("blank", i, i + 1);
      i++;
      continue;
    }
    const fence = FENCE.exec(l);
    if (fence) {
      const mark = fence[1]!;
      let j = i + 1;
      while (j < lines.length && !stripCr(lines[j]!).trimStart().startsWith(mark)) j++;
      push("code", i, Math.min(lines.length, j + 1));
      i = j + 1;
      continue;
    }
    const prev = previous(i);
    const indent = indentOf(l);
    if (indent > 0 && /::\s*$/.test(prev.line) && !DIRECTIVE.test(prev.line.trim()) && indent > indentOf(prev.line)) {
      // A reST literal block (after a paragraph ending in `::`): any deeper indentation, blank lines inside.
      const base = indentOf(prev.line);
      let j = i + 1;
      while (j < lines.length && (isBlank(lines[j]!) || indentOf(lines[j]!) > base)) j++;
      while (j > i + 1 && isBlank(lines[j - 1]!)) j--;
      pushStanzas(lines, i, j, push);
      i = j;
      continue;
    }
    if (comments && BANNER.test(l)) {
      // `#### SECTION NAME ####` in config files: the file's own heading skeleton.
      pushHead(i, i + 1, 1);
      i++;
      continue;
    }
    if (!comments && ATX.test(l)) {
      pushHead(i, i + 1, /#+/.exec(l)![0].length);
      i++;
      continue;
    }
    // RST over+underlined title, or a title underlined with punctuation / setext `===` `---`.
    if (RST_ADORN.test(l) && next && !isBlank(next) && lines[i + 2] !== undefined && RST_ADORN.test(stripCr(lines[i + 2]!))) {
      pushHead(i, i + 3, 1);
      i += 3;
      continue;
    }
    if (next !== undefined && (RST_ADORN.test(next) || SETEXT.test(next)) && next.trim().length >= Math.min(3, l.trim().length) && !ITEM.test(l)) {
      pushHead(i, i + 2, next.trim()[0] === "=" ? 1 : 2);
      i += 2;
      continue;
    }
    if (QUOTE.test(l)) {
      // A block quote holds paragraphs, lists and code of its own (a quoted API doc): parse its body
      // without the `>` markers so that its sentences are units, not one quote-long unit.
      let j = i + 1;
      while (j < lines.length && QUOTE.test(stripCr(lines[j]!))) j++;
      quoted(i, j);
      i = j;
      continue;
    }
    if (!comments && ROFF_HEAD.test(l)) {
      pushHead(i, i + 1, 1);
      i++;
      continue;
    }
    if (TABLE.test(l)) {
      let j = i + 1;
      while (j < lines.length && TABLE.test(stripCr(lines[j]!))) j++;
      push("table", i, j);
      i = j;
      continue;
    }
    const directive = DIRECTIVE.test(l);
    if (directive || INDENTED.test(l)) {
      // A directive (`.. code-block::`, `.. list-table::`) or indented block runs until the indentation ends.
      let j = i + 1;
      while (j < lines.length && (isBlank(lines[j]!) || INDENTED.test(lines[j]!) || /^\s{2,}\S/.test(lines[j]!))) j++;
      while (j > i + 1 && isBlank(lines[j - 1]!)) j--;
      if (directive) {
        // Its head (the directive line, a title, `:option:` lines) is a unit; the body is code for
        // literal directives and nested text otherwise.
        let h = i + 1;
        while (h < j && !isBlank(lines[h]!) && /^\s+:[\w-]+:/.test(lines[h]!)) h++;
        push("code", i, h);
        let b = h;
        while (b < j && isBlank(lines[b]!)) push("blank", b, ++b);
        if (b < j) (LITERAL_DIRECTIVE.test(l) ? pushStanzas(lines, b, j, push) : nested(b, j));
      } else if (prev.kind === "item" || ITEM.test(l)) nested(i, j); // a nested list or an item's continuation
      else pushStanzas(lines, i, j, push); // markdown indented code
      i = j;
      continue;
    }
    if (ITEM.test(l)) {
      let j = i + 1;
      while (j < lines.length) {
        const m = stripCr(lines[j]!);
        if (m.trim() === "" || ITEM.test(m) || FENCE.test(m) || indentOf(m) <= indent) break;
        j++;
      }
      push("item", i, j);
      i = j;
      continue;
    }
    let j = i + 1;
    // A man page has no blank lines between entries: a roff request line after text starts a new one
    // (`.TP` / `.BI "--tabstop=" N` / its description), so every option is a unit of its own.
    let text = !ROFF.test(l);
    while (j < lines.length) {
      const m = stripCr(lines[j]!);
      if (ROFF.test(m)) {
        if (text) break;
      } else text = true;
      if (m.trim() === "" || QUOTE.test(m) || FENCE.test(m) || (!comments && ATX.test(m)) || (comments && BANNER.test(m)) || ITEM.test(m) || TABLE.test(m)) break;
      const after = lines[j + 1] !== undefined ? stripCr(lines[j + 1]!) : undefined;
      if (after !== undefined && (RST_ADORN.test(after) || SETEXT.test(after)) && j + 1 > i) break; // next line starts a heading
      // In commented config files a directive line after a comment starts a new unit.
      if (comments && /^#/.test(stripCr(lines[j - 1]!)) !== /^#/.test(m)) break;
      j++;
    }
    push("para", i, j);
    i = j;
  }
  return blocks;
}

// The whitespace after a sentence may run into the next line of a block quote (`.\n> The`).
const SENTENCE_END = /([.!?])(["')\]]*)([ \t]*\r?\n[ \t]*>+[ \t]*|\s+)(?=[A-Z0-9"'`([*_])/g;

/** True when a span leaves a straight or curly double quote, or a parenthesis, open. */
function unclosed(span: string): boolean {
  let quotes = 0;
  let parens = 0;
  let curly = 0;
  for (const ch of span) {
    if (ch === '"') quotes++;
    else if (ch === "(") parens++;
    else if (ch === ")") parens = Math.max(0, parens - 1);
    else if (ch === "\u201c") curly++;
    else if (ch === "\u201d") curly = Math.max(0, curly - 1);
  }
  return quotes % 2 === 1 || parens > 0 || curly > 0;
}

/** Splits a paragraph's text into sentence spans (verbatim; whitespace between stays with the left one). */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index! + m[1]!.length + m[2]!.length;
    // `e.g.`, `i.e.`, `Mr.`, `v1.` and single initials are not sentence ends.
    const before = text.slice(Math.max(start, end - 6), end);
    if (/(?:\b(?:e\.g|i\.e|etc|vs|cf|Mr|Ms|Dr|No|Fig|Eq|approx)\.|\b[A-Za-z]\.)$/.test(before)) continue;
    // Nor is a period inside a quotation or parentheses: `Revert "fix x. Closes #1"`, `(see a. b)`.
    if (unclosed(text.slice(start, end))) continue;
    // A span without a word is an enumerator or a number (`3.`, `1.2.`), not a sentence.
    if (!/[A-Za-z]{2}/.test(text.slice(start, end))) continue;
    out.push(text.slice(start, end));
    start = end + m[3]!.length;
    // Keep the separating whitespace attached so that joining spans with it restores the text.
    out[out.length - 1] += text.slice(end, start);
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Units of a document: headings are not units (always kept); blanks neither. */
export function toUnits(lines: string[], blocks: Block[]): Unit[] {
  const units: Unit[] = [];
  const comments = hashIsComment(lines);
  let section = 0;
  const path: { level: number; title: string }[] = [];
  let headings = "";
  blocks.forEach((b, bi) => {
    if (b.kind === "heading") {
      section++;
      const title =
        lines
          .slice(b.start, b.end)
          .map(stripCr)
          .find((l) => /[A-Za-z0-9]/.test(l))
          ?.replace(/^\s*(?:#+|\.S[HS])\s*/, "")
          .replace(/\s*#+\s*$/, "")
          .trim() ?? "";
      while (path.length && path[path.length - 1]!.level >= b.level) path.pop();
      path.push({ level: b.level, title });
      headings = path.map((p) => p.title).join(" / ");
      return;
    }
    if (b.kind === "blank") return;
    const text = lines.slice(b.start, b.end).join("\n");
    // Paragraphs and list items are split into sentences: an item's first sentence usually states it.
    if (b.kind === "para" || b.kind === "item") {
      // A fragment of fewer than three words ("For example::", "See below.") is no sentence of its own:
      // it belongs to the sentence before it, which it often ends by announcing the next block.
      const parts: string[] = [];
      for (const p of splitSentences(text)) {
        if (parts.length && (p.match(/[A-Za-z]{2,}/g)?.length ?? 0) < 3) parts[parts.length - 1] += p;
        else parts.push(p);
      }
      const setting = comments && !text.startsWith("#");
      parts.forEach((p, idx) => {
        units.push({ block: bi, text: p, kind: b.kind, index: idx, section, headings, ...(setting ? { setting } : {}) });
      });
    } else if ((b.kind === "code" || pipeTable(lines, b)) && b.end - b.start > CODE_LINES_WHOLE) {
      // A long example or config listing holds many facts (`timeout: 1000, // default`), a long table
      // one per row (a compiler matrix): one unit per non-blank line, so that the lines a question is
      // about can be kept without the whole block.
      const [from, to] = codeInner(lines, b);
      let k = 0;
      for (let l = from; l < to; l++) {
        const t = lines[l]!;
        if (t.trim()) units.push({ block: bi, text: t, kind: b.kind, index: k++, section, headings, line: l, ...(LITERAL_SETTING.test(t) ? { setting: true } : {}) });
      }
    } else units.push({ block: bi, text, kind: b.kind, index: 0, section, headings });
  });
  return units;
}
