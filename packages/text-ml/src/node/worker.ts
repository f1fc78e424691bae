/**
 * Worker entry: loads the engine once (tokenizer + session), measures one full chunk, then compresses
 * jobs one at a time. Everything heavy — segmentation, tokenization, inference, selection, rendering —
 * happens here, so the main thread only posts the text and receives the result.
 */
import { parentPort, workerData } from "node:worker_threads";
import { chooseKept, render, segment, type Word } from "../segment.js";
import { Cancelled, Engine, type EngineOptions } from "./engine.js";
import type { ModelSpec } from "./model.js";
import type { JobRequest, WorkerReply } from "./protocol.js";

const port = parentPort!;
const { spec, engine: engineOptions } = workerData as { spec: ModelSpec; engine: EngineOptions };
const post = (m: WorkerReply) => port.postMessage(m);

async function warmup(engine: Engine): Promise<number> {
  // One sequence of the model's full length: the cost of a chunk, for the caller's up-front estimate.
  const words: Word[] = Array.from({ length: spec.maxLength }, (_, i) => ({ text: i % 7 === 0 ? "Example" : "word", line: 0, protect: false, boundary: false }));
  await engine.score(words.slice(0, 4));
  const t0 = performance.now();
  const r = await engine.score(words);
  const ms = performance.now() - t0;
  return r.timings.chunks ? ms / r.timings.chunks : ms;
}

let running = false;
let crashing = false;
let closing = false;
let chain = Promise.resolve();

// Exits wait for the native call in flight (session creation or a run): tearing a thread down under
// onnxruntime aborts the whole process (a native error escapes), so a worker only ends between calls.
port.on("message", (m: JobRequest | { type: "close" | "crash" }) => {
  if ("type" in m && m.type === "close") {
    closing = true;
    chain = chain.then(() => process.exit(0));
  } else if ("type" in m && m.type === "crash") {
    crashing = true;
    if (!running) chain = chain.then(() => process.exit(70));
  } else chain = chain.then(() => run(m as JobRequest)); // one job at a time, in order
});

let engine: Engine;

async function main(): Promise<void> {
  const t0 = performance.now();
  try {
    engine = await Engine.load(spec, engineOptions);
  } catch (e) {
    post({ type: "init-error", message: e instanceof Error ? e.message : String(e) });
    process.exit(0);
  }
  const loadMs = performance.now() - t0;
  const chunkMs = await warmup(engine);
  if (closing) process.exit(0);
  post({ type: "ready", loadMs, chunkMs });
}

async function run(job: JobRequest): Promise<void> {
  const flag = new Int32Array(job.cancel);
  // A crash drill ends the worker at the next batch boundary, the job unanswered, as a real crash would.
  const cancelled = () => {
    if (crashing) process.exit(70);
    return Atomics.load(flag, 0) !== 0;
  };
  running = true;
  try {
    const t0 = performance.now();
    const seg = segment(job.text, job.query);
    const segmentMs = performance.now() - t0;
    const { probs, timings } = await engine.score(seg.words, cancelled);
    const kept = chooseKept(seg.words, probs, job.ratio);
    const body = render(seg, kept);
    post({ type: "done", id: job.id, body, keptWords: kept.filter(Boolean).length, totalWords: seg.words.length, timings: { ...timings, segmentMs, totalMs: performance.now() - t0 } });
  } catch (e) {
    if (e instanceof Cancelled) post({ type: "cancelled", id: job.id });
    else post({ type: "error", id: job.id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    running = false;
    if (crashing) process.exit(70);
  }
}

chain = main();
