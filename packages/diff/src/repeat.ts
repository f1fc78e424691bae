/**
 * Repeated hunks: the same change applied twice (an amalgamated header beside its sources, a vendored
 * copy, the same fix in two test files). The later copies are a structural redundancy, dropped at any
 * size and named in one note per file that points to the first copy.
 */
import type { FileSection, Hunk } from "./parse.js";
import { isChanged } from "./facts.js";

/** Where a hunk's change was first seen: file and hunk index. */
export interface HunkRef {
  file: number;
  hunk: number;
}

/** Fewest changed lines (and characters) for a hunk to count as a repeat: a one-line `}` is no change. */
const MIN_LINES = 2;
const MIN_CHARS = 40;

/**
 * For every hunk, the earlier hunk whose changed lines (with their `+`/`-` columns) are exactly the same,
 * if any. Only verified hunks of files that are not summarised count; a hunk never repeats itself.
 */
export function repeatedHunks(files: FileSection[], isGen: (f: FileSection) => boolean): (HunkRef | undefined)[][] {
  const first = new Map<string, HunkRef>();
  return files.map((f, fi) =>
    f.hunks.map((h, hi) => {
      if (!h.verified || isGen(f)) return undefined;
      const changed = h.lines.filter((l) => isChanged(l, h.parents));
      const key = changed.join("\n");
      if (changed.length < MIN_LINES || key.length < MIN_CHARS) return undefined;
      const seen = first.get(key);
      if (seen) return seen;
      first.set(key, { file: fi, hunk: hi });
      return undefined;
    }),
  );
}

/** A hunk header without git's function context (`@@ -a,b +c,d @@`). */
function bareHeader(h: Hunk): string {
  return h.header.slice(0, h.header.length - h.section.length).trimEnd();
}

/**
 * The note for a file's repeated hunks, or undefined when it has none:
 * `[2 hunks repeat earlier changes: @@ -90,4 +90,5 @@ as in src/a.hpp @@ -10,4 +10,5 @@; …]`.
 */
export function repeatNote(files: FileSection[], fi: number, refs: (HunkRef | undefined)[]): string | undefined {
  const parts: string[] = [];
  refs.forEach((r, hi) => {
    if (!r) return;
    const src = files[r.file]!;
    parts.push(`${bareHeader(files[fi]!.hunks[hi]!)} as in ${r.file === fi ? "this file" : src.path} ${bareHeader(src.hunks[r.hunk]!)}`);
  });
  if (!parts.length) return undefined;
  return `[${parts.length} hunk${parts.length === 1 ? " repeats an earlier change" : "s repeat earlier changes"}: ${parts.join("; ")}]`;
}
