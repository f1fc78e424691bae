/** Small helpers over web-tree-sitter nodes shared by the planner and the signature extractor. */
import type { Node } from "web-tree-sitter";
import type { LanguageSpec, UnnamedField } from "./languages.js";

/** What a helper needs of a language spec: the stand-ins of grammars without field names. */
type Fields = Pick<LanguageSpec, "unnamed"> | undefined;

/** Non-null children of a node (web-tree-sitter types them as nullable). */
export function kids(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

/**
 * A definition's `name`, `parameters` or `body` field, or, in a grammar without field names (Kotlin), its
 * first child of a type that stands for that field.
 */
export function field(node: Node, name: UnnamedField, spec: Fields): Node | null {
  const f = node.childForFieldName(name);
  if (f) return f;
  const types = spec?.unnamed?.[name];
  return types ? (kids(node).find((c) => types.includes(c.type)) ?? null) : null;
}

/** Finds the `function_declarator` under a C/C++ declarator chain (pointer, reference, parenthesised…). */
function functionDeclarator(node: Node): Node | null {
  const stack: Node[] = [];
  const d = node.childForFieldName("declarator");
  if (d) stack.push(d);
  // Bounded: declarator chains are a few levels deep.
  for (let guard = 0; stack.length && guard < 32; guard++) {
    const n = stack.pop()!;
    if (n.type === "function_declarator") return n;
    for (const c of kids(n)) if (c.isNamed && c.type.endsWith("declarator")) stack.push(c);
  }
  return null;
}

/** The node that names a function: its `name` field, its C declarator, or what it is assigned to (JS). */
export function functionNameNode(fn: Node, spec?: Fields): Node | null {
  const named = field(fn, "name", spec);
  if (named) return named;
  const decl = functionDeclarator(fn);
  if (decl) return decl.childForFieldName("declarator");
  const p = fn.parent;
  if (!p) return null;
  if (p.type === "variable_declarator") return p.childForFieldName("name");
  if (p.type === "pair" || p.type === "public_field_definition" || p.type === "field_definition")
    return p.childForFieldName("key") ?? p.childForFieldName("property") ?? p.childForFieldName("name");
  if (p.type === "assignment_expression") {
    const left = p.childForFieldName("left");
    return left?.type === "member_expression" ? left.childForFieldName("property") : left;
  }
  return null;
}

/** The parameter list of a function-like node, wherever its grammar keeps it. */
export function parametersNode(fn: Node, spec?: Fields): Node | null {
  const direct = field(fn, "parameters", spec) ?? fn.childForFieldName("parameter");
  if (direct) return direct;
  const decl = functionDeclarator(fn);
  return decl?.childForFieldName("parameters") ?? null;
}

/** Simple name of a function (`ns::Foo::bar` → `bar`, `res.cookie` → `cookie`). */
export function simpleName(text: string | undefined): string | undefined {
  return text?.match(/[A-Za-z_$][\w$]*$/)?.[0];
}

/** True when a node or anything under it is a parse error or a missing token. */
export function broken(node: Node): boolean {
  return node.hasError || node.isMissing;
}
