// Measures the three tokenizer candidates on the corpus text (see README "Tokenizer choice"). Not part of the build.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const which = process.argv[2];
const tj = JSON.parse(readFileSync("tokenizer.json", "utf8"));
const tc = JSON.parse(readFileSync("tokenizer_config.json", "utf8"));
const text = readFileSync("corpus.txt", "utf8");
const chunks = []; for (let i = 0; i < text.length; i += 2000) chunks.push(text.slice(i, i + 2000));
const words = text.split(/\s+/).filter(Boolean);
let t0 = performance.now();
let enc, encAsync;
if (which === "hf-tokenizers") {
  const { Tokenizer } = await import(`${process.env.HF_TOKENIZERS_DIR}/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs`);
  const tok = new Tokenizer(tj, tc);
  enc = (s) => tok.encode(s, { add_special_tokens: false }).ids;
} else if (which === "transformers") {
  const { PreTrainedTokenizer } = await import(`${process.env.TRANSFORMERS_DIR}/node_modules/@huggingface/transformers/dist/transformers.node.mjs`);
  const tok = new PreTrainedTokenizer(tj, tc);
  enc = (s) => tok.encode(s, { add_special_tokens: false });
} else {
  const req = createRequire(`${process.env.NATIVE_TOKENIZERS_DIR}/x.js`);
  const { Tokenizer } = req("tokenizers");
  const tok = Tokenizer.fromString(JSON.stringify(tj));
  encAsync = async (s) => (await tok.encode(s, null, { addSpecialTokens: false })).getIds();
  const batch = async (ss) => (await tok.encodeBatch(ss, { addSpecialTokens: false })).map((e) => e.getIds());
  encAsync.batch = batch;
}
const load = performance.now() - t0;
let n = 0; t0 = performance.now();
if (enc) for (const c of chunks) n += enc(c).length; else n = (await encAsync.batch(chunks)).reduce((s, x) => s + x.length, 0);
const whole = performance.now() - t0;
// per word with a cache (the alignment path)
const cache = new Map(); let m = 0; t0 = performance.now();
for (const w of words) { let ids = cache.get(w); if (!ids) { ids = enc ? enc(w) : await encAsync(w); cache.set(w, ids); } m += ids.length; }
const perWord = performance.now() - t0;
console.log(JSON.stringify({ which, loadMs: +load.toFixed(1), chunkedMs: +whole.toFixed(1), tokens: n, MBps: +(text.length / 1e6 / (whole / 1000)).toFixed(2), perWordCachedMs: +perWord.toFixed(1), wordTokens: m, rssMB: Math.round(process.memoryUsage().rss / 1e6) }));
