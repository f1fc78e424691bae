/**
 * The prose fallback, off the event loop for large units: `@headroom/prose` on a 100 kB text takes
 * hundreds of milliseconds, which the caller's event loop must not pay. One lazily started worker
 * (no model); small units, custom tokenizers, or a missing `@headroom/tokenizer` run in-thread.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { asCompressorV2, type AnyCompressor, type CompressContextV2 as CompressContext, type CompressorResultV2 as CompressorResult, type CompressOutcomeV2, type UnitV2 as Unit } from "@headroom/core";
import { createProseCompressor, type ProseOptions } from "@headroom/prose";

/** A tokenizer named so that a worker can rebuild it. */
export interface TokenizerId {
  name: string;
  encoding: string;
  estimated: boolean;
}

export interface ProseRequest {
  id: number;
  unit: Unit;
  model: string;
  tokenizer: TokenizerId;
  bias: number;
  inputTokens?: number;
  query?: string;
  options?: ProseOptions;
}

export type ProseReply = { id: number; result: CompressorResult | null } | { id: number; unsupported: true } | { id: number; error: string };

function proseWorkerFile(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, "prose-worker.js"), join(here, "prose-worker.cjs"), join(here, "../../dist/node/prose-worker.js")].find((c) => existsSync(c));
}

/** A result, or `null` for any kind of decline. */
export function resultOf(out: CompressOutcomeV2): CompressorResult | null {
  return out && "text" in out ? out : null;
}

export class ProseFallback {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, { resolve(r: ProseReply): void; reject(e: Error): void }>();
  private next = 1;
  private readonly inline;

  constructor(
    private readonly options: ProseOptions | undefined,
    /** Units up to this many characters run in-thread (cheaper than a round trip). */
    private readonly inlineChars: number,
    /** A worker-side prose run past this is abandoned (the worker is ended) and the unit declined. */
    private readonly timeoutMs = 5000,
  ) {
    // Upgraded, so this runs whichever spec version the installed @headroom/prose implements.
    this.inline = asCompressorV2(createProseCompressor(options) as AnyCompressor);
  }

  /** The prose result for a unit, computed in the worker when it is large. */
  async run(unit: Unit, ctx: CompressContext): Promise<CompressorResult | null> {
    const file = unit.text.length > this.inlineChars ? proseWorkerFile() : undefined;
    if (file) {
      const reply = await this.remote(file, {
        id: this.next++,
        unit: { ...unit },
        model: ctx.model,
        tokenizer: { name: ctx.tokenizer.name, encoding: ctx.tokenizer.encoding, estimated: ctx.tokenizer.estimated },
        bias: ctx.aggressiveness,
        ...(ctx.inputTokens !== undefined ? { inputTokens: ctx.inputTokens } : {}),
        ...(unit.query ? { query: unit.query } : {}),
        ...(this.options ? { options: this.options } : {}),
      });
      if ("result" in reply) return reply.result;
      if ("error" in reply) throw new Error(`text-ml: prose fallback failed: ${reply.error}`);
    }
    return resultOf(await this.inline.compress(unit, ctx));
  }

  private remote(file: string, req: ProseRequest): Promise<ProseReply> {
    this.worker ??= this.spawn(file);
    const w = this.worker;
    w.ref();
    return new Promise((resolve, reject) => {
      // Prose on a multi-megabyte text can run for minutes; nobody waits that long, and a wedged
      // worker would hold up every later fallback. This worker runs no native code: ending it is safe.
      const timer = setTimeout(() => {
        this.jobs.delete(req.id);
        if (this.worker === w) this.worker = undefined;
        void w.terminate();
        reject(new Error(`text-ml: prose fallback took over ${this.timeoutMs} ms; unit left to the next compressor`));
      }, this.timeoutMs);
      this.jobs.set(req.id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      w.postMessage(req);
    });
  }

  private spawn(file: string): Worker {
    const w = new Worker(file);
    w.on("message", (m: ProseReply) => {
      const j = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      if (!this.jobs.size) w.unref();
      j?.resolve(m);
    });
    const died = (how: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const j of this.jobs.values()) j.reject(new Error(`text-ml: prose fallback worker ${how}`));
      this.jobs.clear();
    };
    w.on("error", (e) => died(`threw: ${e.message}`));
    w.on("exit", (code) => died(`exited with code ${code}`));
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
