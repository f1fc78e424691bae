// Builds a BERT-style WordPiece tokenizer.json from corpus words (realistic vocab size ~30k).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
const dir = process.env.HEADROOM_CORPUS_TEXT ?? "../../../shared/corpus/text";
let text = "";
for (const f of readdirSync(dir)) text += JSON.parse(readFileSync(`${dir}/${f}`, "utf8")).content + "\n";
writeFileSync("corpus.txt", text);
const counts = new Map();
for (const w of text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) counts.set(w, (counts.get(w) ?? 0) + 1);
const vocab = {}; let id = 0;
for (const s of ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) vocab[s] = id++;
const chars = new Set([...text].filter((c) => !/\s/.test(c)));
for (const c of [...chars].sort()) { vocab[c] = id++; vocab["##" + c] = id++; }
const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
for (const [w] of top.slice(0, 20000)) if (!(w in vocab)) vocab[w] = id++;
const suf = new Map();
for (const [w, n] of top) for (let k = 2; k <= 4 && k < w.length; k++) { const s = "##" + w.slice(-k); suf.set(s, (suf.get(s) ?? 0) + n); }
for (const [s] of [...suf].sort((a, b) => b[1] - a[1]).slice(0, 8000)) if (!(s in vocab)) vocab[s] = id++;
const special = (t, i) => ({ id: i, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const tj = {
  version: "1.0", truncation: null, padding: null,
  added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => special(t, vocab[t])),
  normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
  pre_tokenizer: { type: "BertPreTokenizer" },
  post_processor: { type: "TemplateProcessing", single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }], pair: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } }], special_tokens: { "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] }, "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] } } },
  decoder: { type: "WordPiece", prefix: "##", cleanup: true },
  model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
};
writeFileSync("tokenizer.json", JSON.stringify(tj));
writeFileSync("tokenizer_config.json", JSON.stringify({ model_max_length: 512, cls_token: "[CLS]", sep_token: "[SEP]", unk_token: "[UNK]", pad_token: "[PAD]" }));
console.log("vocab", id, "corpus chars", text.length);
