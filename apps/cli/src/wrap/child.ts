import { spawn } from "node:child_process";
import { constants } from "node:os";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

/**
 * Runs the agent as a child that owns the terminal: stdin/stdout/stderr are inherited (so a TTY stays a
 * TTY), signals sent to `wrap` are passed on, and the child's exit code (128+n for a signal) comes back.
 * Ctrl-C in a terminal already reaches the child (same process group), so SIGINT is not sent a second
 * time when we are attached to a TTY; `wrap` itself stays up until the child has exited and cleaned up.
 */
export function runChild(command: string, args: string[], env: Record<string, string | undefined>, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: env as NodeJS.ProcessEnv, cwd });
    const tty = process.stdin.isTTY || process.stdout.isTTY;
    const handlers = FORWARDED.map((sig) => {
      const h = () => {
        if (sig === "SIGINT" && tty) return;
        if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    const done = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
    };
    child.once("error", (e) => {
      done();
      const err = e as NodeJS.ErrnoException;
      reject(err.code === "ENOENT" ? new Error(`${command}: not found on PATH (install it, or pass --command PATH)`) : err);
    });
    child.once("exit", (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}
