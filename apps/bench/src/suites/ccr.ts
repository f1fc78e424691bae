import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ccrKey, findMarkerHashes, type Store } from "@headroom/core";
import { MemoryStore, retrieve } from "@headroom/ccr";
import { SqliteStore } from "@headroom/ccr/node";
import { caseText } from "../corpus.js";
import { compressCase } from "../engine.js";
import { median, percentile, recoverableText, visibleRetention } from "../metrics.js";
import type { BenchSuite, Table } from "../suite.js";

const now = () => performance.now();
const us = (ms: number) => (ms * 1000).toFixed(0);

async function timeOps(store: Store, texts: string[], rounds: number) {
  const put: number[] = [];
  const get: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const t of texts) {
      const k = ccrKey(`${r}:${t}`);
      let a = now();
      await store.put(k, t);
      put.push(now() - a);
      a = now();
      const back = await store.get(k);
      get.push(now() - a);
      if (back !== t) throw new Error("store returned different bytes");
      // A turn of the event loop between ops, untimed, as in a server: the SQLite store's checkpoint
      // thread reports that it is ready through it.
      await new Promise((r) => setImmediate(r));
    }
  return { put, get };
}

/** Originals of the proxy's typical size (a ~20k-token tool output). */
const STEADY_BYTES = 50_000;
/** Gap between two puts: about one compressed request per worker at the proxy's ~150 req/s. */
const STEADY_GAP_MS = 5;

/**
 * The proxy's pattern: a steady stream of 50 KB originals (distinct slices of corpus text), one put
 * every few ms with the event loop free in between, into a SQLite store with checkpoints on its thread
 * vs inline. Inline, every ~60 puts one waits for SQLite's checkpoint (the WAL copied back, an fsync);
 * that put's time is the event loop's stall, and every request in flight waits for it.
 */
async function steadyPuts(dir: string, texts: string[], count: number, data: Record<string, unknown>): Promise<Table> {
  const all = texts.join("\n");
  const values = Array.from({ length: count }, (_, i) => `${i}:${all.slice((i * 7919 * 64) % Math.max(1, all.length - STEADY_BYTES)).slice(0, STEADY_BYTES)}`);
  const rows: (string | number)[][] = [];
  for (const [name, background] of [["checkpoints on a thread (default)", true], ["backgroundCheckpoints: false", false]] as const) {
    const store = new SqliteStore(join(dir, `steady-${background}.sqlite`), { backgroundCheckpoints: background });
    const put: number[] = [];
    for (const [i, v] of values.entries()) {
      const a = now();
      await store.put(ccrKey(`steady:${i}`), v);
      put.push(now() - a);
      await new Promise((r) => setTimeout(r, STEADY_GAP_MS));
    }
    const threaded = store.checkpointsInBackground;
    store.close();
    const slow = put.filter((t) => t > 5).length;
    rows.push([name, String(threaded), count, us(median(put)), us(percentile(put, 99)), us(Math.max(...put)), slow]);
    data[`steady ${name}`] = { putMedianMs: median(put), putP99Ms: percentile(put, 99), putMaxMs: Math.max(...put), putsOver5Ms: slow, threaded };
  }
  return {
    title: `SQLite store under steady puts: ${count} originals of ${STEADY_BYTES / 1000} KB, one every ${STEADY_GAP_MS} ms`,
    columns: ["checkpoints", "on a thread at the end", "puts", "put p50 µs", "put p99 µs", "put max µs", "puts over 5 ms"],
    rows,
    notes: ["A put's time is time the event loop spends in it: with the store in the proxy's main thread, every request in flight waits that long."],
  };
}

/**
 * CCR: store speed (memory vs SQLite), "nothing lost" over the corpus (visible vs recoverable probe
 * retention with a SQLite store), and how well query retrieval finds probe answers.
 */
export const suite: BenchSuite = {
  name: "ccr",
  description: "CCR stores: put/get latency, recoverable retention through the store, BM25 query retrieval recall",
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), "headroom-bench-ccr-"));
    const tables: Table[] = [];
    const data: Record<string, unknown> = {};
    try {
      const texts = ctx.cases.map(caseText);
      const mb = texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / 1e6;
      const rounds = ctx.quick ? 1 : 3;
      const rows: (string | number)[][] = [];
      for (const [name, make] of [
        ["MemoryStore", () => new MemoryStore()],
        ["SqliteStore (WAL, NORMAL; checkpoints on a thread, the default)", () => new SqliteStore(join(dir, "speed.sqlite"))],
        ["SqliteStore (WAL, NORMAL; backgroundCheckpoints: false)", () => new SqliteStore(join(dir, "speed-inline.sqlite"), { backgroundCheckpoints: false })],
      ] as const) {
        ctx.progress(`ccr stores ${name}`, 0, 1);
        const store = make();
        const { put, get } = await timeOps(store, texts, rounds);
        (store as { close?: () => void }).close?.();
        rows.push([name, texts.length * rounds, us(median(put)), us(percentile(put, 95)), us(percentile(put, 99)), us(Math.max(...put)), us(median(get)), us(percentile(get, 95))]);
        data[name] = { putMedianMs: median(put), putP95Ms: percentile(put, 95), putP99Ms: percentile(put, 99), putMaxMs: Math.max(...put), getMedianMs: median(get), getP95Ms: percentile(get, 95) };
      }
      tables.push({
        title: `Store latency: put + get of each corpus text (${texts.length} texts, ${mb.toFixed(1)} MB, ×${rounds})`,
        columns: ["store", "ops", "put p50 µs", "put p95 µs", "put p99 µs", "put max µs", "get p50 µs", "get p95 µs"],
        rows,
        notes: [
          "Each SQLite put is its own committed transaction (IMMEDIATE, WAL, synchronous=NORMAL).",
          "SQLite copies the WAL back into the database (a checkpoint, with an fsync) on the commit that grows it past 1000 pages: inline, that put takes milliseconds; the default store runs checkpoints on a worker thread of its own once 1 MB is written.",
        ],
      });

      tables.push(await steadyPuts(dir, texts, ctx.quick ? 300 : 1200, data));

      // Nothing lost: compress every case with a SQLite store and follow every marker.
      const store = new SqliteStore(join(dir, "corpus.sqlite"));
      const byKind = new Map<string, { n: number; vis: number[]; rec: number[]; markers: number; misses: number }>();
      let i = 0;
      for (const c of ctx.cases) {
        ctx.progress("ccr recoverable", i++, ctx.cases.length);
        const run = await compressCase(c, store);
        const hashes = findMarkerHashes(run.text);
        let misses = 0;
        for (const h of hashes) if (!(await retrieve(store, h)).found) misses++;
        const rec = await recoverableText(run.text, store);
        const e = byKind.get(c.kind) ?? { n: 0, vis: [], rec: [], markers: 0, misses: 0 };
        e.n++;
        e.vis.push(visibleRetention(c.probes, run.text));
        e.rec.push(visibleRetention(c.probes, rec));
        e.markers += hashes.length;
        e.misses += misses;
        byKind.set(c.kind, e);
      }
      store.close();
      const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 1);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      tables.push({
        title: "Nothing lost: probe retention through a SQLite store (router with every installed compressor)",
        columns: ["kind", "cases", "markers", "retrieve misses", "visible retention", "recoverable retention"],
        rows: [...byKind].map(([k, e]) => [k, e.n, e.markers, e.misses, pct(mean(e.vis)), pct(mean(e.rec))]),
        notes: ["Recoverable retention must be 100% and misses 0: every marker's original is in the store."],
      });
      data.recoverable = Object.fromEntries([...byKind].map(([k, e]) => [k, { cases: e.n, markers: e.markers, misses: e.misses, visible: mean(e.vis), recoverable: mean(e.rec) }]));

      // Query retrieval: ask each probe's question against the whole case text.
      const qstore = new MemoryStore({ maxBytes: 1e9 });
      const qByKind = new Map<string, { recall: number[]; share: number[]; ms: number[] }>();
      i = 0;
      for (const c of ctx.cases) {
        ctx.progress("ccr query retrieval", i++, ctx.cases.length);
        const text = caseText(c);
        const key = ccrKey(text);
        await qstore.put(key, text);
        const full = ctx.tokenizer.count(text);
        const e = qByKind.get(c.kind) ?? { recall: [], share: [], ms: [] };
        for (const p of c.probes) {
          const a = now();
          const r = await retrieve(qstore, key, { query: p.q });
          e.ms.push(now() - a);
          const got = r.found ? r.content : "";
          e.recall.push(p.answers.filter((x) => got.includes(x)).length / p.answers.length);
          e.share.push(full ? ctx.tokenizer.count(got) / full : 0);
        }
        qByKind.set(c.kind, e);
      }
      tables.push({
        title: "Query retrieval: retrieve(hash, {query: probe question}) on each whole case text",
        columns: ["kind", "probes", "answers found", "returned tokens (median share)", "latency p50 ms", "latency p95 ms"],
        rows: [...qByKind].map(([k, e]) => [k, e.recall.length, pct(mean(e.recall)), pct(median(e.share)), median(e.ms).toFixed(1), percentile(e.ms, 95).toFixed(1)]),
        notes: ["Probe questions are natural language; a model usually queries with exact identifiers, which match better.", "A query that finds nothing tells the model to retrieve without a query."],
      });
      data.query = Object.fromEntries([...qByKind].map(([k, e]) => [k, { probes: e.recall.length, recall: mean(e.recall), medianShare: median(e.share), p50Ms: median(e.ms), p95Ms: percentile(e.ms, 95) }]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { tables, data };
  },
};
