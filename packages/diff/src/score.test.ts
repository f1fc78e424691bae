import { STOPWORDS, tokenize } from "@headroom/text";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callsOneOf, definedName, scoreLine, type LineFacts } from "./score.js";

// The scoring as first written (before the cheap pre-checks): the fast paths must agree with it exactly.
const DEFINITION =
  /^\s*(?:export\s+|pub(?:\([\w:]+\))?\s+|public\s+|private\s+|protected\s+|internal\s+|static\s+|async\s+|abstract\s+|final\s+|inline\s+|virtual\s+|extern\s+|override\s+|default\s+)*(?:def|class|function\*?|fn|func|interface|struct|enum|trait|impl|type|module|namespace|template|typedef|union|macro_rules!|object|record|package|import|from\s+\S+\s+import|using|#\s*define|#\s*include|const|let|var|val)\b/;
/** C/C++/Java/C# style signatures: a return type, a name and an opening parenthesis at line start. */
const C_SIGNATURE =
  /^\s*(?!(?:return|else|new|throw|case|await|yield|delete|typeof|goto|sizeof|if|while|for|switch)\b)(?:[\w:<>,*&[\]]+\s+){1,4}[*&]*[A-Za-z_][\w:~]*\s*\([^;]*\)?\s*(?:const\s*)?(?:throws [\w, .]+)?\s*[{:;]?\s*$/;
const CONDITION = /^\s*(?:\}\s*)?(?:if|else if|elif|while|switch|case|match|unless|guard)\b.*\S/;
const TEST_CASE = /\b(?:it|test|describe|context|suite|bench)\s*\(\s*['"`]|^\s*func\s+(?:Test|Benchmark|Example)|#\[test\]|@Test\b/;
const COMMENT = /^\s*(?:\/\/|\/\*|\*(?:\s|$)|#(?!\s*(?:include|define|if|endif|else|pragma))|--\s|"""|'''|<!--|;;)/;
const PROSE_MARKUP = /^\s*(?:#{1,6}\s|[-*+]\s|\d+\.\s|\*\*[^*]+\*\*|>\s|\|)/;
const VERSION = /\b\d+\.\d+(?:\.\d+)+\b|\bv\d+\.\d+\b/;
const MESSAGE_LITERAL = /(["'`])(?:(?!\1).){0,200}?\b\w+\s+\w+\s+\w+(?:(?!\1).)*?\1/;
const FAILURE = /\b(?:throw|raise|panic|error|errors\.New|Err\(|fatal|assert\w*|expect|deprecat\w*|TODO|FIXME|security|CVE-\d+)\b/i;
const C_DECLARATION = /^\s*(?:const\s+|static\s+|unsigned\s+|struct\s+)*[A-Za-z_][\w:<>]*\s+\**[A-Za-z_]\w*(?:\[\w*\])?\s*=[^=]/;
const ASSIGN = /^\s*[A-Za-z_][\w.]*(?:\s*:\s*[^=]+?)?\s*(?:=[^=]|$)/;
// `(?<![A-Za-z_])`: a match can only start where a name starts. The same lines match (a match inside a
// name implies one from its start), but a long line is scanned once instead of once per letter.
const CALL = /(?<![A-Za-z_])[A-Za-z_]\w*\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*;?\s*$/;
/** Names followed by `(`: from the start of a name only (see `CALL`). */
const CALLED = /(?<![A-Za-z_])([A-Za-z_]\w*)\s*\(/g;
const NAMED = /(?<![A-Za-z_])([A-Za-z_]\w*)\s*(?:<[^()]*>)?\s*\(/;
const ONLY_PUNCT = /^[\s{}()[\];,.:]*$/;
const refTerms = (text: string) => (text.match(/[\p{L}\p{N}_]+/gu) ?? []).flatMap((w) => tokenize(w, { minLength: 3, stopwords: STOPWORDS }));
function endsWithCall(b: string): boolean {
  let e = b.trimEnd();
  if (e.endsWith(";")) e = e.slice(0, -1).trimEnd();
  return e.endsWith(")");
}
function refScoreLine(f: LineFacts): number {
  const b = f.body;
  const t = b.trim();
  if (!t || ONLY_PUNCT.test(t)) return 0.05;
  let s = 1;
  if (DEFINITION.test(b) || (!f.docFile && C_SIGNATURE.test(b) && /\(/.test(b))) s += 4;
  const test = TEST_CASE.test(b);
  if (test) s += 3;
  const comment = COMMENT.test(b);
  // A comment that explains (a sentence, not `// TODO` or a commented-out line) is worth reading.
  const prose = b.split(/\s+/).filter((w) => /^[A-Za-z][a-z'’-]*[,.;:]?$/.test(w)).length >= 6;
  if (comment) s += prose ? 1 : 0.2;
  else if (C_DECLARATION.test(b)) s += 1.5;
  else if (ASSIGN.test(b)) s += 0.8;
  else if (CONDITION.test(b)) s += 0.6;
  else if (endsWithCall(b) && CALL.test(b)) s += 0.5;
  if (f.docFile && PROSE_MARKUP.test(b)) s += 1.2;
  // A sentence of documentation (README, docs, changelog) states what the change does, in words.
  if (f.docFile && prose) s += 1;
  if (VERSION.test(b)) s += 1.5;
  if (MESSAGE_LITERAL.test(b)) s += 1;
  if (FAILURE.test(b)) s += 0.8;
  if (f.runStart) s += 0.6;
  if (f.changedNames.size && !DEFINITION.test(b)) {
    // A call of a function whose definition this diff changes: the call sites that had to follow.
    for (const m of b.matchAll(CALLED))
      if (f.changedNames.has(m[1]!)) {
        s += 1.5;
        break;
      }
  }
  if (f.relevance !== undefined) s += Math.min(4, 0.5 * f.relevance);
  else if (f.query.size) {
    let hits = 0;
    const seen = new Set<string>();
    for (const w of refTerms(b)) {
      if (f.query.has(w) && !seen.has(w)) {
        seen.add(w);
        hits++;
      }
    }
    s += Math.min(4, hits * 1.5);
  }
  if (t.length < 12) s *= 0.6; // `} else {`, `return nil`: little to learn
  if (b.length > 240) s *= 0.7; // long data lines cost much and say little
  if (f.testFile && !test) s *= 0.6; // helpers and fixtures of a test file matter less than its test names
  // Reviewers read the new code first; an old line matters by what it says that the new ones do not.
  // A long comment is one explanation: its first line states the gist, the rest elaborate.
  if (comment && f.continuesComment) s *= 0.6;
  if (f.removed) s *= 0.55 * Math.max(0.25, f.novelty ?? 1);
  if (f.deletedFile) s *= 0.4;
  return s;
}
function refDefinedName(body: string): string | undefined {
  if (!DEFINITION.test(body) && !C_SIGNATURE.test(body)) return undefined;
  const m = NAMED.exec(body.replace(/^\s*func\s*\([^)]*\)/, ""));
  const name = m?.[1];
  return name && name.length >= 4 && !/^(?:function|if|for|while|switch|return|sizeof)$/.test(name) ? name : undefined;
}

const FRAGMENTS = [
  "func", "Test", "func TestParse(t *testing.T) {", "it(", "test('", 'describe("', "#[test]", "@Test", "(", ")", ";", "=", "==", ":", " ",
  "  ", "\t", "//", "/*", "#", "# include", "--", "const", "static", "int", "x", "value", "handle", "handleRequest(", "Err(", "error",
  "TODO", "v1.2", "1.2.3", "'", '"', "`", "a quoted message here", "return", "if", "else", "}", "{", "struct", "export", "def", "class",
  "name: value", "is", "the", "reason,", "it's", "don’t", "<T>", "[]", "0", "é", "\u00a0",
  "1", "_", "9handle", "_handle", "handle1", "\u3000", "\u2028", "\ufeff", "\v", "x.", "-", "a_b",
];
const line = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 14 }).map((p) => p.join(""));
const facts = (body: string, o: { doc: boolean; names: boolean; query: boolean; removed: boolean; test: boolean }): LineFacts => ({
  body,
  removed: o.removed,
  novelty: 0.5,
  runStart: o.doc,
  continuesComment: o.names,
  docFile: o.doc,
  deletedFile: false,
  testFile: o.test,
  changedNames: new Set(o.names ? ["handle", "handleRequest", "value"] : []),
  query: new Set(o.query ? ["value", "handle", "message"] : []),
});

describe("scoreLine", () => {
  it("scores exactly as the plain regex version did", () => {
    const opts = fc.record({ doc: fc.boolean(), names: fc.boolean(), query: fc.boolean(), removed: fc.boolean(), test: fc.boolean() });
    fc.assert(
      fc.property(line, opts, (body, o) => {
        expect(scoreLine(facts(body, o))).toBe(refScoreLine(facts(body, o)));
        expect(definedName(body)).toBe(refDefinedName(body));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("callsOneOf", () => {
  it("finds exactly the called names the regex finds", () => {
    const CALLED = /(?<![A-Za-z_])([A-Za-z_]\w*)\s*\(/g;
    const names = new Set(["ab", "b1", "_a", "a"]);
    const viaRegex = (b: string) => [...b.matchAll(CALLED)].some((m) => names.has(m[1]!));
    const unit = fc.constantFrom("a", "b", "1", "_", " ", "\t", "\u3000", "\u2028", "\u00a0", "(", ")", ".", "é");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 16 }), (b) => {
        expect(callsOneOf(b, names)).toBe(viaRegex(b));
      }),
      { numRuns: 5000 },
    );
  });
});
