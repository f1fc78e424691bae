/** Parsed command line: positionals and `--flag value` / `--flag` options. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean>;
}

/** IO the commands use, so tests can run them in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of stdin: bytes (checked as strict UTF-8 by the caller) or, in tests, a string. */
  readStdin(): Promise<string | Uint8Array>;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** A `headroom <name>` subcommand. */
export interface CliCommand {
  name: string;
  /** One line for `headroom help`. */
  summary: string;
  /** Usage lines and examples for `headroom help <name>`. */
  usage: string;
  /** Options this command accepts (without `--`); `true` means it takes a value. Unknown options are a usage error. */
  options: Record<string, boolean>;
  /** Returns the exit code. Long-running commands (proxy) resolve when they stop. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Resolves at the first SIGINT or SIGTERM (Ctrl-C), with both listeners removed again. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
