import { createRequire } from "node:module";

/** A prepared statement, the part of it the store uses. Rows are plain objects; no row is `undefined`. */
export interface SqliteStatement {
  get(...params: unknown[]): Record<string, unknown> | undefined;
  run(...params: unknown[]): { changes: number };
}

/** An open database, the part of it the store uses (the same on every driver). */
export interface SqliteDb {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** The SQLite implementations the store can run on. */
export type SqliteDriverName = "better-sqlite3" | "node:sqlite" | "bun:sqlite";

/** A loaded driver. */
export interface SqliteDriver {
  name: SqliteDriverName;
  /** Opens (or creates) a database file, or `:memory:`. */
  open(path: string): SqliteDb;
}

/** Why no driver could be loaded: one reason per driver tried. */
export interface SqliteDriverProbe {
  driver?: SqliteDriver;
  /** `name: reason` for every driver that was tried and did not load, in order. */
  failures: string[];
}

// The order comes from `pnpm --filter @headroom/bench bench --suite ccr`-style measurements on this
// machine (see the ccr README, "Choosing a SQLite driver"): on Bun its built-in driver needs no native
// addon and is the fastest; on Node better-sqlite3 beats node:sqlite on puts and gets, and node:sqlite
// (Node ≥ 22.5) is the fallback when the addon is missing or was never built.
const ORDER: SqliteDriverName[] = ["bun:sqlite", "better-sqlite3", "node:sqlite"];

// tsup's `shims` gives the CJS build an `import.meta.url`.
const req = createRequire(import.meta.url);

const reason = (e: unknown) => (e instanceof Error ? e.message.split("\n")[0]! : String(e));

type Ctor = new (path: string, ...rest: unknown[]) => {
  exec(sql: string): unknown;
  prepare(sql: string): { get(...p: unknown[]): unknown; run(...p: unknown[]): { changes: number | bigint } };
  close(): void;
};

/** Wraps a driver whose API is `new DB(path).prepare(sql).get/run`, as all three have. */
function wrap(name: SqliteDriverName, DB: Ctor): SqliteDriver {
  return {
    name,
    open(path) {
      const db = new DB(path);
      return {
        exec: (sql) => void db.exec(sql),
        prepare(sql) {
          const st = db.prepare(sql);
          return {
            // bun:sqlite answers `null` for no row.
            get: (...p) => (st.get(...p) ?? undefined) as Record<string, unknown> | undefined,
            run: (...p) => ({ changes: Number(st.run(...p).changes) }),
          };
        },
        close: () => db.close(),
      };
    },
  };
}

function load(name: SqliteDriverName): SqliteDriver {
  const g = globalThis as { Bun?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (name === "bun:sqlite") {
    if (!g.Bun) throw new Error("not running on Bun");
    return wrap(name, (req("bun:sqlite") as { Database: Ctor }).Database);
  }
  if (name === "node:sqlite") {
    const mod = (g.process?.getBuiltinModule?.("node:sqlite") ?? req("node:sqlite")) as { DatabaseSync?: Ctor };
    if (!mod?.DatabaseSync) throw new Error("not in this runtime (Node ≥ 22.5)");
    return wrap(name, mod.DatabaseSync);
  }
  const mod = req("better-sqlite3") as Ctor | { default: Ctor };
  return wrap(name, typeof mod === "function" ? mod : mod.default);
}

let cached: SqliteDriverProbe | undefined;

/**
 * Finds a working SQLite driver: `bun:sqlite` on Bun, else `better-sqlite3` (an optional dependency;
 * under pnpm its build may have been skipped), else Node's `node:sqlite`. Each is proven by opening an
 * in-memory database, because better-sqlite3 loads without its native binding and fails only then.
 * `only` restricts the search to one driver. The answer is cached per process.
 */
export function findSqliteDriver(only?: SqliteDriverName): SqliteDriverProbe {
  if (!only && cached) return cached;
  const failures: string[] = [];
  for (const name of only ? [only] : ORDER) {
    try {
      const driver = load(name);
      driver.open(":memory:").close();
      const probe = { driver, failures };
      if (!only) cached = probe;
      return probe;
    } catch (e) {
      failures.push(`${name}: ${reason(e)}`);
    }
  }
  const probe = { failures };
  if (!only) cached = probe;
  return probe;
}
