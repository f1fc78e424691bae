/**
 * Rendering of a selection: kept units in original order, `[…]` where sentences or blocks were
 * omitted, a marker for each section whose omissions are large (storing that section), and a closing
 * marker storing the whole input.
 */
import { marker } from "@headroom/core";
import type { Block, Unit } from "./blocks.js";
import { codeInner, headingTitle } from "./units.js";

/** Elision mark for omitted sentences or blocks. */
export const GAP = "[…]";

/** What rendering needs besides the selection; built once per input (the budget loop renders up to twice). */
export interface RenderInput {
  lines: readonly string[];
  blocks: readonly Block[];
  units: readonly Unit[];
  costs: readonly number[];
  /** Unit indices of each block, in order (empty for headings and blanks). */
  byBlock: readonly (readonly number[])[];
  sectionMarkerTokens: number;
  trailingNewline: boolean;
}

/** CCR keys for what a render's markers point at. */
export interface RenderStash {
  /** Key of the section `lines[start, end)` titled `title` (the caller stores it). */
  section(start: number, end: number, title: string): string;
  /** Key of the whole input. */
  whole: string;
}

/** A rendered selection. */
export interface Rendered {
  text: string;
  /** Start lines of the sections that got a marker of their own, in order. */
  sections: number[];
  keptUnits: number;
  totalUnits: number;
}

/** Unit indices per block, for `RenderInput.byBlock`. */
export function unitsByBlock(blocks: readonly Block[], units: readonly Unit[]): number[][] {
  const by: number[][] = blocks.map(() => []);
  for (const [i, u] of units.entries()) by[u.block]!.push(i);
  return by;
}

/** Output lines with pending blank lines and elision marks, so that neither doubles up. */
class Writer {
  readonly out: string[] = [];
  blank = false;
  gap = false;

  emit(s: string): void {
    if (this.blank && this.out.length && this.out[this.out.length - 1] !== "") this.out.push("");
    this.blank = false;
    this.out.push(s);
  }

  /** Writes a pending `[…]`. */
  flushGap(): void {
    if (this.gap) this.emit(GAP);
    this.gap = false;
  }

  /** A marker on a paragraph of its own. */
  markerLine(s: string): void {
    this.blank = true;
    this.emit(s);
    this.blank = true;
  }
}

/** Omissions of the current section, for its marker. */
interface Section {
  start: number;
  title: string;
  omitted: number;
  units: number;
  dropped: number;
}

/** Renders the kept units (`kept[i]` for unit i) with their gaps and markers. */
export function render(r: RenderInput, kept: readonly boolean[], stash: RenderStash): Rendered {
  const w = new Writer();
  const sections: number[] = [];
  let sec: Section = { start: 0, title: "", omitted: 0, units: 0, dropped: 0 };
  const closeSection = (end: number) => {
    w.flushGap();
    if (sec.omitted >= r.sectionMarkerTokens) {
      sections.push(sec.start);
      const where = sec.title ? ` of "${sec.title.slice(0, 60)}"` : "";
      w.markerLine(marker(`${sec.dropped} of ${sec.units} sentences/blocks${where} omitted`, stash.section(sec.start, end, sec.title)));
    }
  };
  r.blocks.forEach((b, bi) => {
    if (b.kind === "blank") w.blank = true;
    else if (b.kind === "heading") {
      closeSection(b.start);
      sec = { start: b.start, title: headingTitle(r.lines, b), omitted: 0, units: 0, dropped: 0 };
      for (let l = b.start; l < b.end; l++) w.emit(r.lines[l]!);
    } else renderBlock(r, b, r.byBlock[bi]!, kept, w, sec);
  });
  closeSection(r.lines.length);
  let keptUnits = 0;
  for (const k of kept) if (k) keptUnits++;
  w.markerLine(marker(`prose: ${keptUnits} of ${r.units.length} sentences/blocks kept, ${GAP} marks omissions`, stash.whole));
  return { text: w.out.join("\n") + (r.trailingNewline ? "\n" : ""), sections, keptUnits, totalUnits: r.units.length };
}

/** One block that is not a heading: its kept units, or a pending gap when none is kept. */
function renderBlock(r: RenderInput, b: Block, us: readonly number[], kept: readonly boolean[], w: Writer, sec: Section): void {
  sec.units += us.length;
  let any = false;
  for (const i of us)
    if (kept[i]) any = true;
    else {
      sec.omitted += r.costs[i]!;
      sec.dropped++;
    }
  if (!any) {
    w.gap = true;
    return;
  }
  w.flushGap();
  if ((b.kind === "code" || b.kind === "table") && r.units[us[0]!]!.line !== undefined) w.emit(codeLines(r.lines, b, r.units, us, kept));
  else if (b.kind !== "para" && b.kind !== "item") w.emit(r.lines.slice(b.start, b.end).join("\n"));
  else w.emit(keptSentences(r.units, us, kept));
}

/** A paragraph or list item reduced to its kept sentences, `[…]` where sentences were dropped. */
function keptSentences(units: readonly Unit[], us: readonly number[], kept: readonly boolean[]): string {
  let s = "";
  let dropping = false;
  for (const i of us) {
    if (kept[i]) {
      if (dropping) s += GAP + " ";
      s += units[i]!.text;
      dropping = false;
    } else dropping = true;
  }
  if (dropping) s = `${s.trimEnd()} ${GAP}`; // `trimEnd` strips what `\s` matches
  return trimSpacesEnd(s);
}

/** `s.replace(/[ \t]+$/, "")` without a regex pass over the whole paragraph. */
function trimSpacesEnd(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  return e === s.length ? s : s.slice(0, e);
}

/**
 * A long code block or pipe table with only its kept lines: fences (a table's header rows) stay, each
 * run of dropped lines becomes `[…]`.
 */
function codeLines(lines: readonly string[], b: Block, units: readonly Unit[], ids: readonly number[], kept: readonly boolean[]): string {
  const [from, to] = codeInner(lines, b);
  const keptLine = new Set<number>();
  for (const i of ids) if (kept[i]) keptLine.add(units[i]!.line!);
  const out: string[] = [];
  for (let l = b.start; l < from; l++) out.push(lines[l]!);
  let gap = false;
  for (let l = from; l < to; l++) {
    if (keptLine.has(l)) {
      if (gap) out.push(GAP);
      gap = false;
      out.push(lines[l]!);
    } else if (lines[l]!.trim()) gap = true;
  }
  if (gap) out.push(GAP);
  for (let l = to; l < b.end; l++) out.push(lines[l]!);
  return out.join("\n");
}
