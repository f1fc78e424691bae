/**
 * Plans the elisions for one parsed file: which function bodies collapse to a placeholder and which long
 * comments/docstrings shrink to their first line. Produces non-overlapping edits over the original text;
 * everything outside them (signatures, decorators, class headers and fields, imports, constants) stays.
 */
import type { Language, Node, Tree } from "web-tree-sitter";
import type { LanguageSpec } from "./languages.js";
import { braceBody, commentRun, commentTail, macroValue, pythonBody } from "./placeholders.js";
import { broken, field, functionNameNode, kids, parametersNode, simpleName } from "./syntax.js";
import { firstInnerIndent, indentAt, nonBlankLines, startsLine } from "./text.js";

/** One replacement of `text.slice(start, end)` by `replacement`; the slice goes to the store. */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
  key: string;
  /** `trim`: a short comment cut to its first line; recoverable from the whole-file original only. */
  kind: "body" | "comment" | "trim";
}

/** A function whose body could collapse: what the relevance step sees of it. */
export interface BodyCandidate {
  /** Simple name of the function, when it has one. */
  name: string | undefined;
  /**
   * What the function says about itself: the comments right above it and its signature (everything
   * before the body). Not the body: a body that merely calls what the question names is not about it.
   */
  doc: string;
  /** Characters the body would drop. */
  size: number;
}

export interface PlanOptions {
  /** Bodies with fewer non-blank lines stay. */
  minBodyLines: number;
  /** Comments/docstrings with fewer lines stay. */
  minCommentLines: number;
  /** True when a function's body must stay whatever it costs (the query names the function). */
  keepName: (name: string) => boolean;
  /**
   * Of the bodies that would collapse, the ones to keep (indices into `candidates`): bodies the
   * question points at. Absent: every collapsible body collapses.
   */
  keepBodies?: (candidates: readonly BodyCandidate[]) => ReadonlySet<number>;
  /** Cut comments too short for their own marker to their first line (+ ` …`). */
  trimComments: boolean;
  /** Remembers an original and returns its key. */
  stash: (content: string, kind: "body" | "comment") => string;
}

/** Placeholder is only worth it when the span is at least this many times longer than the placeholder. */
const MIN_GAIN = 1.6;

const KEY_PLACEHOLDER = "0".repeat(24);

/** An edit whose original is not stashed yet: bodies wait for the relevance decision. */
interface Pending {
  start: number;
  end: number;
  kind: Edit["kind"];
  make: (key: string) => string;
  fn?: Node;
}

/** Walks the tree and returns the edits, sorted by position. */
export function planEdits(tree: Tree, text: string, spec: LanguageSpec, o: PlanOptions): Edit[] {
  const pending: Pending[] = [];
  const worth = (span: string, replacement: (key: string) => string) => span.length >= MIN_GAIN * replacement(KEY_PLACEHOLDER).length;

  const trim = (start: number, end: number, replacement: string) => {
    if (o.trimComments && /[^\s*]/.test(text.slice(start, end))) pending.push({ start, end, kind: "trim", make: () => replacement });
  };

  const add = (start: number, end: number, kind: "body" | "comment", replacement: (key: string) => string, fn?: Node): boolean => {
    if (!worth(text.slice(start, end), replacement)) return false;
    pending.push({ start, end, kind, make: replacement, ...(fn ? { fn } : {}) });
    return true;
  };

  /** Collapses a brace body; true when the function is fully handled (collapsed or kept short). */
  const braceFunction = (fn: Node, body: Node): boolean => {
    // Only the ends are read: `children` would build a JS object for every statement of the body.
    const open = body.firstChild;
    const close = body.lastChild;
    if (!open || !close || open.type !== "{" || close.type !== "}" || close.isMissing) return false;
    const start = open.endIndex;
    const end = close.startIndex;
    const inner = text.slice(start, end);
    const lines = nonBlankLines(inner);
    if (lines < o.minBodyLines || !inner.includes("\n")) return true;
    const closeIndent = startsLine(text, end) ? indentAt(text, end) : indentAt(text, fn.startIndex);
    const indent = firstInnerIndent(inner) ?? `${closeIndent}    `;
    add(start, end, "body", (key) => braceBody(indent, closeIndent, lines, key, spec.lineComment), fn);
    return true;
  };

  /**
   * Collapses what lies between a Ruby signature and its `end`; true when handled. An endless method
   * (`def f(x) = x`) has no `end`: left to the walk.
   */
  const endFunction = (fn: Node): boolean => {
    const close = fn.lastChild;
    const open = parametersNode(fn, spec) ?? functionNameNode(fn, spec);
    if (!open || !close || close.type !== "end" || close.isMissing) return false;
    const [start, end] = [open.endIndex, close.startIndex];
    const inner = text.slice(start, end);
    const lines = nonBlankLines(inner);
    if (lines < o.minBodyLines || !inner.includes("\n") || !startsLine(text, end)) return true;
    const closeIndent = indentAt(text, end);
    const indent = firstInnerIndent(inner) ?? `${closeIndent}  `;
    add(start, end, "body", (key) => braceBody(indent, closeIndent, lines, key, spec.lineComment), fn);
    return true;
  };

  const pythonFunction = (fn: Node, body: Node): boolean => {
    const colon = kids(fn).filter((c) => c.type === ":").pop();
    if (!colon || body.startPosition.row === colon.endPosition.row) return true;
    let start = colon.endIndex;
    let doc: string | undefined;
    const first = body.namedChildren[0];
    const str = first?.type === "expression_statement" && first.namedChildCount === 1 ? first.namedChildren[0] : null;
    if (str?.type === "string") {
      if (!str.text.includes("\n")) start = first!.endIndex;
      else doc = firstContentLine(str.text.replace(/^[a-zA-Z]*("""|'''|"|')/, ""))?.slice(0, 240);
    }
    const span = text.slice(start, body.endIndex);
    const lines = nonBlankLines(span);
    if (lines < o.minBodyLines) return true;
    const indent = indentAt(text, body.startIndex);
    add(start, body.endIndex, "body", (key) => pythonBody(indent, lines, key, doc), fn);
    return true;
  };

  const comments = (node: Node) => {
    // Comments inside parameter/argument lists and expressions may sit inside a signature (C++
    // enable_if conditions, annotated parameters): leave them alone.
    if (/parameter|argument|expression|condition|binary|call|subscript/.test(node.type)) return;
    let run: Node[] = [];
    const flush = () => {
      if (run.length >= 2) {
        const firstNode = run[0]!;
        const last = run[run.length - 1]!;
        const prefix = firstNode.text.match(/^(\/\/[/!]?|#)/)![1]!;
        const indent = indentAt(text, firstNode.startIndex);
        const [start, end] = [lineEnd(firstNode), lineEnd(last)];
        const more = run.length - 1; // bound now: the replacement is written after `run` is reset
        if (!(run.length >= o.minCommentLines && add(start, end, "comment", (key) => commentRun(indent, prefix, more, key))))
          trim(start, end, " …");
      }
      run = [];
    };
    for (const c of kids(node)) {
      if (!spec.comments.has(c.type)) {
        flush();
        continue;
      }
      const t = c.text.replace(/\r?\n$/, "");
      if (/^(\/\/|#)/.test(t) && !t.includes("\n")) {
        const prev = run[run.length - 1];
        const sameRun =
          prev &&
          /^\r?\n[ \t]*$/.test(text.slice(lineEnd(prev), c.startIndex)) &&
          prefixOf(prev.text) === prefixOf(t);
        if (!sameRun) {
          flush();
          if (!startsLine(text, c.startIndex)) continue; // a trailing comment after code
        }
        run.push(c);
      } else {
        flush();
        if (t.startsWith("/*")) blockComment(c);
      }
    }
    flush();
  };

  const lineEnd = (n: Node) => (n.text.endsWith("\n") ? n.endIndex - 1 : n.endIndex);

  const blockComment = (c: Node) => {
    const t = c.text;
    if (!t.endsWith("*/")) return;
    const lines = t.split("\n");
    let offset = 0;
    for (let i = 0; i < lines.length - 1; i++) {
      const raw = lines[i]!;
      const content = (i === 0 ? raw.replace(/^\/\*+!?/, "") : raw.replace(/^\s*\*+(?!\/)/, "")).trim();
      offset += raw.length;
      if (!content) {
        offset += 1;
        continue;
      }
      const rest = lines.length - 1 - i;
      const [start, end] = [c.startIndex + offset, c.endIndex - 2];
      if (!(rest + 1 >= o.minCommentLines && add(start, end, "comment", (key) => commentTail(rest, key, true)))) trim(start, end, " … ");
      return;
    }
  };

  /** Long module/class docstrings keep their first line. */
  const docstring = (block: Node) => {
    const first = block.namedChildren[0];
    if (first?.type !== "expression_statement" || first.namedChildCount !== 1) return;
    const str = first.namedChildren[0];
    if (str?.type !== "string") return;
    const parts = kids(str);
    const content = parts.find((p) => p.type === "string_content");
    const end = parts[parts.length - 1];
    if (!content || end?.type !== "string_end") return;
    const lines = content.text.split("\n");
    let offset = 0;
    for (let i = 0; i < lines.length - 1; i++) {
      offset += lines[i]!.length;
      if (!lines[i]!.trim()) {
        offset += 1;
        continue;
      }
      const rest = lines.length - 1 - i;
      const [from, to] = [content.startIndex + offset, end.startIndex];
      if (!(rest + 1 >= o.minCommentLines && add(from, to, "comment", (key) => commentTail(rest, key, false)))) trim(from, to, " …");
      return;
    }
  };

  const collapse = (fn: Node, body: Node): boolean =>
    spec.style === "python" ? pythonFunction(fn, body) : spec.style === "end" ? endFunction(fn) : braceFunction(fn, body);

  // The walk: every node outside a handled function or a macro is visited (handled ones stop the
  // descent), in document order; only nodes of the types acted on become JS objects. Edits of different
  // nodes never overlap, so `finish` sorting them gives the walk's order.
  const root = tree.rootNode;
  let stopEnd = -1;
  const commentParents = new Set<number>();
  if (spec.style === "python" && root.type === "module") docstring(root);
  for (const { name, node } of walkNodes(tree, spec, () => stopEnd)) {
    if (node.startIndex < stopEnd) continue; // inside a function or macro handled whole
    if (name === "fn") {
      const body = field(node, "body", spec);
      if (body && !broken(node)) {
        const fnName = simpleName(functionNameNode(node, spec)?.text);
        if ((fnName && o.keepName(fnName)) || collapse(node, body)) stopEnd = node.endIndex;
      }
      // A broken "function" is often error recovery swallowing a region (a macro without `;`):
      // the walk goes on inside it, looking for well-formed definitions.
    } else if (name === "macro") {
      const value = node.childForFieldName("value");
      if (value && !broken(node) && value.startPosition.row !== value.endPosition.row) {
        const lines = nonBlankLines(value.text);
        if (lines >= o.minBodyLines) add(value.startIndex, value.endIndex, "body", (key) => macroValue(lines, key));
      }
      stopEnd = node.endIndex;
    } else if (name === "doc") docstring(node);
    else {
      // A comment: runs are found among its parent's children, once per parent.
      const parent = node.parent;
      if (parent && !commentParents.has(parent.id)) {
        commentParents.add(parent.id);
        comments(parent);
      }
    }
  }
  return finish(pending, text, o, spec);
}

const kindTables = new WeakMap<Language, Map<LanguageSpec, WalkKinds>>();

/**
 * What the walk looks for, by node type id (every id of a named type, aliases included): an index into
 * `CAPTURE_NAMES`, or, in Python, `BLOCK` and `CLASS` (a class's block is its docstring's place); 0 = none.
 */
type WalkKinds = Uint8Array;

const CAPTURE_NAMES = ["", "fn", "macro", "comment"] as const;
const BLOCK = 4;
const CLASS = 5;

function walkKinds(language: Language, spec: LanguageSpec): WalkKinds {
  let bySpec = kindTables.get(language);
  if (!bySpec) {
    bySpec = new Map();
    kindTables.set(language, bySpec);
  }
  let k = bySpec.get(spec);
  if (!k) {
    const python = spec.style === "python";
    k = new Uint8Array(language.nodeTypeCount);
    for (let id = 0; id < k.length; id++) {
      const t = language.nodeTypeIsNamed(id) ? language.nodeTypeForId(id) : null;
      if (t === null) continue;
      k[id] = spec.functions.has(t) ? 1 : spec.macros.has(t) ? 2 : spec.comments.has(t) ? 3 : python && t === "block" ? BLOCK : python && t === "class_definition" ? CLASS : 0;
    }
    bySpec.set(spec, k);
  }
  return k;
}

/**
 * The walk's nodes in pre-order (an enclosing node before the nodes inside it): functions, macros,
 * comments and (Python) class blocks. A tree cursor reads each node's type id in WASM and does not
 * descend into a node the walk handled whole (`skipTo()` at or past its end once it was yielded), so a
 * collapsed body's nodes are never visited. A tree-sitter query over windows of the source, before,
 * walked every node of each window and cost 5–17% more of a whole compression (cpp: the same).
 */
export function* walkNodes(tree: Tree, spec: LanguageSpec, skipTo: () => number): Generator<{ name: string; node: Node }> {
  const kind = walkKinds(tree.language, spec);
  const cursor = tree.walk();
  // Type ids of the current node's ancestors (a Python block is a docstring's place only in a class).
  const parents: number[] = [];
  try {
    for (;;) {
      const id = cursor.nodeTypeId;
      const k = kind[id] ?? 0; // ERROR's id (65535) lies past the table: not a kind
      const name = k === BLOCK ? (kind[parents[parents.length - 1] ?? 0] === CLASS ? "doc" : "") : k === CLASS ? "" : CAPTURE_NAMES[k];
      let descend = true;
      if (name) {
        const node = cursor.currentNode;
        yield { name, node };
        descend = skipTo() < node.endIndex;
      }
      if (descend && cursor.gotoFirstChild()) {
        parents.push(id);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
        parents.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Drops the bodies the question points at, then stashes every remaining original (in position order). */
function finish(pending: Pending[], text: string, o: PlanOptions, spec: LanguageSpec): Edit[] {
  pending.sort((a, b) => a.start - b.start);
  let kept: ReadonlySet<Pending> = new Set();
  const bodies = pending.filter((p) => p.fn);
  if (o.keepBodies && bodies.length) {
    const candidates = bodies.map((p) => ({ name: simpleName(functionNameNode(p.fn!, spec)?.text), doc: leadingComments(p.fn!, text) + text.slice(p.fn!.startIndex, p.start), size: p.end - p.start }));
    const keep = o.keepBodies(candidates);
    kept = new Set(bodies.filter((_, i) => keep.has(i)));
  }
  const edits: Edit[] = [];
  for (const p of pending) {
    if (kept.has(p)) continue;
    if (p.kind === "trim") {
      edits.push({ start: p.start, end: p.end, replacement: p.make(""), key: "", kind: "trim" });
      continue;
    }
    const key = o.stash(text.slice(p.start, p.end), p.kind);
    edits.push({ start: p.start, end: p.end, replacement: p.make(key), key, kind: p.kind });
  }
  return edits;
}

/** Wrapper nodes whose comments sit above the wrapper, not above the function inside it. */
const WRAPPERS = /^(?:decorated_definition|export_statement|template_declaration|lexical_declaration|variable_declaration|variable_declarator|expression_statement|assignment_expression)$/;

/**
 * The comments directly above a function (doc comments, JSDoc, `///` runs): they say what it does, in
 * the words a question uses. Only comments separated from it by whitespace count.
 */
function leadingComments(fn: Node, text: string): string {
  let n: Node = fn;
  for (let i = 0; i < 3 && n.parent && WRAPPERS.test(n.parent.type); i++) n = n.parent;
  let out = "";
  let at = n.startIndex;
  for (let prev = n.previousSibling, i = 0; prev && i < 8 && /comment/.test(prev.type); prev = prev.previousSibling, i++) {
    if (text.slice(prev.endIndex, at).trim()) break;
    out = prev.text + "\n" + out;
    at = prev.startIndex;
  }
  return out;
}

function prefixOf(t: string): string {
  return t.match(/^(\/\/[/!]?|#)/)?.[1] ?? "";
}

function firstContentLine(s: string): string | undefined {
  for (const line of s.split("\n")) {
    const t = line.trim();
    if (t) return t.replace(/("""|''')$/, "").trim() || undefined;
  }
  return undefined;
}

/** Applies sorted, non-overlapping edits. */
export function applyEdits(text: string, edits: readonly Pick<Edit, "start" | "end" | "replacement">[]): string {
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}
