/**
 * Facts about each body line of a diff that every phase asks about (is it changed, its text without the
 * prefix columns, trimmed, removed, the name it defines), computed once per input. The phases used to
 * re-derive them line by line (slices, `isChanged` loops, definition regexes), several times per line;
 * sharing one string per body also lets every map lookup reuse that string's cached hash.
 */
import { isNoNewline, type FileSection } from "./parse.js";
import { definedName, isDefinition } from "./score.js";

/** Per body line of one hunk (index = line index in `Hunk.lines`). */
export interface HunkFacts {
  /** A changed line (`+`/`-` in some parent column): `isChanged`. */
  changed: boolean[];
  /** Changed lines: the text after the prefix columns ("" for other lines). */
  body: string[];
  /** Changed lines: `body.trim()` ("" for other lines). */
  trimmed: string[];
  /** Changed lines: a `-` in some prefix column (the line is not in the result). */
  removed: boolean[];
  /** Changed lines: the name the line defines (`definedName`), if any. */
  def: (string | undefined)[];
  /** Changed lines: `isDefinition(body)`. */
  definition: boolean[];
}

/** True for a changed body line (`+`/`-` in some parent column), false for context and `\ No newline`. */
export function isChanged(l: string, parents: number): boolean {
  if (isNoNewline(l)) return false;
  for (let i = 0; i < parents && i < l.length; i++) if (l[i] !== " ") return true;
  return false;
}

/** Whether the prefix columns of a body line hold a `-` (`l.slice(0, parents).includes("-")`). */
function hasMinus(l: string, parents: number): boolean {
  for (let i = 0; i < parents && i < l.length; i++) if (l.charCodeAt(i) === 45) return true;
  return false;
}

/** The facts of every hunk, by file and hunk, and the names whose definition lines the diff changes. */
export function diffFacts(files: readonly FileSection[]): { facts: HunkFacts[][]; changedNames: Set<string> } {
  const changedNames = new Set<string>();
  const facts = files.map((f) =>
    f.hunks.map((h) => {
      const n = h.lines.length;
      const hf: HunkFacts = {
        changed: new Array<boolean>(n),
        body: new Array<string>(n),
        trimmed: new Array<string>(n),
        removed: new Array<boolean>(n),
        def: new Array<string | undefined>(n),
        definition: new Array<boolean>(n),
      };
      for (let i = 0; i < n; i++) {
        const l = h.lines[i]!;
        const changed = isChanged(l, h.parents);
        hf.changed[i] = changed;
        if (!changed) {
          hf.body[i] = "";
          hf.trimmed[i] = "";
          hf.removed[i] = false;
          hf.def[i] = undefined;
          hf.definition[i] = false;
          continue;
        }
        const body = l.slice(h.parents);
        hf.body[i] = body;
        hf.trimmed[i] = body.trim();
        hf.removed[i] = hasMinus(l, h.parents);
        const definition = isDefinition(body);
        const d = definedName(body, definition);
        hf.definition[i] = definition;
        hf.def[i] = d;
        if (d) changedNames.add(d);
      }
      return hf;
    }),
  );
  return { facts, changedNames };
}
