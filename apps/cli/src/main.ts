import { parseArgs } from "./args.js";
import { UsageError, type CliIO } from "./command.js";
import { commands } from "./commands/index.js";
import { defaultStorePathText } from "./engine.js";
import pkg from "../package.json" with { type: "json" };

export { classifyInput, summarize } from "./commands/compress.js";
export type { CliCommand, CliIO, ParsedArgs } from "./command.js";

async function help(io: CliIO, topic?: string): Promise<number> {
  if (topic) {
    const c = commands.find((x) => x.name === topic);
    if (!c) throw new UsageError(`unknown command ${topic} (see headroom help)`);
    io.stdout(c.usage + "\n");
    return 0;
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  io.stdout(
    [
      `headroom ${pkg.version}: compress what your LLM reads (tool outputs, logs, JSON, code, diffs) with nothing lost`,
      "",
      "Usage: headroom <command> [options]",
      "",
      ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      `  ${"help".padEnd(width)}  this help; headroom help <command> for one command`,
      "",
      "Examples:",
      "  headroom demo",
      "  headroom compress conversation.json",
      "  cat build.log | headroom compress --json",
      "  headroom retrieve 3f2a9c0d1e4b5a6f7c8d9e0f --query timeout",
      "  headroom proxy --port 8787",
      "",
      `Default store: ${await defaultStorePathText(io.env)} (override with --store or HEADROOM_STORE)`,
      "",
    ].join("\n"),
  );
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (!name || name === "help" || name === "--help" || name === "-h") return await help(io, name === "help" ? rest[0] : undefined);
    if (name === "--version" || name === "-v" || name === "version") {
      io.stdout(`${pkg.version}\n`);
      return 0;
    }
    const cmd = commands.find((c) => c.name === name);
    if (!cmd) throw new UsageError(`unknown command ${name} (see headroom help)`);
    const args = parseArgs(rest, cmd.options);
    if (args.options.help) {
      io.stdout(cmd.usage + "\n");
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`headroom: ${e.message}\n`);
      return 2;
    }
    io.stderr(`headroom: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/**
 * Exits quietly when the reader of stdout goes away (`headroom … | head`): EPIPE is not an error of
 * ours, and Node would otherwise print a stack trace for the unhandled 'error' event.
 */
function quietOnClosedStdout(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

/** IO bound to the real process. */
export function processIO(): CliIO {
  quietOnClosedStdout();
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: async () => {
      if (process.stdin.isTTY) throw new UsageError("no input: give a FILE or pipe text into stdin");
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
