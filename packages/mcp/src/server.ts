import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ContentKind, Pipeline, Store } from "@headroom/core";
import { isCcrKey, normalizeHash, retrieve } from "@headroom/ccr";
import type { WarmUpReport } from "@headroom/router";

/** Kinds a caller may force with `kind` (what the router would otherwise detect). */
export const CONTENT_KINDS = ["json", "code", "log", "diff", "search", "html", "tabular", "prose", "mixed", "text"] as const satisfies readonly ContentKind[];

/** Counters behind `headroom_stats`, shared by every session of one server process. */
export interface McpSessionStats {
  compressCalls: number;
  tokensBefore: number;
  tokensAfter: number;
  retrieveCalls: number;
  retrieveHits: number;
  retrieveMisses: number;
  errors: number;
  /**
   * The start-up warm-up, once it ran (`@headroom/mcp/node` sets it): what each sample exercised, so a
   * client can see that grammars and the tokenizer were loaded before its first call.
   */
  warmUp?: WarmUpReport;
}

/** Creates zeroed counters (share one object between the servers of an HTTP process). */
export const createMcpStats = (): McpSessionStats => ({
  compressCalls: 0,
  tokensBefore: 0,
  tokensAfter: 0,
  retrieveCalls: 0,
  retrieveHits: 0,
  retrieveMisses: 0,
  errors: 0,
});

/** What the Headroom MCP server needs: a pipeline (router) and the CCR store it writes originals to. */
export interface HeadroomMcpDeps {
  pipeline: Pipeline;
  store: Store;
  /** Describes the store for `headroom_stats` (path, entries, bytes). */
  storeInfo?: () => Record<string, unknown>;
}

/** Options of {@link createHeadroomMcpServer}. */
export interface HeadroomMcpOptions {
  /** The pipeline and store, or a function that loads them on first use (so `initialize` answers at once). */
  deps: HeadroomMcpDeps | (() => Promise<HeadroomMcpDeps>);
  /** Model whose tokenizer counts tokens. Default `gpt-4o` (o200k_base). */
  model?: string;
  /** Shared counters; default a fresh set. */
  stats?: McpSessionStats;
  /** Server version reported in `initialize`. */
  version?: string;
}

const COMPRESS_DESCRIPTION =
  "Compress a large text (a tool output, log, JSON, search results, a diff, code) before reading it. " +
  "Returns a shorter version that keeps errors, anomalies and whatever matches `query`; anything left out is " +
  "stored, and the output carries markers like `[... Retrieve more: hash=<24 hex>]`. Call headroom_retrieve with " +
  "that hash (and a query) to get the left-out part back.";
const RETRIEVE_DESCRIPTION =
  "Get back the original content behind a Headroom marker `hash=<24 hex>` (from headroom_compress, the Headroom " +
  "proxy or `headroom compress`). Give `query` to receive only the matching items or lines (BM25 ranked, original " +
  "order) instead of the whole original.";

const ok = (text: string, structured?: Record<string, unknown>): CallToolResult => ({
  content: [{ type: "text", text }],
  ...(structured ? { structuredContent: structured } : {}),
});
const fail = (text: string): CallToolResult => ({ isError: true, content: [{ type: "text", text }] });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The Headroom MCP server (official SDK `McpServer`) with three tools: `headroom_compress`,
 * `headroom_retrieve` and `headroom_stats`. Tool failures come back as MCP tool errors (`isError: true`),
 * never as a crash. Connect it to any SDK transport (stdio, Streamable HTTP).
 */
export function createHeadroomMcpServer(options: HeadroomMcpOptions): McpServer {
  const stats = options.stats ?? createMcpStats();
  const model = options.model ?? "gpt-4o";
  let loading: Promise<HeadroomMcpDeps> | undefined;
  const deps = () =>
    (loading ??= Promise.resolve(typeof options.deps === "function" ? options.deps() : options.deps).catch((e) => {
      loading = undefined; // a failed load is retried on the next call
      throw e;
    }));
  const server = new McpServer({ name: "headroom", version: options.version ?? "0.0.0" });

  server.registerTool(
    "headroom_compress",
    {
      title: "Compress content (nothing lost)",
      description: COMPRESS_DESCRIPTION,
      inputSchema: {
        content: z.string().min(1).describe("The text to compress: a tool output, log, JSON document, search results, diff or source file."),
        query: z.string().optional().describe("What you are looking for in it (the question or search terms); matching parts are kept."),
        kind: z.enum(CONTENT_KINDS).optional().describe("The content's kind when you know it; detected automatically otherwise."),
      },
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ content, query, kind }) => {
      try {
        const { pipeline, store } = await deps();
        const forced = kind ? { detect: () => ({ kind: kind as ContentKind, confidence: 1 }) } : {};
        const r = await pipeline.compressText(content, { model, store, ...(query ? { query } : {}), ...forced });
        stats.compressCalls++;
        stats.tokensBefore += r.tokensBefore;
        stats.tokensAfter += r.tokensAfter;
        const summary = `[headroom: ${r.tokensBefore} → ${r.tokensAfter} tokens${r.ccrHashes.length ? `; left-out parts stored under ${r.ccrHashes.map((h) => `hash=${h}`).join(", ")} (headroom_retrieve)` : ""}]`;
        return {
          content: [
            { type: "text", text: r.text },
            { type: "text", text: summary },
          ],
          structuredContent: {
            hashes: r.ccrHashes,
            tokens_before: r.tokensBefore,
            tokens_after: r.tokensAfter,
            tokens_saved: r.tokensSaved,
            transforms_applied: r.transformsApplied,
            ...(r.errors.length ? { errors: r.errors.map((e) => e.message) } : {}),
          },
        };
      } catch (e) {
        stats.errors++;
        return fail(`headroom_compress failed: ${message(e)}`);
      }
    },
  );

  server.registerTool(
    "headroom_retrieve",
    {
      title: "Retrieve compressed content",
      description: RETRIEVE_DESCRIPTION,
      inputSchema: {
        hash: z.string().min(1).describe("The 24 hex characters after `hash=` in a Headroom marker (the whole marker works too)."),
        query: z.string().optional().describe("Only return the items or lines matching these words (e.g. an error code, a name, a path)."),
        max_items: z.number().int().positive().max(1000).optional().describe("With `query`: at most this many items (default 50)."),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ hash, query, max_items }) => {
      stats.retrieveCalls++;
      try {
        if (!isCcrKey(normalizeHash(hash))) {
          stats.retrieveMisses++;
          return fail(`"${hash}" is not a Headroom hash: copy the 24 lowercase hex characters after "hash=" in the marker.`);
        }
        const { store } = await deps();
        const r = await retrieve(store, hash, { ...(query ? { query } : {}), ...(max_items ? { maxItems: max_items } : {}) });
        if (!r.found) {
          stats.retrieveMisses++;
          return fail(r.message);
        }
        stats.retrieveHits++;
        const meta = { hash: r.hash, note: r.note, ...(r.query !== undefined ? { query: r.query, total_items: r.totalItems, returned_items: r.returnedItems } : {}) };
        return r.query === undefined ? ok(r.content, meta) : { content: [{ type: "text", text: r.content }, { type: "text", text: `[headroom: ${r.note}]` }], structuredContent: meta };
      } catch (e) {
        stats.errors++;
        return fail(`headroom_retrieve failed: ${message(e)}`);
      }
    },
  );

  server.registerTool(
    "headroom_stats",
    {
      title: "Headroom statistics",
      description: "Tokens saved by headroom_compress in this server process, retrievals, and the shared CCR store's size and path.",
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      try {
        const { storeInfo } = await deps();
        const saved = stats.tokensBefore - stats.tokensAfter;
        const body = {
          compress_calls: stats.compressCalls,
          tokens_before: stats.tokensBefore,
          tokens_after: stats.tokensAfter,
          tokens_saved: saved,
          retrieve: { calls: stats.retrieveCalls, hits: stats.retrieveHits, misses: stats.retrieveMisses },
          errors: stats.errors,
          store: storeInfo?.() ?? {},
          ...(stats.warmUp ? { warm_up: stats.warmUp } : {}),
        };
        return ok(JSON.stringify(body, null, 2), body);
      } catch (e) {
        return fail(`headroom_stats failed: ${message(e)}`);
      }
    },
  );
  return server;
}
