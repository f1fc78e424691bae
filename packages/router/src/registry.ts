import { compressorProblem, type AnyCompressor } from "@headroom/core";

/** What a plugin module exports: a factory returning one compressor or several (v1 or v2). */
export type PluginFactory = (options?: Record<string, unknown>) => AnyCompressor | AnyCompressor[];

/** A plugin package's module shape: `export function headroomPlugin(options)` (or a default export). */
export interface PluginModule {
  headroomPlugin?: PluginFactory;
  default?: PluginFactory | { headroomPlugin?: PluginFactory };
}

/** Where a registered compressor came from. */
export interface RegistryEntry {
  compressor: AnyCompressor;
  /** Package name for discovered plugins, `explicit` for `register()`. */
  source: string;
  version?: string;
}

/**
 * Holds the installed compressors (v1 or v2); the router asks it which one handles a kind. A router made
 * from a registry sees compressors registered after it was created.
 */
export class Registry {
  private readonly entries: RegistryEntry[] = [];
  private changes = 0;

  /** Counts changes, so that a router knows when to rebuild its pipeline. */
  get revision(): number {
    return this.changes;
  }

  /**
   * Registers compressors explicitly (bundlers, edge runtimes, your own compressors). Same name replaces.
   * Throws a TypeError for a value that is not a compressor of a supported specification version.
   */
  register(compressors: AnyCompressor | AnyCompressor[], source = "explicit", version?: string): this {
    for (const c of Array.isArray(compressors) ? compressors : [compressors]) {
      const problem = compressorProblem(c);
      if (problem) throw new TypeError(`${source}: ${problem}`);
      this.changes++;
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

  get(name: string): AnyCompressor | undefined {
    return this.entries.find((e) => e.compressor.name === name)?.compressor;
  }

  /** All compressors, in registration order. */
  list(): AnyCompressor[] {
    return this.entries.map((e) => e.compressor);
  }

  describe(): { name: string; kinds: string[]; source: string; version?: string }[] {
    return this.entries.map((e) => ({ name: e.compressor.name, kinds: [...e.compressor.kinds], source: e.source, ...(e.version ? { version: e.version } : {}) }));
  }

  /** Compressors for a kind, best first (priority, then registration order). */
  forKind(kind: string): AnyCompressor[] {
    return this.list()
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => (c.kinds as readonly string[]).includes(kind) || c.kinds.includes("*"))
      .sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i)
      .map(({ c }) => c);
  }

  /** Kinds at least one compressor handles. */
  kinds(): string[] {
    const s = new Set<string>();
    for (const c of this.list()) for (const k of c.kinds) if (k !== "*") s.add(k);
    return [...s].sort();
  }
}

/** The factory a plugin module exports (`headroomPlugin`, or a default export), if any. */
export function pluginFactory(mod: PluginModule): PluginFactory | undefined {
  if (typeof mod.headroomPlugin === "function") return mod.headroomPlugin;
  if (typeof mod.default === "function") return mod.default;
  if (mod.default && typeof mod.default.headroomPlugin === "function") return mod.default.headroomPlugin;
  return undefined;
}
