/**
 * Lazy, once-per-process loading of web-tree-sitter and the grammar `.wasm` files (copied from the
 * grammar npm packages into dist/grammars at build time, brotli-compressed). Nothing is loaded until
 * the first file of a language arrives.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { Language, Parser, type Tree } from "web-tree-sitter";
import { SPECS, type LanguageId } from "./languages.js";

// Resolving from this module finds the grammars installed beside @headroom/code, wherever it lives.
const require = createRequire(import.meta.url);

let runtime: Promise<void> | undefined;
const languages = new Map<LanguageId, Promise<Language>>();
const parsers = new Map<LanguageId, Parser>();
const loadTimes = new Map<LanguageId, number>();

/**
 * Absolute path of the grammar for a language: the brotli-compressed copy the build ships in
 * dist/grammars (`<name>.wasm.br`; an installed package has only those), else the `.wasm` in the grammar
 * package itself (tests run from src in the repo, where the grammar packages are devDependencies).
 */
export function grammarPath(id: LanguageId): string {
  const { pkg, file } = SPECS[id].wasm;
  const shipped = fileURLToPath(new URL(`./grammars/${basename(file)}.br`, import.meta.url));
  if (existsSync(shipped)) return shipped;
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

/**
 * The grammar's wasm bytes, or its path for web-tree-sitter to read. Grammar wasm is mostly parse tables
 * and compresses about 12× (23 MB of grammars ship as 2 MB); unpacking one takes 1–40 ms, once per process.
 */
function grammarInput(path: string): string | Uint8Array {
  return path.endsWith(".br") ? new Uint8Array(brotliDecompressSync(readFileSync(path))) : path;
}

function initRuntime(): Promise<void> {
  runtime ??= Parser.init().catch((e: unknown) => {
    runtime = undefined; // let a later call retry instead of caching the failure forever
    throw e;
  });
  return runtime;
}

/** Loads (once) and returns the grammar of a language. */
export function loadLanguage(id: LanguageId): Promise<Language> {
  let p = languages.get(id);
  if (!p) {
    p = (async () => {
      const t0 = performance.now();
      await initRuntime();
      const lang = await Language.load(grammarInput(grammarPath(id)));
      loadTimes.set(id, performance.now() - t0);
      return lang;
    })();
    p.catch(() => languages.delete(id));
    languages.set(id, p);
  }
  return p;
}

/** A parser for a language, created once and reused (parsing is synchronous, so sharing is safe). */
export async function getParser(id: LanguageId): Promise<Parser> {
  const existing = parsers.get(id);
  if (existing) return existing;
  const lang = await loadLanguage(id);
  const again = parsers.get(id);
  if (again) return again;
  const parser = new Parser();
  parser.setLanguage(lang);
  parsers.set(id, parser);
  return parser;
}

/** What a parse is cancelled by: the pipeline's signal (it checks its deadline on each `aborted` read). */
export interface ParseSignal {
  throwIfAborted(): void;
  readonly aborted?: boolean;
}

/**
 * Parses `text` (re-using `old`, an edited tree of a previous version, when given); the caller deletes the
 * tree. A parse runs synchronously (seconds for a file of megabytes), so with a `signal` tree-sitter's
 * progress callback reads `aborted` and cancels it; a cancelled parse resets the shared parser (it would
 * otherwise resume on the next call) and throws the signal's reason.
 */
export async function parseText(id: LanguageId, text: string, old?: Tree, signal?: ParseSignal): Promise<Tree | null> {
  const parser = await getParser(id);
  if (!signal || signal.aborted === undefined) return parser.parse(text, old ?? null);
  signal.throwIfAborted();
  const tree = parser.parse(text, old ?? null, { progressCallback: () => signal.aborted === true });
  if (!tree && signal.aborted) {
    parser.reset();
    signal.throwIfAborted();
  }
  return tree;
}

/** Parses `text` and hands the tree to `use`, freeing the tree's WASM memory afterwards. */
export async function withTree<T>(id: LanguageId, text: string, use: (tree: Tree) => T, signal?: ParseSignal): Promise<T | undefined> {
  const tree = await parseText(id, text, undefined, signal);
  if (!tree) return undefined;
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/** Milliseconds the first load of each grammar took (runtime init included for the first one). */
export function grammarLoadTimes(): Partial<Record<LanguageId, number>> {
  return Object.fromEntries(loadTimes) as Partial<Record<LanguageId, number>>;
}
