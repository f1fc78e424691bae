import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CompressResult, Store, UnitReport } from "@headroom/core";
import { numberOption, stringOption } from "../args.js";
import { UsageError, type CliCommand, type CliIO, type ParsedArgs } from "../command.js";
import { createEngine, openCliStore } from "../engine.js";

/** What the input turned out to be. */
export type Input =
  | { type: "messages"; messages: unknown[]; wrapper?: Record<string, unknown>; key: "messages" | "input" }
  | { type: "text"; text: string };

const looksLikeMessage = (m: unknown) =>
  typeof m === "object" && m !== null && !Array.isArray(m) && ("role" in m || "type" in m);

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
    if (parsed.length && parsed.every(looksLikeMessage)) return { type: "messages", messages: parsed, key: "messages" };
    if (forced === "messages") throw new UsageError("unknown format: the array's items are not messages (each needs a role)");
    return { type: "text", text: raw };
  }
  if (parsed && typeof parsed === "object") {
    const o = parsed as Record<string, unknown>;
    for (const key of ["messages", "input"] as const) {
      if (!(key in o)) continue;
      const v = o[key];
      if (key === "input" && typeof v === "string") return { type: "text", text: v };
      if (!Array.isArray(v) || !v.every(looksLikeMessage)) throw new UsageError(`unknown format: "${key}" must be an array of messages`);
      return { type: "messages", messages: v, wrapper: o, key };
    }
  }
  if (forced === "messages") throw new UsageError("unknown format: expected a messages array or {\"messages\": [...]}");
  return { type: "text", text: raw };
}

async function readInput(file: string | undefined, io: CliIO): Promise<string> {
  if (!file || file === "-") return io.readStdin();
  try {
    return readFileSync(resolve(io.cwd, file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message}`);
  }
}

function pct(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}

/** Short human summary: totals, then one line per unit kind. */
export function summarize(r: Omit<CompressResult, "messages">): string {
  const lines = [
    `tokens: ${r.tokensBefore} → ${r.tokensAfter} (saved ${r.tokensSaved}, ${pct(r.compressionRatio)})${r.tokenizer.estimated ? " [estimated counts]" : ""}`,
  ];
  const byKind = new Map<string, { n: number; before: number; after: number; compressors: Set<string> }>();
  for (const u of r.units as UnitReport[]) {
    const k = u.kind ?? (u.status === "skipped" ? `skipped: ${u.reason}` : "unknown");
    const e = byKind.get(k) ?? { n: 0, before: 0, after: 0, compressors: new Set<string>() };
    e.n++;
    e.before += u.tokensBefore;
    e.after += u.tokensAfter;
    if (u.compressor) e.compressors.add(u.compressor);
    byKind.set(k, e);
  }
  for (const [k, e] of [...byKind].sort((a, b) => b[1].before - a[1].before)) {
    const via = e.compressors.size ? ` via ${[...e.compressors].sort().join(", ")}` : "";
    lines.push(`  ${k}: ${e.n} unit${e.n === 1 ? "" : "s"}, ${e.before} → ${e.after}${via}`);
  }
  if (r.ccrHashes.length) lines.push(`  ${r.ccrHashes.length} original${r.ccrHashes.length === 1 ? "" : "s"} stored (headroom retrieve <hash>)`);
  for (const e of r.errors) lines.push(`  error (${e.stage}${e.compressor ? ` ${e.compressor}` : ""}${e.unitId ? ` ${e.unitId}` : ""}): ${e.message}`);
  return lines.join("\n") + "\n";
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
    "  --store PATH         SQLite store for originals (default: the user data directory, see headroom help)",
    "  --lossless           no markers, nothing stored",
    "  --query Q            the question, for query-aware selection of raw text",
    "  --format F           auto (default), messages or text",
    "  --min-tokens N       skip units under N tokens (default 200)",
    "  --protect-recent N   leave the last N messages untouched (default 0)",
    "  --exclude-tools G    comma-separated tool-name globs never compressed",
    "  --token-budget N     stop once the request fits N tokens",
    "  -o, --output FILE    write the compressed messages/content to FILE",
    "",
    "Examples:",
    "  headroom compress conversation.json",
    "  kubectl logs deploy/api | headroom compress --query 'why did it crash?'",
    "  headroom compress --json --lossless request.json > compressed.json",
  ].join("\n"),
  options: {
    model: true, json: false, store: true, lossless: false, query: true, format: true, "min-tokens": true,
    "protect-recent": true, "exclude-tools": true, "token-budget": true, output: true, help: false,
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length > 1) throw new UsageError(`compress takes one input, got ${args.positionals.length}`);
    const raw = await readInput(args.positionals[0], io);
    const input = classifyInput(raw, stringOption(args, "format"));
    const lossless = args.options.lossless === true;
    const model = stringOption(args, "model") ?? "gpt-4o";
    const options = {
      model,
      lossless,
      minTokens: numberOption(args, "min-tokens"),
      protectRecent: numberOption(args, "protect-recent"),
      tokenBudget: numberOption(args, "token-budget"),
      excludeTools: stringOption(args, "exclude-tools")?.split(",").map((s) => s.trim()).filter(Boolean),
    };
    for (const k of Object.keys(options) as (keyof typeof options)[]) if (options[k] === undefined) delete options[k];
    let store: (Store & { close?(): void }) | undefined;
    if (!lossless) store = await openCliStore(stringOption(args, "store"), io);
    try {
      const engine = await createEngine(io.cwd);
      for (const e of engine.discoveryErrors) io.stderr(`warning: plugin ${e.name} failed to load: ${e.message}\n`);
      const opts = { ...options, ...(store ? { store } : {}) };
      let payload: unknown;
      let result: Omit<CompressResult, "messages">;
      if (input.type === "messages") {
        const r = await engine.compress(input.messages, opts);
        const { messages, ...rest } = r;
        result = rest;
        payload = input.wrapper ? { ...input.wrapper, [input.key]: messages } : messages;
        if (args.options.json) io.stdout(JSON.stringify({ [input.key === "input" ? "input" : "messages"]: messages, ...rest }, null, 2) + "\n");
      } else {
        const query = stringOption(args, "query");
        const r = await engine.compressText(input.text, { ...opts, ...(query ? { query } : {}) });
        const { text, ...rest } = r;
        result = { ...rest, format: "openai-chat" };
        payload = text;
        if (args.options.json) io.stdout(JSON.stringify({ content: text, ...rest }, null, 2) + "\n");
      }
      const out = stringOption(args, "output");
      if (out) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(resolve(io.cwd, out), typeof payload === "string" ? payload : JSON.stringify(payload, null, 2) + "\n");
      }
      if (!args.options.json) io.stdout(summarize(result));
      return 0;
    } finally {
      store?.close?.();
    }
  },
};
