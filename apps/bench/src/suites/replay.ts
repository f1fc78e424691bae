import { MemoryStore } from "@headroom/ccr";
import { createUnitCache } from "@headroom/core";
import { benchRouter } from "../engine.js";
import { median } from "../metrics.js";
import { conversationRequests, replayThroughProxy } from "../replay-proxy.js";
import type { BenchSuite } from "../suite.js";

/**
 * Corpus conversations replayed the way a chat client sends them (the whole conversation again on every
 * request), compressed without and with a unit cache: the time of all requests, and whether every
 * request's output is the same bytes either way.
 */
export const suite: BenchSuite = {
  name: "replay",
  description: "corpus conversations resent turn by turn (as clients do): compression time without vs with compress({ cache }), same bytes; and through the proxy",
  async run(ctx) {
    const router = await benchRouter();
    const convs = ctx.cases.filter((c) => c.kind === "conversation" && c.messages?.length);
    const rounds = ctx.quick ? 3 : 7;
    const rows: (string | number)[][] = [];
    const ratios: number[] = [];
    const againRatios: number[] = [];
    const data: Record<string, unknown>[] = [];
    let done = 0;
    for (const c of convs) {
      const reqs = conversationRequests(c.messages!);
      const plain: number[] = [];
      const cached: number[] = [];
      // The whole conversation once more (a retry, or a turn that adds only a short question): all hits.
      const again: number[] = [];
      const full: number[] = [];
      let same = true;
      let hits = 0;
      // Alternating rounds, each on a fresh cache and store: the machine's drift hits both alike.
      for (let r = 0; r < rounds; r++) {
        const cache = createUnitCache();
        let a = 0;
        let b = 0;
        for (const m of reqs) {
          let t0 = performance.now();
          const x = await router.compress(m, { model: "gpt-4o", store: new MemoryStore() });
          a += performance.now() - t0;
          const store = new MemoryStore();
          t0 = performance.now();
          const y = await router.compress(m, { model: "gpt-4o", store, cache });
          b += performance.now() - t0;
          if (JSON.stringify(x.messages) !== JSON.stringify(y.messages) || x.tokensAfter !== y.tokensAfter) same = false;
          for (const h of y.ccrHashes) if (!(await store.has(h))) same = false;
          if (r === 0) hits += y.units.filter((u) => u.cached).length;
        }
        plain.push(a);
        cached.push(b);
        const all = c.messages!;
        let t0 = performance.now();
        await router.compress(all, { model: "gpt-4o", store: new MemoryStore() });
        full.push(performance.now() - t0);
        t0 = performance.now();
        const z = await router.compress(all, { model: "gpt-4o", store: new MemoryStore(), cache });
        again.push(performance.now() - t0);
        if (z.units.some((u) => u.status === "compressed" && !u.cached)) same = false;
      }
      const p = median(plain);
      const q = median(cached);
      ratios.push(p / q);
      const f = median(full);
      const g = median(again);
      againRatios.push(f / g);
      rows.push([c.id, reqs.length, hits, p.toFixed(1), q.toFixed(1), (p / q).toFixed(2), f.toFixed(1), g.toFixed(2), (f / g).toFixed(1), same ? "yes" : "NO"]);
      data.push({ id: c.id, requests: reqs.length, cachedUnits: hits, plainMs: p, cachedMs: q, fullMs: f, fullCachedMs: g, same });
      ctx.progress("replay", ++done, convs.length);
    }
    if (rows.length)
      rows.push([
        "median",
        "",
        "",
        "",
        "",
        median(ratios).toFixed(2),
        "",
        "",
        median(againRatios).toFixed(1),
        rows.every((r) => r[9] === "yes") ? "yes" : "NO",
      ]);
    const proxied = convs.length ? [await replayThroughProxy(convs, ctx.quick ? 2 : 3, (d, t) => ctx.progress("replay through the proxy", d, t))] : [];
    return {
      tables: [
        {
          title: "Conversations resent turn by turn: all requests' compression ms without and with a unit cache (median of rounds)",
          columns: [
            "case",
            "requests",
            "units served by the cache",
            "ms without",
            "ms with cache",
            "× faster",
            "whole conversation again: ms without",
            "ms with cache",
            "× faster",
            "same bytes, originals stored",
          ],
          rows,
          notes: [
            "each request is the conversation up to a user or tool message, as a client sends it; the cache is fresh for each round, so the first sight of every unit is paid",
            "whole conversation again: the last request sent once more after the replay (a retry, or a new turn that adds only a short question): every unit is a hit",
            "same bytes: every request's messages and token counts equal the uncached run's, and every marker's original is in that request's store",
          ],
        },
        ...proxied,
      ],
      data,
    };
  },
};
