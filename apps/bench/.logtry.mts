import { readFileSync, readdirSync } from "node:fs";
import { compressLog } from "/work/main/packages/log/src/index.ts";
import { getTokenizer } from "@headroom/tokenizer";
const tok = await getTokenizer("gpt-4o");
const dir = "/work/shared/corpus/logs";
let tb=0,ta=0,n=0,k=0;
for (const f of readdirSync(dir).sort()) {
  if (process.argv[2] && !f.includes(process.argv[2])) continue;
  const c = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
  const t0=performance.now();
  const r = compressLog(c.content, true);
  const ms=performance.now()-t0;
  const out = r ? r.text : c.content;
  const b = tok.count(c.content), a = tok.count(out);
  const miss=[];
  for (const p of c.probes) for (const ans of p.answers) { n++; if (out.includes(ans)) k++; else miss.push(ans.slice(0,70)); }
  tb+=b;ta+=a;
  console.log(`${c.id.padEnd(24)} lines=${c.content.split("\n").length} ${b}->${a} sav=${(1-a/b).toFixed(3)} ms=${ms.toFixed(0)} miss=${JSON.stringify(miss)}`);
  if (process.argv[3]) console.log(out);
}
console.log(`total sav=${(1-ta/tb).toFixed(3)} vis=${(k/n).toFixed(3)} (${k}/${n})`);
