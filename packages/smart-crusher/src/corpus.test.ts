import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, findMarkerHashes } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { parseJson, toJson } from "./ast.js";
import { crush } from "./crush.js";
import { decodeToJson } from "./decode.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.HEADROOM_CORPUS ?? path.resolve(here, "../../../../shared/corpus");
const jsonDir = path.join(dir, "json");
if (!existsSync(jsonDir)) console.warn(`corpus not found at ${jsonDir}: skipping`);

interface Case {
  id: string;
  content: string;
  query: string;
  probes: { answers: string[] }[];
}
const cases: Case[] = existsSync(jsonDir)
  ? readdirSync(jsonDir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(jsonDir, f), "utf8")) as Case)
  : [];
const count = (t: string) => Math.ceil(t.length / 4);

describe.skipIf(!existsSync(jsonDir))("corpus: GitHub API and PokeAPI JSON", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s: lossless table form decodes exactly and is shorter", (_id, c) => {
    const compact = toJson(parseJson(c.content));
    const r = crush(c.content, { count });
    expect(r).not.toBeNull();
    expect(r!.lossless).toBe(true);
    expect(decodeToJson(r!.text)).toBe(compact);
    expect(r!.text.length).toBeLessThan(compact.length);
    // Every probe answer is a bare value, so the lossless form keeps all of them visible.
    for (const p of c.probes) for (const a of p.answers) expect(r!.text).toContain(a);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s: lossy output is recoverable and deterministic", (_id, c) => {
    const a = crush(c.content, { count, reversible: true, query: c.query })!;
    const b = crush(c.content, { count, reversible: true, query: c.query })!;
    expect(a.text).toBe(b.text);
    const hashes = findMarkerHashes(a.text);
    for (const h of hashes) expect(a.originals.some((o) => o.key === h && ccrKey(o.content) === h)).toBe(true);
    if (!a.lossless) {
      expect(a.originals.some((o) => o.content === c.content)).toBe(true);
      // The body (before the marker lines) decodes: JSON stays JSON or the documented table form.
      expect(() => decodeToJson(a.text)).not.toThrow();
    }
  });

  it("gh-contributor-stats: the weekly series shrink by far more than 85%", () => {
    const c = cases.find((x) => x.id === "gh-contributor-stats");
    if (!c) return;
    const r = crush(c.content, { count, reversible: true, query: c.query })!;
    expect(count(r.text)).toBeLessThan(count(c.content) * 0.15);
    for (const a of ["seveas", "sigmavirus24", "1911"]) expect(r.text).toContain(a);
  });
});
