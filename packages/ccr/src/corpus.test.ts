/**
 * End to end over the corpus: compress every case with the router (every compressor installed right
 * now) and a SQLite store, then check that every marker's hash retrieves its original and that every
 * probe answer is recoverable (visible or inside a retrievable original): 100%, whatever compressors
 * are installed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ccrKey, findMarkerHashes, type Pipeline, type Tokenizer } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { getTokenizer } from "@headroom/tokenizer";
import { retrieve } from "./retrieve.js";
import { SqliteStore } from "./sqlite-store.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const corpus = process.env.HEADROOM_CORPUS ?? resolve(repoRoot, "../shared/corpus");
const present = existsSync(corpus);
if (!present) console.warn(`corpus not found at ${corpus}: skipping`);

interface Case {
  id: string;
  kind: string;
  content?: string;
  messages?: Record<string, unknown>[];
  query: string;
  source: { path?: string } | { path?: string }[];
  probes: { q: string; answers: string[]; must: "all" | "any" }[];
}

function loadCases(): Case[] {
  if (!present) return [];
  const out: Case[] = [];
  for (const kind of readdirSync(corpus).sort()) {
    const d = join(corpus, kind);
    if (!existsSync(d) || !/^[a-z]+$/.test(kind)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith(".json")) out.push(JSON.parse(readFileSync(join(d, f), "utf8")) as Case);
  }
  return out;
}

/** The output plus every original its markers point to, followed recursively; misses are collected. */
async function recoverable(text: string, store: SqliteStore, misses: string[]): Promise<string> {
  const parts = [text];
  const seen = new Set<string>();
  const queue = findMarkerHashes(text);
  while (queue.length) {
    const h = queue.shift()!;
    if (seen.has(h)) continue;
    seen.add(h);
    const r = await retrieve(store, h);
    if (!r.found) {
      misses.push(h);
      continue;
    }
    // The stored bytes are the original the key names.
    expect(ccrKey(r.content)).toBe(h);
    parts.push(r.content);
    queue.push(...findMarkerHashes(r.content));
  }
  return parts.join("\n\u0000\n");
}

describe.skipIf(!present)("corpus: compress with a store, retrieve every marker", () => {
  const cases = loadCases();
  const dir = mkdtempSync(join(tmpdir(), "headroom-ccr-corpus-"));
  let store: SqliteStore;
  let router: Pipeline;
  let tokenizer: Tokenizer;
  const totals = { markers: 0, cases: 0, withMarkers: 0 };

  beforeAll(async () => {
    store = new SqliteStore(join(dir, "ccr.sqlite"));
    tokenizer = await getTokenizer("gpt-4o");
    const r = await createDefaultRouter({ from: resolve(repoRoot, "apps/cli"), tokenizer });
    router = r;
    console.info(`compressors: ${r.compressors.map((c) => c.name).join(", ")}${r.discoveryErrors.length ? `; not loadable: ${r.discoveryErrors.map((e) => e.name).join(", ")}` : ""}`);
  });
  afterAll(() => {
    console.info(`corpus: ${totals.cases} cases, ${totals.withMarkers} with markers, ${totals.markers} markers retrieved`);
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    let text: string;
    if (c.kind === "conversation") {
      const out = await router.compress(c.messages ?? [], { store, tokenizer });
      text = (out.messages as Record<string, unknown>[])
        .filter((m) => m.role === "tool")
        .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
        .join("\n\u0000\n");
    } else {
      const path = Array.isArray(c.source) ? undefined : c.source.path?.split("#")[0];
      const toolArgs = path && !path.includes(" ") ? JSON.stringify({ file_path: path }) : undefined;
      const out = await router.compressText(c.content ?? "", { store, tokenizer, query: c.query, ...(toolArgs ? { toolArgs, toolName: "read_file" } : {}) });
      text = out.text;
    }
    const misses: string[] = [];
    const all = await recoverable(text, store, misses);
    expect(misses).toEqual([]);
    const hashes = findMarkerHashes(text);
    totals.cases++;
    totals.markers += hashes.length;
    if (hashes.length) totals.withMarkers++;
    const lost = c.probes.flatMap((p) => p.answers.filter((a) => !all.includes(a)).map((a) => `${p.q}: ${a}`));
    expect(lost).toEqual([]);
  });
});
