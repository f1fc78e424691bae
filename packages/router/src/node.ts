import { readdirSync, readFileSync, existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyCompressor, Pipeline } from "@headroom/core";
import { createRouter, type RouterOptions } from "./index.js";
import { pluginFactory, Registry, type PluginModule } from "./registry.js";
import { resolvePackageEntry, type ModuleSystem } from "./resolve-entry.js";

export { resolvePackageEntry, type ModuleSystem } from "./resolve-entry.js";

// Set per output format by the build (tsup `define`); source run by vitest is ESM.
declare const __HEADROOM_MODULE_SYSTEM__: ModuleSystem | undefined;
/** The module system this copy of the router was loaded in: plugins are loaded in the same one. */
export const MODULE_SYSTEM: ModuleSystem = typeof __HEADROOM_MODULE_SYSTEM__ === "string" ? __HEADROOM_MODULE_SYSTEM__ : "import";
/** Where this router is installed: plugins installed beside it are found even when cwd is elsewhere. */
const ROUTER_DIR = dirname(fileURLToPath(import.meta.url));

/** A plugin package found on disk. */
export interface FoundPlugin {
  name: string;
  version: string;
  dir: string;
  /** `package.json#headroom.kinds`: the content kinds the plugin says it compresses. */
  kinds?: string[];
}

/** Options of `discoverPlugins`. */
export interface DiscoverOptions {
  /**
   * Directories to search from (each and its ancestors' `node_modules`). Default: the working directory
   * and this router's install location (so a globally installed tool finds the plugins installed with it).
   */
  from?: string | string[];
  /** Per-plugin options, by package name. */
  pluginOptions?: Record<string, Record<string, unknown>>;
  /** Registry to fill; a new one by default. */
  registry?: Registry;
  /**
   * Only load plugins whose `package.json#headroom.kinds` includes one of these kinds (plugins that
   * declare no kinds are always loaded). Default: every plugin.
   */
  kinds?: string[];
  /** Load plugins as ESM (`import`) or CommonJS (`require`). Default: the caller's, `MODULE_SYSTEM`. */
  moduleSystem?: ModuleSystem;
  /** Called with each warning (nothing found, kinds mismatch, second copy of core). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** The default search roots: the working directory, then where this router is installed. */
export function defaultSearchRoots(): string[] {
  return [process.cwd(), ROUTER_DIR];
}

/**
 * Finds installed compressor plugins: packages whose package.json has a `headroom` field (`{ "headroom":
 * { "kinds": ["csv"] } }` or `true`), in the `node_modules` folders from each start directory up to the
 * root. The first copy of a package found wins.
 */
export function findPlugins(from: string | string[] = defaultSearchRoots()): FoundPlugin[] {
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
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type Manifest = { name?: string; version?: string; exports?: unknown; main?: string; headroom?: { kinds?: unknown; plugin?: boolean } | boolean };

function readManifest(dir: string): Manifest | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  } catch (e) {
    // Not a readable package (missing or broken package.json, a dangling link): not a plugin.
    if (!unreadable(e)) throw e;
    return undefined;
  }
}

function scanNodeModules(nm: string): FoundPlugin[] {
  const out: FoundPlugin[] = [];
  const consider = (dir: string) => {
    const pkg = readManifest(dir);
    if (!pkg?.name || !pkg.headroom) return;
    const h = typeof pkg.headroom === "object" ? pkg.headroom : {};
    if (h.plugin === false) return;
    const kinds = Array.isArray(h.kinds) ? h.kinds.filter((k): k is string => typeof k === "string") : undefined;
    out.push({ name: pkg.name, version: pkg.version ?? "0.0.0", dir, ...(kinds ? { kinds } : {}) });
  };
  const list = (d: string) => {
    try {
      return readdirSync(d).sort();
    } catch (e) {
      if (!unreadable(e)) throw e;
      return [];
    }
  };
  for (const n of list(nm)) {
    if (n.startsWith(".")) continue;
    if (n.startsWith("@")) for (const s of list(join(nm, n))) consider(join(nm, n, s));
    else consider(join(nm, n));
  }
  return out;
}

/** A file-system error (ENOENT, EACCES, ENOTDIR…) or a package.json that is not JSON. */
function unreadable(e: unknown): boolean {
  return e instanceof SyntaxError || (e instanceof Error && typeof (e as { code?: unknown }).code === "string");
}

/** Loads a plugin's entry through its `exports` (or `main`) in the given module system. */
async function loadPlugin(p: FoundPlugin, system: ModuleSystem): Promise<PluginModule> {
  const pkg = readManifest(p.dir) ?? {};
  const entry = resolvePackageEntry(p.dir, pkg, system);
  if (!entry) throw new Error(`exports no "." entry for ${system === "import" ? "ESM (import)" : "CommonJS (require)"}`);
  if (system === "require") return createRequire(entry)(entry) as PluginModule;
  return (await import(pathToFileURL(entry).href)) as PluginModule;
}

/** The real path of the @headroom/core a directory resolves, or undefined. */
function coreFrom(dir: string): string | undefined {
  try {
    return realpathSync(dirname(createRequire(join(dir, "package.json")).resolve("@headroom/core/package.json")));
  } catch (e) {
    // MODULE_NOT_FOUND carries a code: core not resolvable from there.
    if (!unreadable(e)) throw e;
    return undefined;
  }
}

/**
 * Where this router's CommonJS @headroom/core would be, when this router runs as ESM: if a plugin made
 * Node load it, the process holds two copies of core (two module graphs: separate key memo, separate
 * `instanceof`, twice the load time). `undefined` when the router itself is CommonJS or core is not found.
 */
function cjsCoreEntry(): string | undefined {
  if (MODULE_SYSTEM !== "import") return undefined;
  try {
    return createRequire(join(ROUTER_DIR, "package.json")).resolve("@headroom/core");
  } catch (e) {
    if (!unreadable(e)) throw e;
    return undefined;
  }
}

/** True when Node has loaded the CommonJS build of core beside this ESM router. */
export function loadsSecondCore(): boolean {
  const entry = cjsCoreEntry();
  return entry !== undefined && entry.endsWith(".cjs") && createRequire(import.meta.url).cache[entry] !== undefined;
}

const defaultWarn = (m: string) => process.emitWarning(m, { code: "HEADROOM_DISCOVERY" });

/** Loads every plugin `findPlugins` finds into a registry. Failures are returned, not thrown. */
export async function discoverPlugins(options: DiscoverOptions = {}): Promise<{ registry: Registry; found: FoundPlugin[]; errors: { name: string; message: string }[]; warnings: string[] }> {
  const registry = options.registry ?? new Registry();
  const roots = options.from === undefined ? defaultSearchRoots() : Array.isArray(options.from) ? options.from : [options.from];
  const system = options.moduleSystem ?? MODULE_SYSTEM;
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    (options.onWarning ?? defaultWarn)(m);
  };
  const wanted = options.kinds;
  const found = findPlugins(roots).filter((p) => !wanted || !p.kinds || p.kinds.some((k) => wanted.includes(k)));
  const errors: { name: string; message: string }[] = [];
  if (!found.length)
    warn(`no Headroom compressor plugins found in node_modules above ${roots.map((r) => resolve(r)).join(" or ")}: install some (npm i @headroom/smart-crusher @headroom/log …) or register compressors explicitly`);
  const ownCore = coreFrom(ROUTER_DIR);
  let secondCore = loadsSecondCore();
  for (const p of found) {
    try {
      const mod = await loadPlugin(p, system);
      const factory = pluginFactory(mod);
      if (!factory) throw new Error(`${p.name} does not export headroomPlugin()`);
      const made = factory(options.pluginOptions?.[p.name]);
      const compressors: AnyCompressor[] = Array.isArray(made) ? made : [made];
      registry.register(compressors, p.name, p.version);
      const handled = [...new Set(compressors.flatMap((c) => (Array.isArray(c.kinds) ? c.kinds : [])))];
      if (p.kinds && handled.some((k) => k !== "*" && !p.kinds!.includes(k)))
        warn(`${p.name} declares kinds [${p.kinds.join(", ")}] in package.json#headroom.kinds but its compressors handle [${handled.join(", ")}]`);
      const theirs = coreFrom(p.dir);
      if (ownCore && theirs && theirs !== ownCore) warn(`${p.name} loads a second copy of @headroom/core (${theirs}, the router uses ${ownCore}): dedupe your install`);
      else if (!secondCore && loadsSecondCore()) {
        secondCore = true;
        warn(`${p.name} made Node load the CommonJS build of @headroom/core beside the ESM one this router uses: load the plugin's ESM build (its exports "import" condition)`);
      }
    } catch (e) {
      errors.push({ name: p.name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { registry, found, errors, warnings };
}

/** A router over every installed plugin (discovered from `from`, default the working directory and the router's location). */
export async function createDefaultRouter(
  options: RouterOptions & DiscoverOptions = {},
): Promise<Pipeline & { registry: Registry; discoveryErrors: { name: string; message: string }[]; discoveryWarnings: string[] }> {
  const { from, pluginOptions, kinds, moduleSystem, onWarning, ...rest } = options;
  const { registry, errors, warnings } = await discoverPlugins({
    ...(from ? { from } : {}),
    ...(pluginOptions ? { pluginOptions } : {}),
    ...(rest.registry ? { registry: rest.registry } : {}),
    ...(kinds ? { kinds } : {}),
    ...(moduleSystem ? { moduleSystem } : {}),
    ...(onWarning ? { onWarning } : {}),
  });
  return Object.assign(createRouter({ ...rest, registry }), { discoveryErrors: errors, discoveryWarnings: warnings });
}
