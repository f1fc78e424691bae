import { statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { isMessageList, type CompressResult, type Store, type UnitReport } from "@headroom/core";
import { numberOption, stringOption } from "../args.js";
import { UsageError, type CliCommand, type CliIO, type ParsedArgs } from "../command.js";
import { createEngine, openCliStore } from "../engine.js";
import { fsReason, readInput } from "../input.js";

/** What the input turned out to be. */
export type Input =
  | { type: "messages"; messages: unknown[]; wrapper?: Record<string, unknown>; key: "messages" | "input" }
  | { type: "text"; text: string };

// With --format messages the user vouches for the shape: any object with a role or a type will do.
const looksLikeMessage = (m: unknown) =>
  typeof m === "object" && m !== null && !Array.isArray(m) && ("role" in m || "type" in m);
// Otherwise only real messages (known roles, or Responses item types, throughout) are a conversation: an
// API response whose items merely carry `type` (GitHub events, `kubectl get events -o json`) is a tool output.
const isMessages = (v: unknown, forced?: string): v is unknown[] =>
  forced === "messages" ? Array.isArray(v) && v.length > 0 && v.every(looksLikeMessage) : isMessageList(v);

/**
 * Classifies CLI input: a messages array, an object with `messages` (or Responses `input`), or raw text
 * (one tool output). JSON that is not a conversation (an API response) is raw text too.
 */
export function classifyInput(raw: string, forced?: string): Input {
  if (forced && forced !== "auto" && forced !== "messages" && forced !== "text") throw new UsageError(`unknown --format ${forced} (auto, messages or text)`);
  if (forced === "text") return { type: "text", text: raw };
  const t = raw.trim();
  if (!t) throw new UsageError("input is empty");
  let parsed: unknown;
  let parseError: string | undefined;
  try {
    parsed = JSON.parse(t);
  } catch (e) {
    parseError = e instanceof Error ? e.message : String(e);
  }
  if (parseError !== undefined) {
    if (forced === "messages" || /^\{\s*"(messages|input)"\s*:/.test(t) || /^\[\s*\{\s*"(role|type)"\s*:/.test(t))
      throw new UsageError(`invalid JSON: ${parseError}`);
    return { type: "text", text: raw };
  }
  if (Array.isArray(parsed)) {
    if (isMessages(parsed, forced)) return { type: "messages", messages: parsed, key: "messages" };
    if (forced === "messages") throw new UsageError("unknown format: the array's items are not messages (each needs a role)");
    return { type: "text", text: raw };
  }
  if (parsed && typeof parsed === "object") {
    const o = parsed as Record<string, unknown>;
    for (const key of ["messages", "input"] as const) {
      if (!(key in o)) continue;
      const v = o[key];
      if (key === "input" && typeof v === "string") return { type: "text", text: v };
      if (!Array.isArray(v)) throw new UsageError(`unknown format: "${key}" must be an array of messages`);
      if (!isMessages(v, forced)) {
        if (forced === "messages" || v.length === 0 || !v.every(looksLikeMessage)) throw new UsageError(`unknown format: "${key}" must be an array of messages`);
        return { type: "text", text: raw }; // e.g. {"input": [{"type": "PushEvent", …}]}: an API response
      }
      return { type: "messages", messages: v, wrapper: o, key };
    }
  }
  if (forced === "messages") throw new UsageError("unknown format: expected a messages array or {\"messages\": [...]}");
  return { type: "text", text: raw };
}

function pct(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}

/** Short human summary: totals, then one line per unit kind, with why units were left unchanged. */
export function summarize(r: Omit<CompressResult, "messages">): string {
  const lines = [
    `tokens: ${r.tokensBefore} → ${r.tokensAfter} (saved ${r.tokensSaved}, ${pct(r.compressionRatio)})${r.tokenizer.estimated ? " [estimated counts]" : ""}`,
  ];
  type Entry = { n: number; before: number; after: number; compressors: Set<string>; left: Map<string, number> };
  const byKind = new Map<string, Entry>();
  for (const u of r.units as UnitReport[]) {
    const k = u.kind ?? (u.status === "skipped" ? "skipped" : "unknown");
    const e = byKind.get(k) ?? { n: 0, before: 0, after: 0, compressors: new Set<string>(), left: new Map<string, number>() };
    e.n++;
    e.before += u.tokensBefore;
    e.after += u.tokensAfter;
    if (u.compressor && u.status === "compressed") e.compressors.add(u.compressor);
    if (u.status !== "compressed") {
      const why = u.reason ?? (u.status === "skipped" ? "skipped" : "no smaller form found");
      e.left.set(why, (e.left.get(why) ?? 0) + 1);
    }
    byKind.set(k, e);
  }
  for (const [k, e] of [...byKind].sort((a, b) => b[1].before - a[1].before || (a[0] < b[0] ? -1 : 1))) {
    const via = e.compressors.size ? ` via ${[...e.compressors].sort().join(", ")}` : "";
    const left = [...e.left].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([why, n]) => (e.n === 1 ? why : `${n}× ${why}`));
    lines.push(`  ${k}: ${e.n} unit${e.n === 1 ? "" : "s"}, ${e.before} → ${e.after}${via}${left.length ? ` (left unchanged: ${left.join("; ")})` : ""}`);
  }
  const images = r.images ?? [];
  if (images.length) {
    const done = images.filter((i) => i.status === "compressed").length;
    const sum = (k: "tokensBefore" | "tokensAfter") => images.reduce((a, i) => a + i[k], 0);
    lines.push(`  images: ${images.length}, ${sum("tokensBefore")} → ${sum("tokensAfter")} image tokens (${done} compressed)`);
  }
  if (r.ccrHashes.length) lines.push(`  ${r.ccrHashes.length} original${r.ccrHashes.length === 1 ? "" : "s"} stored (headroom retrieve <hash>)`);
  for (const e of r.errors) lines.push(`  error (${e.stage}${e.compressor ? ` ${e.compressor}` : ""}${e.unitId ? ` ${e.unitId}` : ""}): ${e.message}`);
  return lines.join("\n") + "\n";
}

/**
 * The `--json` output for messages input: the request envelope the input had (`model`, `system`,
 * `tools`, …) with the compressed messages, then the compress result. An envelope field that a result
 * field would shadow keeps the whole envelope under `request` instead, so nothing is dropped.
 */
export function jsonOutput(input: Extract<Input, { type: "messages" }>, messages: unknown, result: Record<string, unknown>): Record<string, unknown> {
  const envelope = { ...(input.wrapper ?? {}), [input.key]: messages };
  const clash = Object.keys(envelope).some((k) => k !== input.key && k in result);
  return clash ? { [input.key]: messages, request: envelope, ...result } : { ...envelope, ...result };
}

/** `-o FILE`, resolved, refused up front when it cannot be a file (a directory such as `-o /tmp`). */
function outputPath(args: ParsedArgs, io: CliIO): string | undefined {
  const out = stringOption(args, "output");
  if (!out) return undefined;
  const file = resolve(io.cwd, out);
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // Does not exist yet: written after compression; errors then are reported the same way.
  }
  if (isDir) throw new UsageError(`cannot write ${out}: is a directory (give a file name)`);
  return file;
}

/**
 * Opens the CCR store, or returns undefined (lossless output) when it cannot keep originals past this
 * process — a SQLite path with no SQLite driver, an unusable path — saying so in one line. With `--require-store` that
 * is an error instead.
 */
async function persistentStore(args: ParsedArgs, io: CliIO): Promise<(Store & { close?(): void }) | undefined> {
  let opened: Awaited<ReturnType<typeof openCliStore>>;
  try {
    opened = await openCliStore(stringOption(args, "store"), io);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    opened = { store: undefined as never, file: "", persistent: false, warnings: [e instanceof Error ? e.message : String(e)] };
  }
  if (opened.persistent) {
    for (const w of opened.warnings) io.stderr(`headroom: ${w}\n`);
    return opened.store;
  }
  opened.store?.close?.();
  // One line: a native-module error lists every path it tried ("Could not locate the bindings file. Tried: …").
  const why = (opened.warnings[0] ?? "the store keeps originals in memory only").split("\n")[0]!.replace(/\s*Tried:\s*$/, "");
  if (args.options["require-store"] === true) throw new Error(`no persistent CCR store (${why}); refusing lossy output whose originals would die with this process`);
  io.stderr(`headroom: no persistent CCR store, so the output is lossless (no markers): ${why}\n`);
  return undefined;
}

export const command: CliCommand = {
  name: "compress",
  summary: "compress a conversation or a tool output and report the savings",
  usage: [
    "headroom compress [FILE|-] [--model M] [--json] [--store PATH] [--lossless] [--query Q] [-o FILE]",
    "",
    "Input: a messages array (OpenAI Chat, Anthropic Messages or Responses items), {\"messages\": [...]},",
    "or raw text treated as one tool output. Reads stdin when FILE is - or absent.",
    "",
    "  --model M            model the request is for (tokenizer); default gpt-4o",
    "  --json               print the compressed messages/content and the compress result as JSON",
    "  --store PATH         store for originals (default: the user data directory, see headroom help): a",
    "                       directory (a foreign one holds ccr/), or a .sqlite file; other files are refused",
    "  --lossless           no markers, nothing stored",
    "  --require-store      fail (exit 1) when no persistent store can be opened, instead of lossless output",
    "  --query Q            the question, for query-aware selection of raw text",
    "  --format F           auto (default), messages or text",
    "  --min-tokens N       skip units under N tokens (default 200)",
    "  --protect-recent N   leave the last N turns untouched (default 0); a turn starts at a user message,",
    "                       so the window is stable while an agent loop adds tool calls and results",
    "  --exclude-tools G    comma-separated tool-name globs never compressed",
    "  --token-budget N     stop once the request fits N tokens",
    "  -o, --output FILE    write the compressed messages/content to FILE",
    "",
    "Input must be UTF-8 text; binary input is refused. With --json, a request's other fields (model,",
    "system, tools, …) come back beside the compressed messages.",
    "",
    "Examples:",
    "  headroom compress conversation.json",
    "  kubectl logs deploy/api | headroom compress --query 'why did it crash?'",
    "  headroom compress --json --lossless request.json > compressed.json",
  ].join("\n"),
  options: {
    model: true, json: false, store: true, lossless: false, query: true, format: true, "min-tokens": true,
    "protect-recent": true, "exclude-tools": true, "token-budget": true, output: true, "require-store": false, help: false,
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length > 1) throw new UsageError(`compress takes one input, got ${args.positionals.length}`);
    const out = outputPath(args, io);
    const raw = await readInput(args.positionals[0], io);
    const input = classifyInput(raw, stringOption(args, "format"));
    const options = {
      model: stringOption(args, "model") ?? "gpt-4o",
      minTokens: numberOption(args, "min-tokens"),
      protectRecent: numberOption(args, "protect-recent"),
      tokenBudget: numberOption(args, "token-budget"),
      excludeTools: stringOption(args, "exclude-tools")?.split(",").map((s) => s.trim()).filter(Boolean),
    };
    for (const k of Object.keys(options) as (keyof typeof options)[]) if (options[k] === undefined) delete options[k];
    const store = args.options.lossless === true ? undefined : await persistentStore(args, io);
    try {
      const engine = await createEngine(io.cwd, io);
      for (const e of engine.discoveryErrors) io.stderr(`warning: plugin ${e.name} failed to load: ${e.message}\n`);
      // Without a store that outlives this run, a marker could never be redeemed: lossless only.
      const opts = { ...options, lossless: !store, ...(store ? { store } : {}) };
      let payload: unknown;
      let result: Omit<CompressResult, "messages">;
      if (input.type === "messages") {
        const { messages, ...rest } = await engine.compress(input.messages, opts);
        result = rest;
        payload = input.wrapper ? { ...input.wrapper, [input.key]: messages } : messages;
        if (args.options.json) io.stdout(JSON.stringify(jsonOutput(input, messages, rest), null, 2) + "\n");
      } else {
        const query = stringOption(args, "query");
        const { text, ...rest } = await engine.compressText(input.text, { ...opts, ...(query ? { query } : {}) });
        result = { ...rest, format: "openai-chat" };
        payload = text;
        if (args.options.json) io.stdout(JSON.stringify({ content: text, ...rest }, null, 2) + "\n");
      }
      if (out) {
        try {
          writeFileSync(out, typeof payload === "string" ? payload : JSON.stringify(payload, null, 2) + "\n");
        } catch (e) {
          throw new UsageError(`cannot write ${stringOption(args, "output")}: ${fsReason(e)}`);
        }
      }
      if (!args.options.json) io.stdout(summarize(result));
      return 0;
    } finally {
      store?.close?.();
    }
  },
};
