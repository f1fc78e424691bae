/**
 * Rendering of a selection: kept units in original order, `[…]` where sentences or blocks were
 * omitted, a marker for each section whose omissions are large (storing that section), and a closing
 * marker storing the whole input.
 */
import { createOriginals, marker, type StoredOriginal } from "@headroom/core";
import { codeInner, type Block, type Unit } from "./blocks.js";

/** Elision mark for omitted sentences or blocks. */
export const GAP = "[…]";

/** A rendered selection. */
export interface Rendered {
  text: string;
  originals: StoredOriginal[];
  keptUnits: number;
  totalUnits: number;
}

/** Title of a heading block: its first line with letters, without `#` or `.SH` marks. */
export function headingTitle(lines: readonly string[], b: Block): string {
  return (
    lines
      .slice(b.start, b.end)
      .map((l) => l.replace(/\r$/, ""))
      .find((l) => /[A-Za-z0-9]/.test(l))
      ?.replace(/^\s*(?:#+|\.S[HS])\s*/, "")
      .replace(/\s*#+\s*$/, "")
      .trim() ?? ""
  );
}

export function render(
  text: string,
  lines: string[],
  blocks: Block[],
  units: Unit[],
  kept: boolean[],
  costs: number[],
  sectionMarkerTokens: number,
  trailingNewline: boolean,
): Rendered {
  const originals = createOriginals();
  const byBlock = new Map<number, number[]>();
  units.forEach((u, i) => {
    const l = byBlock.get(u.block);
    if (l) l.push(i);
    else byBlock.set(u.block, [i]);
  });
  const out: string[] = [];
  let blankPending = false;
  let gapPending = false;
  let sectionStart = 0; // line where the current section starts
  let sectionTitle = "";
  let sectionOmitted = 0;
  let sectionUnits = 0;
  let sectionDropped = 0;
  const emit = (s: string) => {
    if (blankPending && out.length && out[out.length - 1] !== "") out.push("");
    blankPending = false;
    out.push(s);
  };
  const closeSection = (end: number) => {
    if (gapPending) emit(GAP);
    gapPending = false;
    if (sectionOmitted >= sectionMarkerTokens) {
      const key = originals.stash(lines.slice(sectionStart, end).join("\n"), { kind: "prose", section: sectionTitle });
      const where = sectionTitle ? ` of "${sectionTitle.slice(0, 60)}"` : "";
      blankPending = true;
      emit(marker(`${sectionDropped} of ${sectionUnits} sentences/blocks${where} omitted`, key));
      blankPending = true;
    }
    sectionOmitted = sectionUnits = sectionDropped = 0;
  };
  blocks.forEach((b, bi) => {
    if (b.kind === "blank") {
      blankPending = true;
      return;
    }
    if (b.kind === "heading") {
      closeSection(b.start);
      sectionStart = b.start;
      sectionTitle = headingTitle(lines, b);
      for (let l = b.start; l < b.end; l++) emit(lines[l]!);
      return;
    }
    const us = byBlock.get(bi) ?? [];
    sectionUnits += us.length;
    const keptHere = us.filter((i) => kept[i]);
    for (const i of us)
      if (!kept[i]) {
        sectionOmitted += costs[i]!;
        sectionDropped++;
      }
    if (!keptHere.length) {
      gapPending = true;
      return;
    }
    if (gapPending) emit(GAP);
    gapPending = false;
    if ((b.kind === "code" || b.kind === "table") && units[us[0]!]!.line !== undefined) {
      emit(codeLines(lines, b, us.map((i) => units[i]!), kept, us));
      return;
    }
    if (b.kind !== "para" && b.kind !== "item") {
      emit(lines.slice(b.start, b.end).join("\n"));
      return;
    }
    emit(keptSentences(units, us, kept));
  });
  closeSection(lines.length);
  const keptUnits = kept.filter(Boolean).length;
  const key = originals.stash(text, { kind: "prose", whole: true });
  blankPending = true;
  emit(marker(`prose: ${keptUnits} of ${units.length} sentences/blocks kept, ${GAP} marks omissions`, key));
  return { text: out.join("\n") + (trailingNewline ? "\n" : ""), originals: originals.list(), keptUnits, totalUnits: units.length };
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
  if (dropping) s = s.replace(/\s*$/, " ") + GAP;
  return s.replace(/[ \t]+$/, "");
}

/**
 * A long code block or pipe table with only its kept lines: fences (a table's header rows) stay, each
 * run of dropped lines becomes `[…]`.
 */
function codeLines(lines: string[], b: Block, us: Unit[], kept: boolean[], ids: number[]): string {
  const [from, to] = codeInner(lines, b);
  const keptLine = new Set<number>();
  us.forEach((u, k) => {
    if (kept[ids[k]!]) keptLine.add(u.line!);
  });
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

