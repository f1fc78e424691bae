/**
 * Line scoring for search results: definitions of the searched symbol beat mere usages, and lines that
 * share words with the user's question beat lines that do not.
 */

// A line that defines something: keyword-led declarations in the common languages, C-style function
// definitions/prototypes at column 0, assignments of functions, markdown headings, and test cases.
const DEFINITION = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|namespace|module|const|let|var)\s+[\w$]/,
  /^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?(?:unsafe\s+)?(?:fn|struct|enum|trait|impl|type|mod|const|static|macro_rules!)\b/,
  /^\s*(?:async\s+)?def\s+\w|^\s*class\s+\w/,
  /^\s*func\s+(?:\([^)]*\)\s*)?\w|^\s*type\s+\w+\s+(?:struct|interface|func)/,
  /^\s*(?:(?:public|private|protected|static|final|abstract|synchronized|native|default|override|virtual|inline|constexpr|extern|friend)\s+)+[\w<>[\],.?\s]*\b\w+\s*\(/,
  /^[A-Za-z_][\w\s*&:<>,]*\b\w+\s*\([^;]*\)?\s*(?:const\s*)?(?:\{|;)?\s*$/,
  /^\s*#\s*define\s+\w/,
  // Kotlin, Scala, Swift, C#, PHP, Ruby, shell: declarations led by modifiers and keywords.
  /^\s*(?:(?:public|private|protected|internal|open|override|abstract|final|sealed|data|inline|suspend|lateinit|const|static|lazy|implicit|case|fileprivate|mutating|@\w+)\s+)*(?:fun|val|var|let|object|def|trait|protocol|extension|struct|class|interface|typealias|func|init)\s+[\w$`<(]/,
  /^\s*(?:(?:public|private|protected|static|final|abstract)\s+)*function\s+&?\w/,
  /^\s*(?:def\s+(?:self\.)?\w|module\s+[A-Z]|attr_(?:reader|writer|accessor)\s)/,
  /^\s*(?:function\s+)?[\w-]+\s*\(\)\s*\{?\s*$/,
  // Go struct fields with tags and JVM-API signatures (`public final fun readTimeout (J…)`).
  /^\s*[A-Z]\w*\s+[*[\]\w.]+\s+`[^`]*`\s*$/,
  /^\s*(?:[\w$]+\.)*[\w$]+\s*[:=]\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>)/,
  /^\s*(?:public\s+|private\s+|protected\s+|static\s+|readonly\s+|async\s+|get\s+|set\s+)*[\w$]+\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?::\s*[^={]+)?\s*\{\s*$/,
  // Typed signatures without a body: TS overloads and interface members, Java/C# abstract methods.
  /^\s*(?:(?:public|private|protected|static|readonly|abstract|async)\s+)*[\w$]+\s*(?:<[^>]*>)?\s*\(.*\)\s*:\s*[^=;{]+;\s*$/,
  /^#{1,6}\s/,
  /^\s*\/\/\/?\s*(?:-\S|--\S)/,
];

const CALL_ONLY = /^\s*(?:return\b|if\b|else\b|while\b|for\b|switch\b|case\b|throw\b|await\b|yield\b|\}|\)|\.|&&|\|\||\?|:)/;

// One alternation of them all: a single match attempt per line instead of one per pattern (every
// alternative is anchored at the start, so the union is too), with the same answer as trying each.
const ANY_DEFINITION = new RegExp(DEFINITION.map((r) => `(?:${r.source})`).join("|"));

/** True when a line looks like a definition or declaration rather than a use. */
export function isDefinition(text: string): boolean {
  if (CALL_ONLY.test(text)) return false;
  return ANY_DEFINITION.test(text);
}

const TEST_CASE = /^\s*(?:it|test|describe|context)\s*\(\s*['"`]|^\s*func\s+Test\w*\(|^\s*def\s+test_\w*/;

/** True for a test-case declaration (`it('…')`, `func TestX(`, `def test_x`). */
export function isTestCase(text: string): boolean {
  return TEST_CASE.test(text);
}

/**
 * True when `text` defines `symbol` (lower case) rather than using it: a definition-shaped line where the
 * symbol comes before any assignment and is not inside a string. `shaped` is `isDefinition(text)`, when
 * already known.
 */
export function definesSymbol(text: string, symbol: string | undefined, shaped = isDefinition(text)): boolean {
  if (!shaped) return false;
  if (!symbol) return true;
  const lower = text.toLowerCase();
  const at = lower.indexOf(symbol);
  if (at < 0) return false;
  const eq = lower.search(/[^=!<>]=[^=>]|:=/);
  if (eq >= 0 && eq < at) return false;
  const before = text.slice(0, at);
  const quotes = (before.match(/["'`]/g) ?? []).length;
  return quotes % 2 === 0;
}

/**
 * The searched symbol, inferred from the matches: the longest identifier present in at least 90% of the
 * match lines (the pattern itself, whatever regex produced it). `undefined` when nothing qualifies.
 */
export function inferSymbol(texts: readonly string[]): string | undefined {
  if (!texts.length) return undefined;
  // Bounded sample: the symbol is in (nearly) every line, so a few hundred lines are plenty.
  const sample = texts.length > 400 ? texts.filter((_, i) => i % Math.ceil(texts.length / 400) === 0) : texts;
  const lower = sample.map((t) => t.toLowerCase());
  // One match over the first lines joined (no candidate holds a line break, so none spans two lines).
  const found = lower.slice(0, 50).join("\n").match(/[a-z_$][\w$]{2,}/g) ?? [];
  // Longest first (then alphabetical): the first candidate in enough lines is the answer, and a
  // candidate is dropped as soon as it misses more lines than the 10% allowed. Candidates are bucketed
  // by length, and a bucket is sorted (its repeats skipped) only when reached: the symbol is usually
  // long, so most candidates are never tried, nor hashed into a set.
  const allowed = lower.length - Math.ceil(lower.length * 0.9);
  const byLength: string[][] = [];
  for (const w of found) {
    const bucket = byLength[w.length];
    if (bucket) bucket.push(w);
    else byLength[w.length] = [w];
  }
  for (let n = byLength.length - 1; n >= 0; n--) {
    const bucket = byLength[n];
    if (!bucket) continue;
    bucket.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let k = 0; k < bucket.length; k++) {
      const w = bucket[k]!;
      if (k > 0 && w === bucket[k - 1]) continue;
      let misses = 0;
      for (const t of lower) if (!t.includes(w) && ++misses > allowed) break;
      if (misses <= allowed) return w;
    }
  }
  return undefined;
}
