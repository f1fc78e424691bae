/**
 * Per-unit time budgets and cancellation.
 *
 * Semantics (a worker-based runner enforces the same ones by terminating the worker):
 * - Each unit gets `timeBudgetMs` of compressor time, shared by every compressor tried on it and by their
 *   delegated sub-compressions. Detection and hooks are not counted.
 * - When the budget runs out, `ctx.signal` aborts with a `TimeoutError`; the pipeline stops waiting for an
 *   async compressor at once, ignores whatever it returns later, leaves the unit unchanged (fail open)
 *   and reports `{ stage: "timeout" }` with the compressor's name.
 * - A synchronous compressor cannot be pre-empted on the same thread. Reading `ctx.signal.aborted` (or
 *   calling `throwIfAborted()`) checks the clock, so a compressor that checks between phases stops in
 *   time; a result that arrives after the budget is discarded all the same.
 * - A caller's own `signal` option aborts every unit's signal (reason: the caller's).
 */
import type { AbortSignalLike } from "./spec/v2/index.js";

// Web-platform globals present on Node ≥ 16, browsers, Deno, Bun and edge runtimes. Declared here because
// core compiles without DOM or Node typings (it must not use anything else from them).
declare const AbortController: new () => { readonly signal: AbortSignalLike; abort(reason?: unknown): void };
declare const setTimeout: (fn: () => void, ms: number) => unknown;
declare const clearTimeout: (id: unknown) => void;
declare const performance: { now(): number } | undefined;

/** Wall-clock milliseconds for budgets and reports only (never for output bytes). */
export const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * The per-unit time budget when none is configured: a safety net, not a target. The slowest first-party
 * unit measured on the corpus (a 135k-token diff) took 5.3 s on a loaded 2-core machine.
 */
export const DEFAULT_TIME_BUDGET_MS = 10_000;

/** Name of the error a budget's signal aborts with. */
export const TIMEOUT_ERROR_NAME = "TimeoutError";

function timeoutError(ms: number): Error {
  const e = new Error(`time budget of ${ms} ms exceeded`);
  e.name = TIMEOUT_ERROR_NAME;
  return e;
}

/** A unit's budget: its signal, and a way to wait for a compressor no longer than the budget allows. */
export interface UnitBudget {
  readonly signal: AbortSignalLike;
  readonly budgetMs: number;
  /** True once the budget ran out or the caller cancelled (checks the clock). */
  expired(): boolean;
  /** Settles with the compressor's outcome, or with `CUT_OFF` as soon as the signal aborts. */
  race<T>(work: T | Promise<T>): Promise<T | typeof CUT_OFF>;
  /** Stops the timer and unlinks the caller's signal. */
  dispose(): void;
}

/** What `UnitBudget.race` settles with when the pipeline gave up waiting. */
export const CUT_OFF: unique symbol = Symbol("cut off");

/** Starts a unit's budget. `Infinity` (or any non-positive or non-finite value) means no time limit. */
export function startBudget(budgetMs: number, caller?: AbortSignalLike): UnitBudget {
  const limited = Number.isFinite(budgetMs) && budgetMs > 0;
  const ctrl = new AbortController();
  const signal = ctrl.signal;
  const deadline = limited ? now() + budgetMs : Infinity;
  const proto = Object.getPrototypeOf(signal) as object;
  const nativeAborted = (): boolean => Reflect.get(proto, "aborted", signal) as boolean;
  const check = (): boolean => {
    if (!nativeAborted() && now() >= deadline) ctrl.abort(timeoutError(budgetMs));
    return nativeAborted();
  };
  // Own properties shadow the prototype's getters, so a synchronous compressor sees the deadline pass
  // although no timer can fire while it runs. The object stays a real AbortSignal for fetch and friends.
  Object.defineProperty(signal, "aborted", { get: check, configurable: true });
  Object.defineProperty(signal, "throwIfAborted", {
    value: () => {
      if (check()) throw signal.reason;
    },
    configurable: true,
  });
  const timer = limited ? setTimeout(() => ctrl.abort(timeoutError(budgetMs)), Math.max(0, deadline - now())) : undefined;
  const onCallerAbort = () => ctrl.abort(caller?.reason);
  if (caller) {
    if (caller.aborted) ctrl.abort(caller.reason);
    else caller.addEventListener("abort", onCallerAbort, { once: true });
  }
  return {
    signal,
    budgetMs: limited ? budgetMs : Infinity,
    expired: check,
    race<T>(work: T | Promise<T>): Promise<T | typeof CUT_OFF> {
      if (!isThenable(work)) return Promise.resolve(work);
      // The unit is reported as cut off when the signal wins; a late outcome (or rejection) has no unit
      // left to change, so it is deliberately dropped here instead of surfacing as an unhandled rejection.
      const pending = Promise.resolve(work);
      pending.then(undefined, () => undefined);
      return new Promise<T | typeof CUT_OFF>((resolve, reject) => {
        if (check()) return resolve(CUT_OFF);
        const onAbort = () => resolve(CUT_OFF);
        signal.addEventListener("abort", onAbort, { once: true });
        pending.then(
          (v) => {
            signal.removeEventListener("abort", onAbort);
            resolve(v);
          },
          (e: unknown) => {
            signal.removeEventListener("abort", onAbort);
            reject(e);
          },
        );
      });
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      if (caller) caller.removeEventListener("abort", onCallerAbort);
    },
  };
}

/** True when `e` is the abort reason of a budget or caller signal (a cut-off, not a compressor bug). */
export function isAbortError(e: unknown, signal: AbortSignalLike): boolean {
  return signal.aborted && (e === signal.reason || (e instanceof Error && (e.name === TIMEOUT_ERROR_NAME || e.name === "AbortError")));
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}
