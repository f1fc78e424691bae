/**
 * Content kinds in v2 are open strings: a plugin may name its own (`csv`, `terraform`, `my-co/trace`).
 * These are the kinds the built-in detectors (core's JSON detector, `@headroom/router`) emit and the
 * first-party compressors handle; use the constants rather than retyping the strings.
 */
export const CONTENT_KINDS = {
  /** A JSON document or JSON lines. */
  json: "json",
  /** Source code; `Detection.language` names the language. */
  code: "code",
  /** Log lines (timestamps, levels, build and test output). */
  log: "log",
  /** A unified diff. */
  diff: "diff",
  /** `path:line:text` search results (grep, ripgrep). */
  search: "search",
  html: "html",
  /** CSV, TSV and markdown tables. */
  tabular: "tabular",
  /** Natural-language text. */
  prose: "prose",
  /** Several of the above in one text (split into sections by the router). */
  mixed: "mixed",
  /** Anything else. */
  text: "text",
  /** An image part (reserved for image units: media type, base64 bytes, detail). */
  image: "image",
} as const;

/** One of the built-in kinds. */
export type BuiltinContentKind = (typeof CONTENT_KINDS)[keyof typeof CONTENT_KINDS];

/** A content kind: a built-in one or any string a plugin defines. */
// `string & {}` keeps editor completion for the built-in names while accepting any string.
export type ContentKindV2 = BuiltinContentKind | (string & {});
