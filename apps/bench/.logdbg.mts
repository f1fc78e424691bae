import { readFileSync } from "node:fs";
import { analyzeLog, templateText } from "/work/main/packages/log/src/index.ts";
const c = JSON.parse(readFileSync(`/work/shared/corpus/logs/${process.argv[2]}.json`, "utf8"));
const a = analyzeLog(c.content);
console.log("format", a.format, "templates", a.templates.length, "records", a.records.length);
for (const s of process.argv.slice(3)) for (const r of a.records) if (a.lines[r.start].includes(s)) console.log(r.index, r.severity, "tpl#"+r.template.id, "count="+r.template.count, "first="+r.template.first, templateText(r.template).slice(0,150));
const byCount=[...a.templates].sort((x,y)=>y.count-x.count).slice(0,+process.env.TOP||0);
for (const t of byCount) console.log(t.count, t.first, templateText(t).slice(0,150));
