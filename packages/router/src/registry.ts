import { SPECIFICATION_VERSION, type Compressor, type ContentKind } from "@headroom/core";

/** What a plugin module exports: a factory returning one compressor or several. */
export type PluginFactory = (options?: Record<string, unknown>) => Compressor | Compressor[];

/** A plugin package's module shape: `export function headroomPlugin(options)` (or a default export). */
export interface PluginModule {
  headroomPlugin?: PluginFactory;
  default?: PluginFactory | { headroomPlugin?: PluginFactory };
}

/** Where a registered compressor came from. */
export interface RegistryEntry {
  compressor: Compressor;
  /** Package name for discovered plugins, `explicit` for `register()`. */
  source: string;
  version?: string;
}

/** Holds the installed compressors; the router asks it which one handles a kind. */
export class Registry {
  private readonly entries: RegistryEntry[] = [];

  /** Registers compressors explicitly (bundlers, edge runtimes, your own compressors). Same name replaces. */
  register(compressors: Compressor | Compressor[], source = "explicit", version?: string): this {
    for (const c of Array.isArray(compressors) ? compressors : [compressors]) {
      assertCompressor(c, source);
      const i = this.entries.findIndex((e) => e.compressor.name === c.name);
      const entry: RegistryEntry = version ? { compressor: c, source, version } : { compressor: c, source };
      if (i >= 0) this.entries[i] = entry;
      else this.entries.push(entry);
    }
    return this;
  }

  /** Registers what a plugin module exports. */
  registerModule(mod: PluginModule, source: string, version?: string, options?: Record<string, unknown>): this {
    const factory = pluginFactory(mod);
    if (!factory) throw new Error(`${source} does not export headroomPlugin()`);
    return this.register(factory(options), source, version);
  }

  get(name: string): Compressor | undefined {
    return this.entries.find((e) => e.compressor.name === name)?.compressor;
  }

  /** All compressors, in registration order. */
  list(): Compressor[] {
    return this.entries.map((e) => e.compressor);
  }

  describe(): { name: string; kinds: string[]; source: string; version?: string }[] {
    return this.entries.map((e) => ({ name: e.compressor.name, kinds: [...e.compressor.kinds], source: e.source, ...(e.version ? { version: e.version } : {}) }));
  }

  /** Compressors for a kind, best first (priority, then registration order). */
  forKind(kind: ContentKind): Compressor[] {
    return this.list()
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.kinds.includes(kind) || c.kinds.includes("*"))
      .sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i)
      .map(({ c }) => c);
  }

  /** Kinds at least one compressor handles. */
  kinds(): ContentKind[] {
    const s = new Set<ContentKind>();
    for (const c of this.list()) for (const k of c.kinds) if (k !== "*") s.add(k);
    return [...s].sort();
  }
}

export function pluginFactory(mod: PluginModule): PluginFactory | undefined {
  if (typeof mod.headroomPlugin === "function") return mod.headroomPlugin;
  if (typeof mod.default === "function") return mod.default;
  if (mod.default && typeof mod.default.headroomPlugin === "function") return mod.default.headroomPlugin;
  return undefined;
}

function assertCompressor(c: Compressor, source: string): void {
  if (!c || typeof c !== "object" || typeof c.name !== "string" || typeof c.compress !== "function" || !Array.isArray(c.kinds))
    throw new TypeError(`${source}: not a compressor (needs name, kinds and compress())`);
  if (c.specificationVersion !== SPECIFICATION_VERSION)
    throw new TypeError(`${source}: compressor ${c.name} implements spec ${String(c.specificationVersion)}, this router speaks ${SPECIFICATION_VERSION}`);
}
