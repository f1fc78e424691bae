// The real path end to end: a tiny ONNX token classifier and tokenizer.json the test writes itself,
// loaded by onnxruntime-node and @huggingface/tokenizers in the worker pool users run.
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPipeline, findMarkerHashes, type AnyCompressor } from "@headroom/core";
import { MemoryStore } from "@headroom/ccr";
import { createProseCompressor } from "@headroom/prose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTinyModel } from "../testing/index.js";
import { headroomPlugin as rootPlugin, NO_MODEL_REASON, type TextMlEvent } from "../index.js";
import { createTextMlCompressor, type TextMlCompressor } from "./index.js";

const WORDS = "the a of and to in was is for on at by with it that this as from Alice paid ferry Oslo captain said morning winter".split(" ");
const PARA = "Alice paid 42 dollars for the ferry to Oslo on a cold morning in the winter of 2019. The captain was a quiet man who said very little and smiled at the children on the deck. ";
const DOC = ["# Trip notes", "", PARA.repeat(30).trim(), "", "- see `config.yaml` and https://example.com/route for the route", "", "```sh", "the of and to in", "```", ""].join("\n");

const prose = () => ({ kind: "prose" as const, confidence: 1 });
const pipe = (...compressors: AnyCompressor[]) => createPipeline({ compressors, detect: prose, model: "gpt-4o" });

let root: string;
let modelDir: string;
const open: TextMlCompressor[] = [];
const make = (o: Parameters<typeof createTextMlCompressor>[0] = {}) => {
  const c = createTextMlCompressor({ model: modelDir, timeBudgetMs: 5000, ...o });
  open.push(c);
  return c;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "text-ml-"));
  modelDir = writeTinyModel(join(root, "tiny"), { words: WORDS });
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

describe("text-ml on a tiny real ONNX model", () => {
  it("keeps digits, capitalised words, code, URLs and markdown; drops function words; stores the original", async () => {
    const c = make();
    const store = new MemoryStore();
    const r = await pipe(c).compressText(DOC, { store });
    expect(r.errors).toEqual([]);
    expect(r.units[0]).toMatchObject({ status: "compressed", compressor: "text-ml", transforms: ["text-ml:tokens"] });
    expect(r.tokensAfter).toBeLessThan(r.tokensBefore * 0.8);
    const body = r.text;
    for (const keep of ["# Trip notes", "Alice", "42", "2019.", "Oslo", "The", "`config.yaml`", "https://example.com/route", "```sh\nthe of and to in\n```"]) expect(body).toContain(keep);
    expect(body.split("\n").find((l) => l.includes("config.yaml"))).toMatch(/^- /);
    const para = body.split("\n")[2]!.split(" ");
    const count = (ws: string[], pick: (w: string) => boolean) => ws.filter(pick).length;
    const fn = (w: string) => ["the", "a", "of", "to", "on", "in", "at"].includes(w);
    const strong = (w: string) => /\d|^[A-Z]/.test(w);
    const input = PARA.repeat(30).trim().split(" ");
    // The tiny model scores short lowercase function words lowest and digits/capitals highest.
    expect(count(para, fn) / count(input, fn)).toBeLessThan(0.2);
    expect(count(para, strong)).toBe(count(input, strong));
    const [key] = findMarkerHashes(body);
    expect(await store.get(key!)).toBe(DOC);
  });

  it("keeps the query's terms", async () => {
    const c = make();
    const r = await pipe(c).compressText(DOC, { store: new MemoryStore(), query: "how quiet was the deck?" });
    const decks = (t: string) => t.split("\n")[2]!.split(" ").filter((w) => w === "deck.").length;
    expect(decks(r.text)).toBe(30);
    const r2 = await pipe(c).compressText(DOC, { store: new MemoryStore() });
    expect(decks(r2.text)).toBeLessThan(30);
  });

  it("is deterministic across runs and across fresh pools", async () => {
    const a = make();
    const b = make({ poolSize: 2 });
    const outs = new Set<string>();
    for (const c of [a, a, b, b]) outs.add((await pipe(c).compressText(DOC, { store: new MemoryStore() })).text);
    expect(outs.size).toBe(1);
  });

  it("reports load, tokenizer and inference time", async () => {
    const events: TextMlEvent[] = [];
    const c = make({ onEvent: (e) => events.push(e) });
    const info = await c.ready();
    expect(info.loadMs).toBeGreaterThan(0);
    expect(info.chunkMs).toBeGreaterThan(0);
    await pipe(c).compressText(DOC, { store: new MemoryStore() });
    const done = events.find((e) => e.type === "compressed");
    expect(done).toMatchObject({ type: "compressed", timings: { chunks: expect.any(Number), tokenizeMs: expect.any(Number), inferMs: expect.any(Number) } });
    expect(c.stats).toMatchObject({ units: 1, compressed: 1, errors: 0 });
  });

  it("declines without a store (lossy output must be recoverable) and on small units", async () => {
    const events: TextMlEvent[] = [];
    const c = make({ onEvent: (e) => events.push(e) });
    const r = await pipe(c).compressText(DOC);
    expect(r.text).toBe(DOC);
    const small = await pipe(c).compressText("A short answer of 12 words that the budget keeps whole.", { store: new MemoryStore(), minTokens: 0 });
    expect(small.units[0]?.status).toBe("unchanged");
    expect(events.map((e) => e.type === "decline" && e.reason)).toEqual(["lossy output needs a CCR store", expect.stringMatching(/budget keeps every word/)]);
  });
});

describe("model resolution", () => {
  it("declines with a one-line reason when no model is configured, and prose takes over", async () => {
    const prev = process.env.HEADROOM_TEXT_ML_MODEL;
    delete process.env.HEADROOM_TEXT_ML_MODEL;
    try {
      const events: TextMlEvent[] = [];
      const r = await pipe(rootPlugin({ onEvent: (e) => events.push(e) }), createProseCompressor()).compressText(DOC, { store: new MemoryStore() });
      expect(events).toEqual([{ type: "decline", unitId: expect.any(String), reason: NO_MODEL_REASON }]);
      expect(r.units[0]).toMatchObject({ status: "compressed", compressor: "prose" });
      // A decline is not a problem: nothing lands in errors (one per text unit would drown real ones).
      expect(r.errors).toEqual([]);
      expect(NO_MODEL_REASON).not.toContain("\n");
    } finally {
      if (prev !== undefined) process.env.HEADROOM_TEXT_ML_MODEL = prev;
    }
  });

  it("loads the model named by HEADROOM_TEXT_ML_MODEL through the root plugin", async () => {
    const prev = process.env.HEADROOM_TEXT_ML_MODEL;
    process.env.HEADROOM_TEXT_ML_MODEL = modelDir;
    try {
      const plugin = rootPlugin({ timeBudgetMs: 5000 });
      expect(plugin.priority).toBeGreaterThan(createProseCompressor().priority ?? 0);
      const r = await pipe(plugin, createProseCompressor()).compressText(DOC, { store: new MemoryStore() });
      expect(r.units[0]).toMatchObject({ status: "compressed", compressor: "text-ml" });
      const { createTextMlCompressor: direct } = await import("@headroom/text-ml/node");
      expect(typeof direct).toBe("function");
    } finally {
      if (prev === undefined) delete process.env.HEADROOM_TEXT_ML_MODEL;
      else process.env.HEADROOM_TEXT_ML_MODEL = prev;
    }
  });

  it("names the path and what is missing in a broken model directory", () => {
    const broken = writeTinyModel(join(root, "broken"));
    unlinkSync(join(broken, "tokenizer.json"));
    expect(() => createTextMlCompressor({ model: broken })).toThrow(`text-ml: model directory ${broken} is missing tokenizer.json`);
    expect(() => createTextMlCompressor({ model: join(root, "nowhere") })).toThrow(/model directory .*nowhere does not exist/);
    writeFileSync(join(broken, "tokenizer.json"), "{not json");
    writeFileSync(join(broken, "config.json"), "{}");
    const c = make({ model: broken });
    return expect(c.ready()).rejects.toThrow(`text-ml: cannot load tokenizer ${join(broken, "tokenizer.json")}`);
  });

  it("downloads only when given a URL, once, into its cache directory", async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      const name = (req.url ?? "/").split("/").pop()!;
      try {
        res.end(readFileSync(join(modelDir, name)));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/tiny/`;
      const cacheDir = join(root, "cache");
      const c = make({ model: undefined, modelUrl: url, cacheDir });
      const r = await pipe(c).compressText(DOC, { store: new MemoryStore() });
      expect(r.units[0]?.compressor).toBe("text-ml");
      expect(readFileSync(join(cacheDir, "model.onnx"))).toEqual(readFileSync(join(modelDir, "model.onnx")));
      const first = requests;
      await make({ model: undefined, modelUrl: url, cacheDir }).ready();
      expect(requests).toBe(first); // cached: no second download
    } finally {
      server.close();
    }
  });
});

describe("edge safety", () => {
  it("the root entry imports no Node built-ins", () => {
    for (const f of ["index.js", "index.cjs"]) {
      const src = readFileSync(join(__dirname, "../../dist", f), "utf8");
      expect(src).not.toMatch(/(?:from\s*|require\(|import\()\s*["'](?:node:|fs|path|os|worker_threads|onnxruntime-node)/);
    }
  });
});
