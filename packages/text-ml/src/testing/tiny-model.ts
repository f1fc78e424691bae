/**
 * Builds a tiny, real ONNX token-classification model and a matching Hugging Face `tokenizer.json`,
 * so that the loading and inference path users run (onnxruntime-node, the JS tokenizer, the worker
 * pool) can be tested and benchmarked without any model weights. The graph is
 * `Gather(embedding) → [MatMul(identity) × slowLayers] → MatMul(linear) + bias → Softmax`, with fixed
 * weights that favour tokens with digits, capitalised tokens and long tokens, and disfavour short
 * lowercase ones (function words). It measures overhead, not compression quality.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import onnxProto, { type onnx as Onnx } from "onnx-proto";

// onnx-proto is CommonJS: its namespace is a property of the default export under Node's ESM loader.
const { onnx } = onnxProto;

/** Options of `writeTinyModel`. */
export interface TinyModelOptions {
  /** Whole words to put in the vocabulary (besides single characters and `##` + character). */
  words?: readonly string[];
  /**
   * Extra `H×H` identity MatMul layers (H = `hidden`): they leave the output unchanged but cost
   * `tokens × H²` multiply-adds each, to make a slow model for time-budget and event-loop tests.
   */
  slowLayers?: number;
  /** Hidden width when `slowLayers > 0`. Default 512. */
  hidden?: number;
  /** `max_length` written to `tokenizer_config.json` / `headroom.json`. Default 128. */
  maxLength?: number;
}

const SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;
const FEATURES = 5; // digit, capitalised, length/10, short lowercase, constant

/** Printable ASCII and a few common non-ASCII characters, so that any English text tokenizes. */
function alphabet(): string[] {
  const out: string[] = [];
  for (let c = 33; c < 127; c++) out.push(String.fromCharCode(c));
  for (const c of "–—‘’“”…•é") out.push(c);
  return out;
}

/** The vocabulary: specials, then characters and `##` characters, then the given words (deduplicated). */
export function tinyVocab(words: readonly string[] = []): Map<string, number> {
  const vocab = new Map<string, number>();
  const add = (t: string) => {
    if (!vocab.has(t)) vocab.set(t, vocab.size);
  };
  for (const s of SPECIALS) add(s);
  for (const c of alphabet()) {
    add(c);
    add(`##${c}`);
  }
  for (const w of words) if (w && !/\s/.test(w)) add(w);
  return vocab;
}

/** A BERT-style WordPiece `tokenizer.json` over `vocab` (cased, `[CLS] … [SEP]` template). */
export function tinyTokenizerJson(vocab: Map<string, number>): Record<string, unknown> {
  const id = (t: string) => vocab.get(t)!;
  const special = (t: string) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [id("[CLS]")], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [id("[SEP]")], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab) },
  };
}

/** The fixed feature row of one token (see the module comment). */
function features(token: string): number[] {
  const t = token.startsWith("##") ? token.slice(2) : token;
  if ((SPECIALS as readonly string[]).includes(token)) return [0, 0, 0, 0, 0];
  const digit = /\d/.test(t) ? 1 : 0;
  const cap = /^\p{Lu}/u.test(t) && !token.startsWith("##") ? 1 : 0;
  const short = /^\p{Ll}{1,3}$/u.test(t) && !token.startsWith("##") ? 1 : 0;
  return [digit, cap, Math.min(t.length, 12) / 10, short, 1];
}

/** keep − drop logit = 4·digit + 2·capitalised + 1·length/10 − 1.5·short − 0.6 (drop logits are 0). */
const KEEP_WEIGHTS = [4, 2, 1, -1.5, -0.6];

const f32 = (name: string, dims: number[], data: Float32Array): Onnx.ITensorProto => ({
  name,
  dims,
  dataType: onnx.TensorProto.DataType.FLOAT,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

const valueInfo = (name: string, elemType: number, dims: (string | number)[]): Onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
});

/** The ONNX model bytes for `vocab` (inputs `input_ids`, `attention_mask`; output `logits` [batch, seq, 2], softmaxed). */
export function tinyModelBytes(vocab: Map<string, number>, o: Pick<TinyModelOptions, "slowLayers" | "hidden"> = {}): Uint8Array {
  const layers = o.slowLayers ?? 0;
  const h = layers > 0 ? Math.max(FEATURES, o.hidden ?? 512) : FEATURES;
  const emb = new Float32Array(vocab.size * h);
  for (const [tok, id] of vocab) for (const [k, v] of features(tok).entries()) emb[id * h + k] = v;
  const w = new Float32Array(h * 2);
  for (const [k, v] of KEEP_WEIGHTS.entries()) w[k * 2 + 1] = v;
  const init = [f32("embedding", [vocab.size, h], emb), f32("classifier.weight", [h, 2], w), f32("classifier.bias", [2], new Float32Array([0, 0]))];
  const nodes: Onnx.INodeProto[] = [
    { opType: "Gather", input: ["embedding", "input_ids"], output: ["h0"], name: "embed", attribute: [{ name: "axis", i: 0, type: onnx.AttributeProto.AttributeType.INT }] },
  ];
  if (layers > 0) {
    const eye = new Float32Array(h * h);
    for (let i = 0; i < h; i++) eye[i * h + i] = 1;
    init.push(f32("identity", [h, h], eye));
    for (let l = 0; l < layers; l++) nodes.push({ opType: "MatMul", input: [`h${l}`, "identity"], output: [`h${l + 1}`], name: `slow${l}` });
  }
  nodes.push(
    { opType: "MatMul", input: [`h${layers}`, "classifier.weight"], output: ["z"], name: "linear" },
    { opType: "Add", input: ["z", "classifier.bias"], output: ["zb"], name: "bias" },
    { opType: "Softmax", input: ["zb"], output: ["logits"], name: "softmax", attribute: [{ name: "axis", i: -1, type: onnx.AttributeProto.AttributeType.INT }] },
  );
  const INT64 = onnx.TensorProto.DataType.INT64;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "headroom-text-ml-tiny",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny-token-classifier",
      node: nodes,
      initializer: init,
      input: [valueInfo("input_ids", INT64, ["batch", "sequence"]), valueInfo("attention_mask", INT64, ["batch", "sequence"])],
      output: [valueInfo("logits", onnx.TensorProto.DataType.FLOAT, ["batch", "sequence", 2])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Writes a complete model directory (`model.onnx`, `tokenizer.json`, `tokenizer_config.json`,
 * `config.json` with `id2label`, `headroom.json`) in the layout `@headroom/text-ml` loads, and returns
 * its path.
 */
export function writeTinyModel(dir: string, o: TinyModelOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const vocab = tinyVocab(o.words);
  const maxLength = o.maxLength ?? 128;
  writeFileSync(join(dir, "model.onnx"), tinyModelBytes(vocab, o));
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tinyTokenizerJson(vocab)));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ model_max_length: maxLength, cls_token: "[CLS]", sep_token: "[SEP]", unk_token: "[UNK]", pad_token: "[PAD]" }));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ architectures: ["TinyForTokenClassification"], id2label: { 0: "drop", 1: "keep" }, label2id: { drop: 0, keep: 1 } }));
  // The tiny graph ends in Softmax: its "logits" output already holds probabilities.
  writeFileSync(join(dir, "headroom.json"), JSON.stringify({ output: "probabilities", maxLength }));
  return dir;
}
