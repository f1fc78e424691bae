/**
 * Content signatures of programming languages, for texts no file name names: each rule a construct of one
 * language with a weight; `detectLanguage` adds up the weights line by line.
 */

interface LangRule {
  lang: string;
  re: RegExp;
  w: number;
  /** Substrings one of which every match contains: a line without any is not tested (unanchored rules are costly). */
  has?: readonly string[];
}
export const LANG_RULES: LangRule[] = [
  { lang: "python", re: /^\s*(?:def |async def |class \w+(?:\(.*\))?:|from [\w.]+ import |import [\w.]+(?: as \w+)?$|@\w+|elif |except\b.*:|if __name__ ==)/, w: 2 },
  { lang: "python", re: /^\s*(?:"""|''')/, w: 1 },
  { lang: "go", re: /^(?:package \w+$|func (?:\(\w+ \*?\w+\) )?\w+\(|import \($|type \w+ (?:struct|interface) \{)/, w: 3 },
  { lang: "go", re: /:= |\berr != nil\b/, w: 1 },
  { lang: "rust", re: /^\s*(?:pub(?:\(crate\))? )?(?:fn |struct |enum |trait |impl(?:<.*>)? |mod |use [\w:]+(?:::\{.*\})?;|let mut |#\[derive)/, w: 3 },
  { lang: "rust", re: /&mut |::new\(|-> Result<|Option<|\bSome\(/, w: 1 },
  { lang: "java", re: /^\s*(?:package [\w.]+;|import (?:static )?[\w.*]+;|(?:public|private|protected)(?: static| final| abstract| synchronized)* [\w<>[\], ]+ \w+\s*\(|@Override|(?:public )?(?:final )?class \w+(?: extends| implements|\s*\{))/, w: 2 },
  { lang: "c", re: /^\s*(?:#include [<"]|#define |#ifn?def |#endif|(?:static |extern |inline )*(?:unsigned |const )?(?:void|int|char|long|size_t|uint\d+_t|double|float|struct \w+)\s*\**\s*\w+\s*\(|typedef )/, w: 2 },
  { lang: "cpp", re: /(?:std::|template\s*<|namespace \w+|::\w+\(|#include <(?:vector|string|map|memory|iostream|utility|type_traits)>|\bconstexpr\b|\bnoexcept\b|public:|private:)/, w: 2 },
  { lang: "javascript", re: /^\s*(?:(?:export )?(?:async )?function\*? \w+\s*\(|(?:const|let|var) \w+ = (?:require\(|function|\(|async)|module\.exports|exports\.\w+ =|import .* from ['"]|export (?:default|const|function|class))/, w: 2 },
  { lang: "javascript", re: /=> \{|\bthis\.\w+ =|\}\);$/, w: 1 },
  { lang: "typescript", re: /^\s*(?:(?:export )?(?:interface|type) \w+(?:<.*>)? (?:=|\{|extends)|(?:export )?(?:declare|abstract|enum) |.*\): (?:string|number|boolean|void|Promise<|unknown|any)\b|(?:public|private|readonly) \w+: )/, w: 3 },
  // The languages below have no file-name hint to lean on when pasted or printed by a tool: each rule is a
  // construct only that language writes (PHP's `<?php` and `$this->`, C#'s `using X;` and `{ get; set; }`,
  // Ruby's parenthesis-free `def` and bare `end`, a shell's shebang and `fi`/`done`, Scala's `object X
  // extends`, Kotlin's `fun x(`, Swift's `func … ->` and `guard let`), weighted to outscore the
  // C-family rules that their method lines also match.
  { lang: "php", re: /^(?:<\?php\b|\s*(?:namespace|use) [A-Za-z_]\w*\\[\w\\]*(?: as \w+)?;|\s*(?:(?:public|private|protected|static|abstract|final) )*function &?\w+\s*\()/, w: 3 },
  { lang: "php", re: /\$this->|^\s*\$\w+(?:\[[^\]]*\])? (?:\.?=|\+=) |\becho \$|\?>\s*$/, w: 1, has: ["$", "?>"] },
  { lang: "csharp", re: /^\s*(?:using (?:static )?[A-Z][\w.]*;|namespace [A-Z][\w.]*\s*[;{]?\s*$|(?:(?:public|private|protected|internal|static|sealed|abstract|partial|readonly) )*(?:internal|sealed|partial) (?:class|interface|struct|record|enum) \w+)/, w: 3 },
  { lang: "csharp", re: /\{ get; (?:(?:private |protected |internal )?(?:set|init); )?\}|\b(?:async Task|override (?:async )?\w+|var \w+ = new \w+|string\[\] args|Console\.Write)/, w: 2, has: ["get;", "Task", "override ", "new ", "args", "Console."] },
  { lang: "ruby", re: /^\s*(?:def (?:self\.)?\w+[?!=]?(?:\(.*\))?\s*$|require(?:_relative)? ['"]|(?:module|class) [A-Z]\w*(?:::[A-Z]\w*)*(?: < [A-Z][\w:]*)?\s*$|attr_(?:reader|writer|accessor) :)/, w: 3 },
  { lang: "ruby", re: /^\s*end\s*$| do(?: \|[^|]*\|)?\s*$|\.each\b|\bputs |\bunless /, w: 1, has: ["end", "do", ".each", "puts ", "unless "] },
  { lang: "bash", re: /^(?:#!\s*\S*\/(?:env\s+)?(?:ba|z|k|da)?sh\b|\s*(?:if|elif|while|until) \[\[? .*\]\]?; *(?:then|do)\s*$|\s*(?:fi|done|esac)\s*$|set -[euxo]+(?: pipefail)?\s*$|\s*(?:function )?[\w-]+\s*\(\)\s*\{\s*$)/, w: 3 },
  { lang: "bash", re: /^\s*(?:export|local|readonly|declare(?: -\w+)?) \w+=|"\$\{?[\w@#?]+\}?"|\$\(\w|^\s*echo ["$]/, w: 1, has: ["export ", "local ", "readonly ", "declare ", "$", "echo "] },
  { lang: "scala", re: /^\s*(?:(?:case |sealed |final |implicit |private |abstract )*(?:object|trait) \w+(?:\[.*\])?(?: extends \w+)?(?: with \w+)*\s*[{:]?\s*$|(?:case |sealed |final |abstract )*class \w+(?:\[.*\])?\(.*\)(?: extends \w+.*)?\s*\{?$|(?:override |private |protected |implicit )*def \w+(?:\[.*\])?(?:\(.*\))*(?:: [^=]+)? =|import [\w.]+\.(?:_|\{.*\})$)/, w: 3 },
  { lang: "scala", re: /^\s*(?:val|var) \w+(?:: [\w[\], ]+)? = |\bmatch \{$|^\s*case .* =>/, w: 1, has: ["val ", "var ", "match {", "case "] },
  { lang: "kotlin", re: /^\s*(?:(?:private|protected|internal|public|override|suspend|inline|open|abstract|operator|infix|tailrec) )*fun (?:<[^>]*> )?(?:[\w.<>?]+\.)?\w+\(|^\s*(?:data |sealed |enum |open |abstract |inner |value )*class \w+(?:<.*>)?\((?:private |protected )?(?:val|var) |^\s*companion object\b/, w: 3 },
  { lang: "kotlin", re: /^\s*(?:(?:private|internal|override|const|lateinit) )*(?:val|var) \w+(?:: [\w<>?, .]+)? (?:=|by) |\?\.let \{|!!\.|^\s*when \(.*\) \{$|^\s*\S.* -> /, w: 1, has: ["val ", "var ", "?.let", "!!.", "when (", " -> "] },
  { lang: "swift", re: /^\s*(?:(?:@\w+ )*(?:public |private |fileprivate |internal |open |static |override |mutating |final )*func \w+(?:<[^>]*>)?\(.*\)(?: async)?(?: (?:re)?throws)?(?: -> [^{]+)?\s*\{?\s*$|import (?:Foundation|UIKit|SwiftUI|AppKit|Combine|XCTest)$|(?:(?:public|private|fileprivate|internal|open|final) )*(?:struct|protocol|extension|actor) \w+(?:<[^>]*>)?(?:: [\w, .]+)?(?: where .+)? \{$)/, w: 3 },
  { lang: "swift", re: /^\s*guard (?:let|var|case) |^\s*(?:if|while) let \w+ = |\bself\.\w+ = |^\s*@(?:objc|MainActor|Published|State|escaping|available)\b/, w: 1, has: ["guard ", "let ", "self.", "@"] },
];

/**
 * Every rule's pattern in one alternation (the rules have no flags and no backreferences): a line matches
 * it exactly when it matches some rule (a rule's `has` only lists substrings each of its matches
 * contains), so most lines of a text, a function body's, cost one test instead of one per rule.
 */
export const ANY_RULE = new RegExp(LANG_RULES.map((r) => `(?:${r.re.source})`).join("|"));

/** Lines shaped like code whatever the language: ending in a bracket or `;`, indented, or a comment. */
const CODE_SHAPED = /[{};()=]\s*$|^\s{2,}\S|^\s*(?:\/\/|#|\/\*|\*)/;

function mayMatch(r: LangRule, line: string): boolean {
  if (!r.has) return true;
  for (const h of r.has) if (line.includes(h)) return true;
  return false;
}

/** How code-like lines are (0..1) from how many some rule matches and how many are shaped like code. */
function likeness(lines: string[], hits: number): number {
  if (!lines.length) return 0;
  let shaped = 0;
  for (const l of lines) if (CODE_SHAPED.test(l)) shaped++;
  return (hits * 2 + shaped) / (lines.length * 2);
}

/** How code-like `lines` are (0..1): `detectLanguage(lines).score` without scoring each language. */
export function codeLikeness(lines: string[]): number {
  let hits = 0;
  for (const l of lines) if (ANY_RULE.test(l)) hits++;
  return likeness(lines, hits);
}

/** The best-scoring language of `lines` and how code-like they are (0..1). */
export function detectLanguage(lines: string[]): { lang?: string; score: number } {
  const score: Record<string, number> = {};
  let hits = 0;
  for (const line of lines) {
    if (!ANY_RULE.test(line)) continue;
    hits++;
    for (const r of LANG_RULES) if (mayMatch(r, line) && r.re.test(line)) score[r.lang] = (score[r.lang] ?? 0) + r.w;
  }
  // TypeScript is JavaScript plus types; C++ is C plus more.
  if (score.typescript) score.typescript += score.javascript ?? 0;
  if (score.cpp) score.cpp += score.c ?? 0;
  let best: string | undefined;
  for (const k of Object.keys(score).sort()) if (!best || score[k]! > score[best]!) best = k;
  return { lang: best, score: likeness(lines, hits) };
}
