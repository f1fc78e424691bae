/**
 * The inference engine that runs inside a worker: the Hugging Face tokenizer (`@huggingface/tokenizers`,
 * pure JS) and one onnxruntime-node session, created once and reused. It scores words, not tokens:
 * each word is tokenized on its own (cached), sentences are packed into chunks of at most the model's
 * length, chunks are run in batches, and a word's keep-probability is the mean of its sub-word tokens'
 * (LLMLingua-2's `token_to_word="mean"` rule).
 */
import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import * as ort from "onnxruntime-node";
import type { Word } from "../segment.js";
import type { ModelSpec } from "./model.js";

/** Session options passed through to onnxruntime-node. */
export interface EngineOptions {
  /** For example `["cuda", "cpu"]` or `["coreml", "cpu"]`; default `["cpu"]`. */
  executionProviders?: ort.InferenceSession.SessionOptions["executionProviders"];
  /** Threads one inference may use. Default 1: deterministic, and leaves cores to the app. */
  intraOpNumThreads?: number;
  /** Chunks per `session.run`. Default 8. */
  batchSize?: number;
}

/** Time spent, for reports and the bench. */
export interface EngineTimings {
  tokenizeMs: number;
  inferMs: number;
  chunks: number;
  batches: number;
  tokens: number;
}

/** Raised between batches when the caller gave up (time budget). */
export class Cancelled extends Error {
  constructor() {
    super("text-ml: cancelled");
  }
}

const now = () => performance.now();

export class Engine {
  private readonly cache = new Map<string, number[]>();
  private readonly prefix: number[];
  private readonly suffix: number[];
  private readonly padId: number;
  private readonly spaceBefore: boolean;
  private readonly capacity: number;
  private readonly outputName: string;
  private readonly wantsTypeIds: boolean;

  private constructor(
    readonly spec: ModelSpec,
    private readonly tokenizer: Tokenizer,
    private readonly session: ort.InferenceSession,
    private readonly batchSize: number,
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
  ) {
    // The special tokens around a sequence ([CLS] … [SEP], <s> … </s>), read off the tokenizer itself.
    const bare = tokenizer.encode("a", { add_special_tokens: false }).ids;
    const full = tokenizer.encode("a", { add_special_tokens: true }).ids;
    const at = full.findIndex((_, i) => bare.every((id, k) => full[i + k] === id));
    this.prefix = at >= 0 ? full.slice(0, at) : [];
    this.suffix = at >= 0 ? full.slice(at + bare.length) : [];
    const pad = typeof tokenizerConfig.pad_token === "string" ? tokenizerConfig.pad_token : "[PAD]";
    this.padId = tokenizer.token_to_id(pad) ?? tokenizer.token_to_id("<pad>") ?? 0;
    // Byte-level BPE (RoBERTa, ModernBERT) marks a word start with a leading space: tokenize " word".
    this.spaceBefore = JSON.stringify(tokenizerJson.pre_tokenizer ?? "").includes('"ByteLevel"');
    this.capacity = Math.max(1, spec.maxLength - this.prefix.length - this.suffix.length);
    this.outputName = spec.outputName ?? (session.outputNames.includes("logits") ? "logits" : session.outputNames[0]!);
    this.wantsTypeIds = session.inputNames.includes("token_type_ids");
  }

  /** Loads the tokenizer and creates the session; throws a clear error naming the file that failed. */
  static async load(spec: ModelSpec, o: EngineOptions = {}): Promise<Engine> {
    let tj: Record<string, unknown>;
    let tc: Record<string, unknown> = {};
    let tokenizer: Tokenizer;
    try {
      tj = JSON.parse(readFileSync(spec.tokenizerPath, "utf8")) as Record<string, unknown>;
      if (spec.tokenizerConfigPath) tc = JSON.parse(readFileSync(spec.tokenizerConfigPath, "utf8")) as Record<string, unknown>;
      tokenizer = new Tokenizer(tj, tc);
    } catch (e) {
      throw new Error(`text-ml: cannot load tokenizer ${spec.tokenizerPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(spec.modelPath, {
        executionProviders: o.executionProviders ?? ["cpu"],
        intraOpNumThreads: o.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
      });
    } catch (e) {
      throw new Error(`text-ml: cannot load model ${spec.modelPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const need of ["input_ids", "attention_mask"]) if (!session.inputNames.includes(need)) throw new Error(`text-ml: model ${spec.modelPath} has no input "${need}" (inputs: ${session.inputNames.join(", ")})`);
    return new Engine(spec, tokenizer, session, Math.max(1, o.batchSize ?? 8), tj, tc);
  }

  /** Sub-word ids of one word (cached: prose repeats its words). */
  private ids(word: string): number[] {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.tokenizer.encode(this.spaceBefore ? ` ${word}` : word, { add_special_tokens: false }).ids;
      if (ids.length > this.capacity) ids = ids.slice(0, this.capacity);
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(word, ids);
    }
    return ids;
  }

  /**
   * Packs words into chunks of whole sentences (a sentence longer than a chunk is cut between words).
   * Returns, per chunk, the indices of its words.
   */
  private chunk(words: readonly Word[], ids: number[][]): number[][] {
    const chunks: number[][] = [];
    let cur: number[] = [];
    let curLen = 0;
    let sentence: number[] = [];
    let sentLen = 0;
    const flushSentence = () => {
      if (curLen + sentLen > this.capacity && cur.length) {
        chunks.push(cur);
        cur = [];
        curLen = 0;
      }
      cur.push(...sentence);
      curLen += sentLen;
      sentence = [];
      sentLen = 0;
    };
    words.forEach((w, i) => {
      const n = ids[i]!.length;
      if (sentLen + n > this.capacity) flushSentence(); // a run-on sentence: cut between words
      sentence.push(i);
      sentLen += n;
      if (w.boundary) flushSentence();
    });
    if (sentence.length) flushSentence();
    if (cur.length) chunks.push(cur);
    return chunks;
  }

  /**
   * Keep-probability of every word. `cancelled()` is polled between batches, so a caller that gave up
   * frees the worker within one batch.
   */
  async score(words: readonly Word[], cancelled: () => boolean = () => false): Promise<{ probs: Float32Array; timings: EngineTimings }> {
    const t0 = now();
    const ids = words.map((w) => this.ids(w.text));
    const tokenizeMs = now() - t0;
    const chunks = this.chunk(words, ids);
    const probs = new Float32Array(words.length).fill(1);
    let inferMs = 0;
    let tokens = 0;
    let batches = 0;
    for (let b = 0; b < chunks.length; b += this.batchSize) {
      if (cancelled()) throw new Cancelled();
      const batch = chunks.slice(b, b + this.batchSize);
      const t1 = now();
      tokens += await this.runBatch(batch, ids, probs);
      inferMs += now() - t1;
      batches++;
    }
    return { probs, timings: { tokenizeMs, inferMs, chunks: chunks.length, batches, tokens } };
  }

  private async runBatch(batch: number[][], ids: number[][], probs: Float32Array): Promise<number> {
    const seqs = batch.map((c) => [...this.prefix, ...c.flatMap((i) => ids[i]!), ...this.suffix]);
    const len = Math.max(...seqs.map((s) => s.length));
    const inputIds = new BigInt64Array(batch.length * len).fill(BigInt(this.padId));
    const mask = new BigInt64Array(batch.length * len);
    for (const [r, s] of seqs.entries()) {
      for (const [k, id] of s.entries()) {
        inputIds[r * len + k] = BigInt(id);
        mask[r * len + k] = 1n;
      }
    }
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", inputIds, [batch.length, len]),
      attention_mask: new ort.Tensor("int64", mask, [batch.length, len]),
    };
    if (this.wantsTypeIds) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(batch.length * len), [batch.length, len]);
    const out = (await this.session.run(feeds))[this.outputName];
    if (out?.dims.length !== 3 || out.dims[1] !== len) throw new Error(`text-ml: model output ${this.outputName} has shape [${out?.dims.join(", ")}], expected [batch, ${len}, labels]`);
    const labels = out.dims[2]!;
    const data = out.data as Float32Array;
    batch.forEach((c, r) => {
      let pos = this.prefix.length;
      for (const wi of c) {
        const n = ids[wi]!.length;
        if (!n) continue;
        let sum = 0;
        for (let k = 0; k < n; k++) sum += this.keepProb(data, (r * len + pos + k) * labels, labels);
        probs[wi] = sum / n;
        pos += n;
      }
    });
    return seqs.reduce((s, x) => s + x.length, 0);
  }

  private keepProb(data: Float32Array, at: number, labels: number): number {
    const keep = this.spec.keepLabel;
    if (this.spec.output === "probabilities") return data[at + keep]!;
    let max = -Infinity;
    for (let l = 0; l < labels; l++) max = Math.max(max, data[at + l]!);
    let sum = 0;
    for (let l = 0; l < labels; l++) sum += Math.exp(data[at + l]! - max);
    return Math.exp(data[at + keep]! - max) / sum;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
