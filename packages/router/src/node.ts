import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Pipeline } from "@headroom/core";
import { createRouter, type RouterOptions } from "./index.js";
import { Registry, type PluginModule } from "./registry.js";

/** A plugin package found on disk. */
export interface FoundPlugin {
  name: string;
  version: string;
  dir: string;
  kinds?: string[];
}

/** Options of `discoverPlugins`. */
export interface DiscoverOptions {
  /** Directories to search from (each and its ancestors' `node_modules`). Default: `process.cwd()`. */
  from?: string | string[];
  /** Per-plugin options, by package name. */
  pluginOptions?: Record<string, Record<string, unknown>>;
  /** Registry to fill; a new one by default. */
  registry?: Registry;
}

/**
 * Finds installed compressor plugins: `@headroom/*` packages and any package whose package.json has a
 * `headroom` field (`{ "headroom": { "kinds": ["csv"] } }`), in the `node_modules` folders from each
 * start directory up to the root. The first copy of a package found wins.
 */
export function findPlugins(from: string | string[] = process.cwd()): FoundPlugin[] {
  const found = new Map<string, FoundPlugin>();
  for (const start of Array.isArray(from) ? from : [from]) {
    let dir = resolve(start);
    for (;;) {
      const nm = join(dir, "node_modules");
      if (existsSync(nm)) for (const p of scanNodeModules(nm)) if (!found.has(p.name)) found.set(p.name, p);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function scanNodeModules(nm: string): FoundPlugin[] {
  const out: FoundPlugin[] = [];
  const consider = (dir: string) => {
    const pj = join(dir, "package.json");
    try {
      if (!statSync(dir).isDirectory()) return;
      const pkg = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string; headroom?: { kinds?: string[]; plugin?: boolean } | boolean };
      if (!pkg.name || !pkg.headroom) return;
      const h = typeof pkg.headroom === "object" ? pkg.headroom : {};
      if (h.plugin === false) return;
      out.push({ name: pkg.name, version: pkg.version ?? "0.0.0", dir, ...(h.kinds ? { kinds: h.kinds } : {}) });
    } catch (e) {
      // Not a readable package (missing or broken package.json, a dangling link): not a plugin.
      if (!unreadable(e)) throw e;
    }
  };
  let names: string[];
  try {
    names = readdirSync(nm).sort();
  } catch (e) {
    if (!unreadable(e)) throw e;
    return out;
  }
  for (const n of names) {
    if (n.startsWith(".")) continue;
    if (n.startsWith("@")) {
      let scoped: string[] = [];
      try {
        scoped = readdirSync(join(nm, n)).sort();
      } catch (e) {
        if (!unreadable(e)) throw e;
        continue;
      }
      for (const s of scoped) consider(join(nm, n, s));
    } else consider(join(nm, n));
  }
  return out;
}

/** A file-system error (ENOENT, EACCES, ENOTDIR…) or a package.json that is not JSON. */
function unreadable(e: unknown): boolean {
  return e instanceof SyntaxError || (e instanceof Error && typeof (e as { code?: unknown }).code === "string");
}

/** Loads every plugin `findPlugins` finds into a registry. Failures are returned, not thrown. */
export async function discoverPlugins(options: DiscoverOptions = {}): Promise<{ registry: Registry; found: FoundPlugin[]; errors: { name: string; message: string }[] }> {
  const registry = options.registry ?? new Registry();
  const found = findPlugins(options.from);
  const errors: { name: string; message: string }[] = [];
  for (const p of found) {
    try {
      // Resolving the package directory itself honours its "main" (the CJS build for our packages).
      const entry = createRequire(join(p.dir, "package.json")).resolve(p.dir);
      const mod = (await import(pathToFileURL(entry).href)) as PluginModule;
      registry.registerModule(mod, p.name, p.version, options.pluginOptions?.[p.name]);
    } catch (e) {
      errors.push({ name: p.name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { registry, found, errors };
}

/** A router over every installed plugin (discovered from `from`, default the working directory). */
export async function createDefaultRouter(options: RouterOptions & DiscoverOptions = {}): Promise<Pipeline & { registry: Registry; discoveryErrors: { name: string; message: string }[] }> {
  const { from, pluginOptions, ...rest } = options;
  const { registry, errors } = await discoverPlugins({ ...(from ? { from } : {}), ...(pluginOptions ? { pluginOptions } : {}), ...(rest.registry ? { registry: rest.registry } : {}) });
  return Object.assign(createRouter({ ...rest, registry }), { discoveryErrors: errors });
}
