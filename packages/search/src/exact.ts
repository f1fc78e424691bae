/**
 * Exact terms of the question and the tool call (an identifier, a path, a number) that a match line holds
 * verbatim: which ones each line holds (for selection) and the weight they add to its score.
 */
import { idfWeight, type QueryTerms } from "@headroom/text";
import type { LineFeatures } from "./features.js";
import type { SearchLine } from "./parse.js";

/**
 * Adds the weight of exact tokens of the question and the tool call (`t`, the `queryTerms` of both)
 * that a line holds verbatim, rarest
 * first; the words of the question are already in the BM25 score. An identifier counts only where it
 * stands whole: a search for `X` also finds `X_FILE`, and a question naming both must not find `X` in
 * every line (it would weigh nothing) while `X_FILE` weighs a lot. Terms in up to 80% of lines still
 * weigh a little (log(1 + n/df)), since the pattern itself usually is one.
 *
 * A line's document is `path:line:text` followed by its `identifiers`; `holds` answers `includes` on it
 * without building it in the common cases (see there).
 */
export function withExactTerms(
  score: Map<SearchLine, number>,
  all: SearchLine[],
  features: Map<SearchLine, LineFeatures>,
  t: QueryTerms,
): Map<SearchLine, number> {
  if (!t.exact.length) return score;
  const exact = t.exact.map(term);
  const n = all.length;
  // Which terms each line holds, tested once: selection reads them (a neighbour adds to a kept line only
  // what it names anew) and the rarity weights below are counted from them.
  const held: number[][] = new Array(n);
  const df = new Int32Array(exact.length);
  for (let i = 0; i < n; i++) {
    const m = all[i]!;
    const doc = new Doc(m);
    const h: number[] = [];
    for (let k = 0; k < exact.length; k++)
      if (doc.holds(exact[k]!)) {
        h.push(k);
        df[k]!++;
      }
    held[i] = h;
    const f = features.get(m);
    if (f) f.terms = h.length ? new Set(h.map((k) => exact[k]!.padded)) : NO_TERMS;
  }
  // `relevance` of @headroom/text with exact terms only (exactWeight 1), from the counts above rather
  // than a second test of every term against every line; a line's score sums its terms' weights in order.
  const weights = new Float64Array(exact.length);
  let active = false;
  for (let k = 0; k < exact.length; k++) {
    weights[k] = idfWeight(df[k]!, n, EXACT_MAX_SHARE);
    if (weights[k]) active = true;
  }
  if (!active) return score;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const k of held[i]!) if (weights[k]! > 0) s += weights[k]!;
    const m = all[i]!;
    score.set(m, (score.get(m) ?? 0) + s);
  }
  return score;
}

/** An exact term as the document is searched for it. */
interface Term {
  /** What the document must include: an identifier padded by spaces (` X `), else the term itself. */
  padded: string;
  /** The identifier, for an identifier term. */
  ident?: string | undefined;
  /**
   * True when the term can only occur in the `path:line:text` part: it has a character no identifier
   * list holds (the list is made of word characters, spaces and one NUL), no NUL, and does not end in a
   * space, so it can neither lie inside the list nor reach into it across the join.
   */
  headOnly: boolean;
}

function term(e: string): Term {
  if (IDENT.test(e)) return { padded: ` ${e} `, ident: e, headOnly: false };
  return { padded: e, ident: undefined, headOnly: /[^\w ]/.test(e) && !e.includes("\u0000") && !e.endsWith(" ") };
}

/** One line's document, its parts built only when a term needs them. */
class Doc {
  private head: string | undefined;
  private whole: string | undefined;
  private readonly path: string;
  private readonly text: string;
  constructor(private readonly m: SearchLine) {
    this.path = m.path ?? "";
    this.text = m.text ?? "";
  }

  /**
   * `includes(t.padded)` on `path:line:text` + `identifiers(text)`. For an identifier ` X `: the list
   * holds it exactly when `X` is a whole word run of the text, and elsewhere it can only stand inside the
   * path or the text (`:` parts them from the line number, and `X` has no `:` or space); a text holding
   * ` X ` has `X` whole anyway.
   */
  holds(t: Term): boolean {
    if (t.ident !== undefined) return wholeWord(this.text, t.ident) || this.path.includes(t.padded);
    if (t.headOnly) {
      this.head ??= `${this.path}:${this.m.line ?? ""}:${this.text}`;
      return this.head.includes(t.padded);
    }
    this.whole ??= `${this.path}:${this.m.line ?? ""}:${this.text}${identifiers(this.text)}`;
    return this.whole.includes(t.padded);
  }
}

/** True when `w` occurs in `text` as a whole run of word characters (what `/\w+/g` would match). */
function wholeWord(text: string, w: string): boolean {
  for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1))
    if ((at === 0 || !isWordChar(text.charCodeAt(at - 1))) && !isWordChar(text.charCodeAt(at + w.length))) return true;
  return false;
}

/** `\w` (ASCII letters, digits, `_`); NaN (past the end) is not. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const IDENT = /^\w+$/;
/** The terms of a line that holds none (one shared set; term sets are only read). */
const NO_TERMS: ReadonlySet<string> = new Set();
const EXACT_MAX_SHARE = 0.8;

/**
 * The identifiers of a text, each padded by spaces, so that ` X ` finds `X` only where it stands whole
 * (`$X`, `"X"` and `X:` count as whole; `X_FILE` does not).
 */
export function identifiers(text: string): string {
  const ids = text.match(/\w+/g);
  return ids ? ` \u0000 ${ids.join("  ")} ` : "";
}
