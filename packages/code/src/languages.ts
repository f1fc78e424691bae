/**
 * What the compressor needs to know about each grammar: which nodes are functions with a collapsible
 * body, which are comments and multi-line literals, and how a comment is written.
 */

import type { LanguageId } from "@headroom/text";

// The language list, the extension table and the language-name aliases are @headroom/text's (the router
// uses the same table for its hints); `SPECS` must have an entry for each of its languages.
export { LANGUAGE_IDS as LANGUAGES, languageFromFileName, normalizeLanguage, type LanguageId } from "@headroom/text";

/**
 * How a collapsed body is written: inside braces (`{ // … }`), as an indented Python block (`...  # …`),
 * or between the signature and the closing `end` keyword (Ruby: `def f(x)` ⏎ `# …` ⏎ `end`).
 */
export type BodyStyle = "brace" | "python" | "end";

/** The node fields the compressor reads off a definition. */
export type UnnamedField = "name" | "parameters" | "body";

export interface LanguageSpec {
  id: LanguageId;
  /**
   * npm package that ships the grammar, the `.wasm` file inside it (a path relative to the package), and,
   * when the package is a collection whose own license is not the grammar's, the grammar's license file
   * (relative to this package: `licenses/…`).
   */
  wasm: { pkg: string; file: string; license?: string };
  style: BodyStyle;
  /** Node types whose `body` field may be collapsed. */
  functions: ReadonlySet<string>;
  /** Node types that count as class-like definitions for signature retention. */
  classes: ReadonlySet<string>;
  /** Comment node types. */
  comments: ReadonlySet<string>;
  /** String-like node types that may span lines (whitespace inside them is content: never touched). */
  literals: ReadonlySet<string>;
  /** Preprocessor macro definitions whose multi-line value may be collapsed (C, C++). */
  macros: ReadonlySet<string>;
  /** Line-comment prefix used for placeholders. */
  lineComment: "//" | "#";
  /** Grammars to try, in order, when this one reports parse errors (TypeScript with JSX, C that is C++). */
  fallbacks: readonly LanguageId[];
  /**
   * For grammars without field names (Kotlin's): the child node types that stand for the `name`,
   * `parameters` and `body` fields of a definition, looked up (first child of one of the types) when the
   * field itself is absent.
   */
  unnamed?: Readonly<Record<UnnamedField, readonly string[]>>;
}

const set = (...xs: string[]): ReadonlySet<string> => new Set(xs);

const JS_FUNCTIONS = set(
  "function_declaration",
  "generator_function_declaration",
  "function_expression",
  "function",
  "generator_function",
  "arrow_function",
  "method_definition",
);
const JS_CLASSES = set("class_declaration", "class", "abstract_class_declaration", "interface_declaration");
const JS_LITERALS = set("template_string", "string");
const TS_CLASSES = set(...JS_CLASSES, "enum_declaration", "type_alias_declaration", "module", "internal_module");

const NO_MACROS = set();
const C_MACROS = set("preproc_function_def", "preproc_def");
const C_LITERALS = set("string_literal", "raw_string_literal", "concatenated_string");

/** Per-language facts, keyed by language id. */
/** TypeScript and TSX: one grammar package, two wasm files, each the other's fallback. */
function typeScript(id: "typescript" | "tsx", file: string, fallback: "typescript" | "tsx"): LanguageSpec {
  return {
    id,
    wasm: { pkg: "tree-sitter-typescript", file },
    style: "brace",
    functions: JS_FUNCTIONS,
    classes: TS_CLASSES,
    comments: set("comment", "html_comment"),
    literals: JS_LITERALS,
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [fallback],
  };
}

export const SPECS: Readonly<Record<LanguageId, LanguageSpec>> = {
  python: {
    id: "python",
    wasm: { pkg: "tree-sitter-python", file: "tree-sitter-python.wasm" },
    style: "python",
    functions: set("function_definition"),
    classes: set("class_definition"),
    comments: set("comment"),
    literals: set("string", "concatenated_string"),
    macros: set(),
    lineComment: "#",
    fallbacks: [],
  },
  javascript: {
    id: "javascript",
    wasm: { pkg: "tree-sitter-javascript", file: "tree-sitter-javascript.wasm" },
    style: "brace",
    functions: JS_FUNCTIONS,
    classes: JS_CLASSES,
    comments: set("comment", "html_comment"),
    literals: JS_LITERALS,
    macros: NO_MACROS,
    lineComment: "//",
    // Flow/TS-flavoured .js files parse with the TypeScript grammars.
    fallbacks: ["tsx", "typescript"],
  },
  typescript: typeScript("typescript", "tree-sitter-typescript.wasm", "tsx"),
  tsx: typeScript("tsx", "tree-sitter-tsx.wasm", "typescript"),
  go: {
    id: "go",
    wasm: { pkg: "tree-sitter-go", file: "tree-sitter-go.wasm" },
    style: "brace",
    functions: set("function_declaration", "method_declaration", "func_literal"),
    classes: set("type_spec"),
    comments: set("comment"),
    literals: set("raw_string_literal", "interpreted_string_literal"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  rust: {
    id: "rust",
    wasm: { pkg: "tree-sitter-rust", file: "tree-sitter-rust.wasm" },
    style: "brace",
    functions: set("function_item"),
    classes: set("struct_item", "enum_item", "trait_item", "union_item", "type_item"),
    comments: set("line_comment", "block_comment"),
    literals: set("string_literal", "raw_string_literal"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  java: {
    id: "java",
    wasm: { pkg: "tree-sitter-java", file: "tree-sitter-java.wasm" },
    style: "brace",
    functions: set("method_declaration", "constructor_declaration", "compact_constructor_declaration"),
    classes: set("class_declaration", "interface_declaration", "enum_declaration", "record_declaration", "annotation_type_declaration"),
    comments: set("line_comment", "block_comment"),
    literals: set("string_literal", "text_block"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  c: {
    id: "c",
    wasm: { pkg: "tree-sitter-c", file: "tree-sitter-c.wasm" },
    style: "brace",
    functions: set("function_definition"),
    classes: set("struct_specifier", "union_specifier", "enum_specifier"),
    comments: set("comment"),
    literals: C_LITERALS,
    macros: C_MACROS,
    lineComment: "//",
    fallbacks: ["cpp"],
  },
  cpp: {
    id: "cpp",
    wasm: { pkg: "tree-sitter-cpp", file: "tree-sitter-cpp.wasm" },
    style: "brace",
    functions: set("function_definition"),
    classes: set("class_specifier", "struct_specifier", "union_specifier", "enum_specifier"),
    comments: set("comment"),
    literals: C_LITERALS,
    macros: C_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  csharp: {
    id: "csharp",
    wasm: { pkg: "tree-sitter-c-sharp", file: "tree-sitter-c_sharp.wasm" },
    style: "brace",
    functions: set(
      "method_declaration",
      "constructor_declaration",
      "destructor_declaration",
      "operator_declaration",
      "conversion_operator_declaration",
      "local_function_statement",
      "accessor_declaration",
    ),
    classes: set("class_declaration", "struct_declaration", "interface_declaration", "enum_declaration", "record_declaration"),
    comments: set("comment"),
    literals: set("string_literal", "verbatim_string_literal", "raw_string_literal", "interpolated_string_expression"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  php: {
    id: "php",
    // tree-sitter-php.wasm is the grammar of whole .php files (HTML around `<?php` tags), not php_only.
    wasm: { pkg: "tree-sitter-php", file: "tree-sitter-php.wasm" },
    style: "brace",
    functions: set("function_definition", "method_declaration", "anonymous_function"),
    classes: set("class_declaration", "interface_declaration", "trait_declaration", "enum_declaration"),
    comments: set("comment"),
    literals: set("string", "encapsed_string", "heredoc", "nowdoc"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  scala: {
    id: "scala",
    wasm: { pkg: "tree-sitter-scala", file: "tree-sitter-scala.wasm" },
    // Only `{ … }` bodies collapse: Scala 3 indentation bodies and `= expr` one-liners stay as they are.
    style: "brace",
    functions: set("function_definition"),
    classes: set("class_definition", "object_definition", "trait_definition", "enum_definition"),
    comments: set("comment", "block_comment"),
    literals: set("string", "interpolated_string_expression"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
  bash: {
    id: "bash",
    wasm: { pkg: "tree-sitter-bash", file: "tree-sitter-bash.wasm" },
    // `f() { … }` bodies are compound statements in braces; `f() ( … )` subshell bodies stay.
    style: "brace",
    functions: set("function_definition"),
    classes: set(),
    comments: set("comment"),
    literals: set("string", "raw_string", "ansi_c_string", "heredoc_body"),
    macros: NO_MACROS,
    lineComment: "#",
    fallbacks: [],
  },
  ruby: {
    id: "ruby",
    wasm: { pkg: "tree-sitter-ruby", file: "tree-sitter-ruby.wasm" },
    style: "end",
    functions: set("method", "singleton_method"),
    classes: set("class", "module", "singleton_class"),
    comments: set("comment"),
    literals: set("string", "heredoc_body", "regex"),
    macros: NO_MACROS,
    lineComment: "#",
    fallbacks: [],
  },
  kotlin: {
    id: "kotlin",
    // The tree-sitter-kotlin package (fwcd's grammar) ships no wasm; tree-sitter-wasms has it prebuilt.
    wasm: { pkg: "tree-sitter-wasms", file: "out/tree-sitter-kotlin.wasm", license: "licenses/tree-sitter-kotlin.LICENSE" },
    // Only `{ … }` bodies collapse: `fun f() = expr` one-liners stay as they are.
    style: "brace",
    functions: set("function_declaration", "getter", "setter"),
    classes: set("class_declaration", "object_declaration", "companion_object"),
    comments: set("line_comment", "multiline_comment"),
    literals: set("string_literal"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
    unnamed: { name: ["simple_identifier", "type_identifier"], parameters: ["function_value_parameters"], body: ["function_body", "class_body", "enum_class_body"] },
  },
  swift: {
    id: "swift",
    // The tree-sitter-swift package ships no wasm; @repomix/tree-sitter-wasms has its 0.7.1 prebuilt.
    wasm: { pkg: "@repomix/tree-sitter-wasms", file: "out/tree-sitter-swift.wasm", license: "licenses/tree-sitter-swift.LICENSE" },
    style: "brace",
    // Subscripts and computed properties keep their bodies (no `body` field: accessor blocks).
    functions: set("function_declaration", "init_declaration", "deinit_declaration"),
    classes: set("class_declaration", "protocol_declaration"),
    comments: set("comment", "multiline_comment"),
    literals: set("line_string_literal", "multi_line_string_literal", "raw_string_literal"),
    macros: NO_MACROS,
    lineComment: "//",
    fallbacks: [],
  },
};
