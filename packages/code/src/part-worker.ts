/**
 * A part worker (part-pool.ts): compresses the parts it is sent, one at a time, with a signal that reads
 * the caller's shared cancel flag, and sends back the outcome without what only a whole file needs.
 */
import { parentPort } from "node:worker_threads";
import { compressOutcome } from "./compress.js";
import type { PartReply, PartRequest, PartResponse } from "./part-pool.js";

parentPort?.on("message", async ({ id, job, cancel }: PartRequest) => {
  const cancelled = () => Atomics.load(cancel, 0) === 1;
  const signal = {
    get aborted() {
      return cancelled();
    },
    throwIfAborted() {
      if (cancelled()) throw new Error("cancelled");
    },
  };
  let reply: PartReply;
  try {
    const o = await compressOutcome(job.text, job.language, { ...job.options, signal }, job.fallbacks);
    // The part's verified output and stored text: the joined result builds its own from the edits.
    if (o) {
      delete o.out;
      delete o.file;
    }
    reply = { outcome: o };
  } catch (e) {
    reply = cancelled() ? { aborted: true } : { failed: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage({ id, ...reply } satisfies PartResponse);
});
