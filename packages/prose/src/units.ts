/**
 * Units of a prose document: what the selection keeps or drops. Paragraphs and list items are split into
 * sentences, long code blocks and pipe tables into lines; headings and blanks are no units.
 */
import { FENCE, hashIsComment, type Block, type BlockKind, type Unit } from "./blocks.js";
import { hasWords, sentenceEnds } from "./sentences.js";

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

/** Title of a heading block: its first line with letters, without `#` or `.SH` marks. */
export function headingTitle(lines: readonly string[], b: Block): string {
  for (let l = b.start; l < b.end; l++) {
    const line = lines[l]!.replace(/\r$/, "");
    if (/[A-Za-z0-9]/.test(line))
      return line
        .replace(/^\s*(?:#+|\.S[HS])\s*/, "")
        .replace(/\s*#+\s*$/, "")
        .trim();
  }
  return "";
}

/** A unit with every field set, so that all units share one shape (and property reads stay monomorphic). */
function unit(block: number, text: string, kind: BlockKind, index: number, section: number, headings: string, setting: boolean, line: number | undefined): Unit {
  return { block, text, kind, index, section, headings, setting, line };
}

/**
 * Units of a document: headings are not units (always kept); blanks neither. `comments`: as for
 * `splitBlocks` (pass the same value when computed once for both); `source`: the lines joined by `\n`,
 * when the caller has that text.
 */
export function toUnits(lines: string[], blocks: Block[], comments = hashIsComment(lines), source = lines.join("\n")): Unit[] {
  const units: Unit[] = [];
  // A block's text is one slice of the joined lines (`source`), not a join of its own lines.
  const starts = new Array<number>(lines.length + 1);
  starts[0] = 0;
  for (let i = 0; i < lines.length; i++) starts[i + 1] = starts[i]! + lines[i]!.length + 1;
  let section = 0;
  const path: { level: number; title: string }[] = [];
  let headings = "";
  blocks.forEach((b, bi) => {
    if (b.kind === "heading") {
      section++;
      const title = headingTitle(lines, b);
      while (path.length && path[path.length - 1]!.level >= b.level) path.pop();
      path.push({ level: b.level, title });
      headings = path.map((p) => p.title).join(" / ");
      return;
    }
    if (b.kind === "blank") return;
    const text = source.slice(starts[b.start], starts[b.end]! - 1);
    // Paragraphs and list items are split into sentences: an item's first sentence usually states it.
    if (b.kind === "para" || b.kind === "item") {
      // A fragment of fewer than three words ("For example::", "See below.") is no sentence of its own:
      // it belongs to the sentence before it, which it often ends by announcing the next block.
      // Spans are merged by their offsets and sliced once (a flat string, not a concatenation).
      const ends: number[] = [];
      let from = 0;
      for (const end of sentenceEnds(text)) {
        if (ends.length && !hasWords(text, 3, from, end)) ends[ends.length - 1] = end;
        else ends.push(end);
        from = end;
      }
      const setting = comments && !text.startsWith("#");
      for (let idx = 0; idx < ends.length; idx++)
        units.push(unit(bi, text.slice(idx ? ends[idx - 1] : 0, ends[idx]), b.kind, idx, section, headings, setting, undefined));
    } else if ((b.kind === "code" || pipeTable(lines, b)) && b.end - b.start > CODE_LINES_WHOLE) {
      // A long example or config listing holds many facts (`timeout: 1000, // default`), a long table
      // one per row (a compiler matrix): one unit per non-blank line, so that the lines a question is
      // about can be kept without the whole block.
      const [from, to] = codeInner(lines, b);
      let k = 0;
      for (let l = from; l < to; l++) {
        const t = lines[l]!;
        if (!t.trim()) continue;
        units.push(unit(bi, t, b.kind, k++, section, headings, LITERAL_SETTING.test(t), l));
      }
    } else units.push(unit(bi, text, b.kind, 0, section, headings, false, undefined));
  });
  return units;
}
