/**
 * Interned words and the cache of each identifier's words. The cache is probed with an identifier's
 * place in a line (the line, start, end and a hash of its characters) rather than with the identifier
 * as a string: a line's identifiers are looked up without cutting each one out and hashing it anew
 * (most of ranking's time went there); only a miss slices the identifier out.
 */
import { splitIdentifier, stem } from "@headroom/text";

/**
 * A word, interned: one object per distinct word, so that `WordIds` numbers words by writing to it
 * rather than by hashing the word on every line. `epoch` says which `WordIds` wrote `id`.
 */
export interface Word {
  readonly word: string;
  epoch: number;
  id: number;
}

const interned = new Map<string, Word>();

export function intern(word: string): Word {
  let w = interned.get(word);
  if (!w) {
    w = { word, epoch: 0, id: 0 };
    interned.set(word, w);
  }
  return w;
}

const INITIAL_SLOTS = 1 << 12;
/** Open addressing: entry index + 1 per slot, 0 for an empty slot; at most half full. */
let slots = new Int32Array(INITIAL_SLOTS);
/** Per entry (in order of caching): the identifier, its words and its hash (room for half the slots). */
const raws: string[] = [];
const parts: (readonly Word[])[] = [];
let hashes = new Int32Array(INITIAL_SLOTS >> 1);

/** Identifiers cached before `clearWhenFull` empties the caches (between inputs only). */
const PARTS_CACHE_MAX = 50_000;

/**
 * Empties the caches when they are full. Identifiers repeat across inputs: the bounded caches are
 * cleared between inputs only, so that a word keeps one id (one object) for the whole input.
 */
export function clearWhenFull(): void {
  if (raws.length < PARTS_CACHE_MAX) return;
  raws.length = 0;
  parts.length = 0;
  slots = new Int32Array(INITIAL_SLOTS);
  hashes = new Int32Array(INITIAL_SLOTS >> 1);
  interned.clear();
}

/** Where the identifier that `nextIdentifier` last found ends. */
export const scan = { end: 0 };

/**
 * The words of the first identifier (a run `[A-Za-z][A-Za-z0-9]*`) of `text` at or after `from`,
 * as `words` gives them (split at case changes and `_`, lower case, lightly stemmed, at least 2
 * characters), with `scan.end` set to where it ends; `undefined` when there is none. Looping from 0 to
 * `scan.end` visits the identifiers the global regex of that run would match, in order.
 */
export function nextIdentifier(text: string, from: number): readonly Word[] | undefined {
  const n = text.length;
  let i = from;
  while (i < n && !isLetter(text.charCodeAt(i))) i++;
  if (i >= n) return undefined;
  let c = text.charCodeAt(i);
  const start = i;
  // FNV-1a of the identifier's characters.
  let hash = 0x811c9dc5 | 0;
  do {
    hash = Math.imul(hash ^ c, 0x01000193);
    c = ++i < n ? text.charCodeAt(i) : 0;
  } while (isLetter(c) || (c >= 48 && c <= 57));
  scan.end = i;
  return identifierWordsAt(text, start, i, hash);
}

/** `[A-Za-z]`, as a character code. */
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The words of `text.slice(start, end)`, one identifier (`hash` its hash), from the cache or split now. */
function identifierWordsAt(text: string, start: number, end: number, hash: number): readonly Word[] {
  const mask = slots.length - 1;
  const len = end - start;
  let s = slot(hash) & mask;
  for (let e = slots[s]!; e !== 0; e = slots[s]!) {
    const raw = raws[e - 1]!;
    if (hashes[e - 1] === hash && raw.length === len && sameAt(text, start, raw)) return parts[e - 1]!;
    s = (s + 1) & mask;
  }
  const raw = text.slice(start, end);
  const ws = splitWords(raw);
  hashes[raws.length] = hash;
  raws.push(raw);
  parts.push(ws);
  slots[s] = raws.length;
  if (raws.length * 2 >= slots.length) grow();
  return ws;
}

/** True when `text` holds `raw` at `start` (short identifiers: cheaper than a `startsWith` call). */
function sameAt(text: string, start: number, raw: string): boolean {
  for (let k = 0; k < raw.length; k++) if (text.charCodeAt(start + k) !== raw.charCodeAt(k)) return false;
  return true;
}

function slot(hash: number): number {
  return hash ^ (hash >>> 15);
}

function grow(): void {
  slots = new Int32Array(slots.length * 2);
  const old = hashes;
  hashes = new Int32Array(slots.length >> 1);
  hashes.set(old);
  const mask = slots.length - 1;
  for (let e = 0; e < raws.length; e++) {
    let s = slot(hashes[e]!) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = e + 1;
  }
}

function splitWords(raw: string): readonly Word[] {
  return splitIdentifier(raw)
    .map((p) => singular(stem(p.toLowerCase())))
    .filter((w) => w.length >= 2)
    .map(intern);
}

/**
 * The toolkit's `stem` leaves words of up to five letters alone; search terms are often short plurals of
 * the names in paths and code (`flags/` for "flag", `keys`, `tests`), so a plain plural `s` is folded too.
 */
function singular(w: string): string {
  return w.length >= 4 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is") ? w.slice(0, -1) : w;
}

/** Looks a word up without interning it. */
export function internedWord(word: string): Word | undefined {
  return interned.get(word);
}
