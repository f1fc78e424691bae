/**
 * API-level signatures of a source file — every named function/method with its parameter list and every
 * class-like definition — for measuring signature retention of any code compressor (ours or repomix).
 * "API-level" means not nested inside a function body: what a reader of the file's outline would list.
 */
import type { Node } from "web-tree-sitter";
import { withTree } from "./grammars.js";
import { SPECS, type LanguageId } from "./languages.js";
import { broken, field, functionNameNode, kids, parametersNode } from "./syntax.js";
import { collapseSpace } from "./text.js";

/** One signature: the definition's name and the exact source text from its name to its parameter list's end. */
export interface Signature {
  name: string;
  kind: "function" | "class";
  /** Source text, whitespace-collapsed: `get_adapter(self, url: str)`, `class HTTPAdapter`. */
  text: string;
  line: number;
}

/** Extracts the API-level signatures of `source` (empty when the language is unknown). */
export async function extractSignatures(source: string, language: LanguageId): Promise<Signature[]> {
  const spec = SPECS[language];
  const out: Signature[] = [];
  const r = await withTree(language, source, (tree) => {
    const visit = (n: Node) => {
      // Error recovery may wrap real definitions in ERROR or bogus nodes: only clean ones count.
      if (spec.functions.has(n.type) && !broken(n)) {
        const name = functionNameNode(n, spec);
        // A shell function, or a Ruby method without parentheses, has no parameter list: its signature
        // ends at `()` or, without it, at the name. Swift's parameters are loose children up to `)`.
        const bare = spec.id === "bash" || spec.id === "ruby" || spec.id === "swift";
        const params = parametersNode(n, spec) ?? (bare ? (kids(n).find((c) => c.type === ")") ?? name) : null);
        if (name && params && name.endIndex <= params.startIndex) {
          out.push({ name: name.text, kind: "function", text: collapseSpace(source.slice(name.startIndex, params.endIndex)), line: n.startPosition.row + 1 });
        }
        // Bodies are implementation: nested definitions are not part of the outline.
        // (web-tree-sitter hands out a fresh object per access: compare ids, not references.)
        const body = field(n, "body", spec);
        for (const c of kids(n)) if (c.id !== body?.id) visit(c);
        return;
      }
      if (spec.classes.has(n.type) && !broken(n)) {
        const name = field(n, "name", spec);
        const hasBody = field(n, "body", spec) !== null || n.type === "type_spec" || n.type.endsWith("_item");
        if (name && hasBody && name.startIndex >= n.startIndex) {
          out.push({ name: name.text, kind: "class", text: collapseSpace(source.slice(n.startIndex, name.endIndex)), line: n.startPosition.row + 1 });
        }
      }
      for (const c of kids(n)) if (c.namedChildCount > 0 || spec.functions.has(c.type) || spec.classes.has(c.type)) visit(c);
    };
    visit(tree.rootNode);
    return out;
  });
  return r ?? [];
}

/** Share of `signatures` whose text is present (whitespace-insensitively) in `output`; 1 when there are none. */
export function signatureRetention(signatures: readonly Signature[], output: string): { retained: number; total: number; missing: Signature[] } {
  const flat = collapseSpace(output);
  const missing = signatures.filter((s) => !flat.includes(s.text));
  return { retained: signatures.length - missing.length, total: signatures.length, missing };
}
