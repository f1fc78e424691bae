import { loadCorpus } from "./src/corpus.js";
import { visibleRetention } from "./src/metrics.js";
import { getTokenizer } from "@headroom/tokenizer";
import { compressDiff, checkHunks } from "../../packages/diff/src/index.js";
const tok = await getTokenizer("gpt-4o");
const count = (t: string) => tok.count(t);
let tb = 0, ta = 0, kept = 0, n = 0;
for (const c of loadCorpus({ kind: "diff" })) {
  const t = c.content!;
  const t0 = performance.now();
  const r = compressDiff(t, count, { query: c.query })!;
  const ms = performance.now() - t0;
  const b = count(t), a = count(r.text);
  tb += b; ta += a;
  const v = visibleRetention(c.probes, r.text);
  const answers = c.probes.flatMap((p) => p.answers);
  n += answers.length; kept += answers.filter((x) => r.text.includes(x)).length;
  const miss = answers.filter((x) => !r.text.includes(x));
  console.log(c.id.padEnd(32), b, a, (1 - a / b).toFixed(3), v.toFixed(3), ms.toFixed(0) + "ms", checkHunks(r.text).length, miss.map((m) => m.slice(0, 50)).join(" | "));
  if (process.env.DUMP === c.id) console.log(r.text);
}
console.log("total savings", (1 - ta / tb).toFixed(3), "visible", (kept / n).toFixed(3));
