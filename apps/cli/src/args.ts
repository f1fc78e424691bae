import { UsageError, type ParsedArgs } from "./command.js";

/**
 * Parses `--flag value`, `--flag=value`, `--flag` (boolean) and positionals against a command's option
 * table; unknown options are usage errors. `-` alone is a positional (stdin).
 */
export function parseArgs(argv: string[], spec: Record<string, boolean>): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (!(name in spec)) throw new UsageError(`unknown option --${name}`);
      if (spec[name]) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        options[name] = v;
      } else {
        if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
        options[name] = true;
      }
    } else if (a.startsWith("-") && a !== "-") {
      const short: Record<string, string> = { "-h": "help", "-o": "output", "-q": "query", "-p": "port" };
      const name = short[a];
      if (!name || !(name in spec)) throw new UsageError(`unknown option ${a}`);
      if (spec[name]) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`option ${a} needs a value`);
        options[name] = v;
      } else options[name] = true;
    } else positionals.push(a);
  }
  return { positionals, options };
}

/** Reads a numeric option, or a usage error naming it. */
export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n) || n < 0) throw new UsageError(`option --${name} needs a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === "string" ? v : undefined;
}

/** A TCP port (0 = any free one) from an option or an env var, or a usage error naming its source. */
export function parsePort(value: string, source: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n > 65535)
    throw new UsageError(`${source} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return n;
}

/** An http(s) base URL from an option or an env var, or a usage error naming its source. */
export function parseBaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} must be an http(s) URL such as https://api.openai.com, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`${source} must be an http(s) URL, got ${JSON.stringify(value)} (${url.protocol} scheme)`);
  return value;
}
