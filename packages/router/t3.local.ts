import { readFileSync } from "node:fs";
import { detect } from "./src/detect.ts";
import { getTokenizer } from "../tokenizer/src/index.ts";
const t = readFileSync("/tmp/colored.txt", "utf8");
const plain = t.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, "");
const tok = await getTokenizer("gpt-4o");
console.log(JSON.stringify(detect(t)), JSON.stringify(detect(plain)), tok.count(t), tok.count(plain));
