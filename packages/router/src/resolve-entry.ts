/**
 * Resolves a package's main entry the way Node does for a given module system, from its package.json:
 * the `exports` map (conditions `node`, then `import` or `require`, then `default`; string, object,
 * array and sugar forms) when present, else `main`, else `index.js`. Used by plugin discovery so that a
 * plugin with only `exports` loads, and an ESM caller gets the plugin's ESM build (and so the same ESM
 * copy of @headroom/core) instead of its CJS `main`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** `import` (ESM) or `require` (CommonJS). */
export type ModuleSystem = "import" | "require";

type ExportsTarget = string | null | ExportsTarget[] | { [condition: string]: ExportsTarget };

function pick(target: ExportsTarget | undefined, conditions: readonly string[]): string | undefined {
  if (target === null || target === undefined) return undefined;
  if (typeof target === "string") return target.startsWith("./") ? target : undefined;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pick(t, conditions);
      if (r) return r;
    }
    return undefined;
  }
  // Conditions are tried in the object's own order, as Node does; unknown ones (types, browser…) are skipped.
  for (const [k, v] of Object.entries(target)) if (conditions.includes(k)) return pick(v, conditions);
  return undefined;
}

/** The absolute path of a package's "." entry for `system`, or undefined when it exports none. */
export function resolvePackageEntry(dir: string, pkg: { exports?: unknown; main?: string }, system: ModuleSystem): string | undefined {
  const conditions = ["node", system, "default"];
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const ex = pkg.exports as ExportsTarget;
    const isSubpathMap = typeof ex === "object" && ex !== null && !Array.isArray(ex) && Object.keys(ex).some((k) => k.startsWith("."));
    const rel = pick(isSubpathMap ? (ex as Record<string, ExportsTarget>)["."] : ex, conditions);
    return rel ? join(dir, rel) : undefined;
  }
  for (const candidate of [pkg.main, pkg.main && `${pkg.main}.js`, pkg.main && join(pkg.main, "index.js"), "index.js"]) {
    if (candidate && existsSync(join(dir, candidate))) return join(dir, candidate);
  }
  return undefined;
}
