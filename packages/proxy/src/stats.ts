import type { CompressResult } from "@headroom/core";

interface TokenTotals {
  requests: number;
  compressed: number;
  tokens_before: number;
  tokens_after: number;
  tokens_saved: number;
}

interface Timing {
  units: number;
  total_ms: number;
  max_ms: number;
}

const MAX_RECENT_ERRORS = 20;
/** Per-model rows are capped so a client cycling model names cannot grow memory without bound. */
const MAX_MODELS = 200;

const totals = (): TokenTotals => ({ requests: 0, compressed: 0, tokens_before: 0, tokens_after: 0, tokens_saved: 0 });

/** The row under `key`, made and added (so rows keep first-seen order) when missing. */
function rowOf<T>(table: Record<string, T>, key: string, make: () => T): T {
  const row = table[key];
  if (row !== undefined) return row;
  const made = make();
  table[key] = made;
  return made;
}

/**
 * Counters behind `GET /stats`. Holds numbers and short error messages only: never headers, bodies or
 * credentials.
 */
export class ProxyStats {
  private readonly started = Date.now();
  requests = 0;
  bypassed = 0;
  failOpen = 0;
  retrieveRounds = 0;
  retrieveCalls = 0;
  /** Units whose outcome came from the unit cache (earlier turns sent again). */
  cachedUnits = 0;
  private readonly status: Record<string, number> = {};
  private readonly all = totals();
  private readonly byRoute: Record<string, TokenTotals> = {};
  private readonly byModel: Record<string, TokenTotals> = {};
  private readonly compressors: Record<string, Timing> = {};
  private readonly errorsByStage: Record<string, number> = {};
  private readonly recentErrors: string[] = [];

  /** One proxied request to a model route; `result` when the pipeline ran. */
  record(route: string, model: string | undefined, result?: Pick<CompressResult, "tokensBefore" | "tokensAfter" | "units" | "errors">): void {
    const rows = [this.all, rowOf(this.byRoute, route, totals)];
    const m = model || "unknown";
    if (this.byModel[m] || Object.keys(this.byModel).length < MAX_MODELS) rows.push(rowOf(this.byModel, m, totals));
    else rows.push(rowOf(this.byModel, "(other)", totals));
    for (const r of rows) {
      r.requests++;
      if (!result) continue;
      if (result.tokensAfter < result.tokensBefore) r.compressed++;
      r.tokens_before += result.tokensBefore;
      r.tokens_after += result.tokensAfter;
      r.tokens_saved += result.tokensBefore - result.tokensAfter;
    }
    if (!result) return;
    for (const u of result.units) {
      // Served by the unit cache: no compressor ran, so it would only blur the compressors' timings.
      if (u.cached) {
        this.cachedUnits++;
        continue;
      }
      if (!u.compressor && u.status !== "compressed") continue;
      const t = rowOf(this.compressors, u.compressor ?? "none", (): Timing => ({ units: 0, total_ms: 0, max_ms: 0 }));
      t.units++;
      t.total_ms += u.durationMs;
      t.max_ms = Math.max(t.max_ms, u.durationMs);
    }
    for (const e of result.errors) this.error(e.stage, `${e.compressor ?? ""}${e.compressor ? ": " : ""}${e.message}`);
  }

  upstreamStatus(status: number): void {
    this.status[String(status)] = (this.status[String(status)] ?? 0) + 1;
  }

  error(stage: string, message: string): void {
    this.errorsByStage[stage] = (this.errorsByStage[stage] ?? 0) + 1;
    this.recentErrors.push(`${stage}: ${message.slice(0, 300)}`);
    if (this.recentErrors.length > MAX_RECENT_ERRORS) this.recentErrors.shift();
  }

  toJSON(): Record<string, unknown> {
    const round = (t: Timing) => ({ units: t.units, total_ms: +t.total_ms.toFixed(2), avg_ms: t.units ? +(t.total_ms / t.units).toFixed(3) : 0, max_ms: +t.max_ms.toFixed(2) });
    return {
      uptime_s: Math.round((Date.now() - this.started) / 1000),
      requests: this.requests,
      bypassed: this.bypassed,
      fail_open: this.failOpen,
      tokens: { ...this.all },
      by_route: this.byRoute,
      by_model: this.byModel,
      cached_units: this.cachedUnits,
      compressors: Object.fromEntries(Object.entries(this.compressors).map(([k, v]) => [k, round(v)])),
      retrieve: { rounds: this.retrieveRounds, calls: this.retrieveCalls },
      upstream_status: this.status,
      errors: { by_stage: this.errorsByStage, recent: [...this.recentErrors] },
    };
  }
}
