/**
 * Programming languages by file name and by name: the one extension table the router (detection hints)
 * and the code compressor (grammar choice) share. Languages are the grammars Headroom parses.
 */

/** Languages Headroom knows by file extension (the code compressor has a grammar for each). */
export const LANGUAGE_IDS = ["python", "javascript", "typescript", "tsx", "go", "rust", "java", "c", "cpp", "csharp", "php", "scala", "bash", "ruby", "kotlin", "swift"] as const;

/** One of {@link LANGUAGE_IDS}. */
export type LanguageId = (typeof LANGUAGE_IDS)[number];

/** Extension (lower case, without the dot) → language. */
export const EXTENSION_LANGUAGES: Readonly<Record<string, LanguageId>> = {
  py: "python", pyi: "python", pyw: "python",
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "javascript",
  ts: "typescript", mts: "typescript", cts: "typescript", tsx: "tsx",
  go: "go", rs: "rust", java: "java",
  c: "c", h: "c",
  cc: "cpp", cpp: "cpp", cxx: "cpp", "c++": "cpp", hpp: "cpp", hh: "cpp", hxx: "cpp", ipp: "cpp", tpp: "cpp",
  cs: "csharp", php: "php", scala: "scala", sc: "scala", sh: "bash", bash: "bash",
  rb: "ruby", rake: "ruby", gemspec: "ruby",
  kt: "kotlin", kts: "kotlin", swift: "swift",
};

/** Other names of the languages (from detectors, fences and users) → language. */
const ALIASES: Readonly<Record<string, LanguageId>> = {
  py: "python", python3: "python", js: "javascript", node: "javascript", jsx: "javascript", ecmascript: "javascript",
  ts: "typescript", golang: "go", rs: "rust", "c++": "cpp", cxx: "cpp", cc: "cpp", h: "c", hpp: "cpp",
  "c#": "csharp", cs: "csharp", "c-sharp": "csharp", sc: "scala", sh: "bash", shell: "bash", zsh: "bash", rb: "ruby",
  kt: "kotlin", kts: "kotlin",
};

/** Extension of a file name, lower case and without the dot (`src/App.TSX` → `tsx`, `a.c++` → `c++`). */
export function fileExtension(fileName: string | undefined): string | undefined {
  return fileName?.trim().toLowerCase().match(/\.([a-z0-9+]+)$/)?.[1];
}

/** Language of a file name by its extension (`src/app.tsx` → `tsx`), or undefined. */
export function languageFromFileName(fileName: string | undefined): LanguageId | undefined {
  const ext = fileExtension(fileName);
  return ext && Object.hasOwn(EXTENSION_LANGUAGES, ext) ? EXTENSION_LANGUAGES[ext] : undefined;
}

/** A language name from a detector or a user (`TypeScript`, `golang`, `c++`) as a {@link LanguageId}. */
export function normalizeLanguage(name: string | undefined): LanguageId | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase();
  if ((LANGUAGE_IDS as readonly string[]).includes(n)) return n as LanguageId;
  return Object.hasOwn(ALIASES, n) ? ALIASES[n] : undefined;
}

/** Extension → content kind for files that are not code (data, logs, diffs, markup, prose). */
export const EXTENSION_KINDS: Readonly<Record<string, string>> = {
  json: "json", jsonl: "json", ndjson: "json", log: "log", diff: "diff", patch: "diff", html: "html", htm: "html",
  csv: "tabular", tsv: "tabular", md: "prose", rst: "prose", txt: "prose",
};

/** Content kind of a non-code file by its extension (`a.jsonl` → `json`, `x.patch` → `diff`), or undefined. */
export function kindFromFileName(fileName: string | undefined): string | undefined {
  const ext = fileExtension(fileName);
  return ext && Object.hasOwn(EXTENSION_KINDS, ext) ? EXTENSION_KINDS[ext] : undefined;
}
