// Edge first (DESIGN invariant 11): the root entries of core, router, ccr and proxy bundle for a
// runtime without Node built-ins, and the bundled proxy app serves requests on a second runtime (Bun).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "headroom-edge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split("/")[0]!]));

/** Fails the build on any import of a Node built-in, naming the importer. */
const noNodeBuiltins: Plugin = {
  name: "no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, "");
      if (args.path.startsWith("node:") || args.path.startsWith("bun:") || BUILTINS.has(bare) || BUILTINS.has(bare.split("/")[0]!))
        return { errors: [{ text: `imports the Node built-in "${args.path}" (from ${args.importer})` }] };
      return undefined;
    });
  },
};

async function bundle(contents: string, platform: "neutral" | "browser"): Promise<string> {
  const r = await build({
    stdin: { contents, resolveDir: PKG, sourcefile: "edge-entry.js", loader: "js" },
    bundle: true,
    platform,
    format: "esm",
    target: "es2022",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
    plugins: [noNodeBuiltins],
  });
  return r.outputFiles[0]!.text;
}

describe("edge bundle", () => {
  for (const pkg of ["@headroom/core", "@headroom/router", "@headroom/ccr", "@headroom/proxy"])
    for (const platform of ["neutral", "browser"] as const)
      it(`${pkg} bundles for --platform=${platform} without any Node built-in`, async () => {
        const out = await bundle(`export * from "${pkg}";`, platform);
        expect(out.length).toBeGreaterThan(100);
      });

  it("the check itself catches a Node built-in (control)", async () => {
    await expect(bundle(`export * from "@headroom/ccr/node";`, "neutral")).rejects.toThrow(/imports the Node built-in/);
  });
});

/** The Bun binary from node_modules (a dev dependency), when this platform has one. */
function bunBinary(): string | undefined {
  try {
    const p = join(dirname(createRequire(join(PKG, "package.json")).resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined; // not installed for this platform: the runtime test is skipped
  }
}
const BUN = bunBinary();

// The app under test: a router with a lossy compressor, an in-memory store, and an upstream that is a
// plain web `fetch` function (no network), driven through `app.fetch` as any Hono adapter would.
const APP = `
import { createProxyApp } from "@headroom/proxy";
import { createRouter } from "@headroom/router";
import { MemoryStore } from "@headroom/ccr";
import { createOriginals, marker, findMarkerHashes } from "@headroom/core";

const head = { specificationVersion: "v1", name: "head", kinds: ["*"], priority: 100,
  compress(unit, ctx) {
    const lines = unit.text.split("\\n");
    if (!ctx.reversible || lines.length < 10) return null;
    const o = createOriginals();
    const key = o.stash(unit.text);
    return { text: lines.slice(0, 3).join("\\n") + "\\n" + marker((lines.length - 3) + " more lines omitted", key), lossless: false, originals: o.list() };
  } };
const seen = [];
const upstream = async (url, init) => {
  seen.push({ url: String(url), body: String(init.body) });
  return new Response(JSON.stringify({ id: "c", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] }), { headers: { "content-type": "application/json" } });
};
const app = createProxyApp({ pipeline: createRouter({ compressors: [head] }), store: new MemoryStore(), fetch: upstream, openaiBaseUrl: "https://upstream.example" });
const log = Array.from({ length: 200 }, (_, i) => "2025-01-01 INFO job " + i + " done in " + (i * 7) + " ms").join("\\n");
const body = '{"seed": 12345678901234567890, "model": "gpt-4o", "messages": [{"role":"user","content":"why slow?"},' +
  '{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"read","arguments":"{}"}}]},' +
  '{"role":"tool","tool_call_id":"c1","content":' + JSON.stringify(log) + '}]}';
const res = await app.fetch(new Request("http://proxy.local/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body }));
const hash = findMarkerHashes(seen[0].body)[0];
const back = await (await app.fetch(new Request("http://proxy.local/v1/retrieve/" + hash))).json();
const health = await (await app.fetch(new Request("http://proxy.local/health"))).json();
console.log(JSON.stringify({
  runtime: typeof Bun !== "undefined" ? "bun" : "other",
  status: res.status,
  compression: res.headers.get("x-headroom-compression"),
  upstreamUrl: seen[0].url,
  seedKept: seen[0].body.startsWith('{"seed": 12345678901234567890,'),
  shrunk: seen[0].body.length < body.length,
  retrieved: back.original_content === log,
  health: health.status,
}));
`;

describe.skipIf(!BUN)("the bundled proxy app on Bun", () => {
  it("compresses, stores, retrieves and answers /health through app.fetch", async () => {
    const file = join(dir, "proxy-edge.mjs");
    writeFileSync(file, await bundle(APP, "neutral"));
    const r = spawnSync(BUN!, [file], { encoding: "utf8", cwd: dir });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      runtime: "bun",
      status: 200,
      compression: "applied",
      upstreamUrl: "https://upstream.example/v1/chat/completions",
      seedKept: true,
      shrunk: true,
      retrieved: true,
      health: "ok",
    });
  });
});
