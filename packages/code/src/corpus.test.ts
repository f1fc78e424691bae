/**
 * Real files from the shared corpus, one or more per language: the output re-parses (no new errors; none
 * for a clean input), every elided span comes back exactly from the originals, every API-level signature
 * survives, and the probes (signatures, imports, first doc lines) stay visible.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ccrKey, findMarkerHashes } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { compressCode, countParseErrors, extractSignatures, normalizeLanguage, restoreCode, signatureRetention } from "./index.js";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(process.env.HEADROOM_CORPUS ?? resolve(here, "../../../../shared/corpus"), "code");
const present = existsSync(dir);
if (!present) console.warn(`corpus not found at ${dir}: skipping`);

interface Case {
  id: string;
  language: string;
  content: string;
  query: string;
  probes: { answers: string[] }[];
}
const cases: Case[] = present
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Case)
  : [];

describe.skipIf(!present)("corpus code cases", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s round-trips", { timeout: 60_000 }, async (_id, c) => {
    const language = normalizeLanguage(c.language)!;
    const r = await compressCode(c.content, language, { query: c.query });
    expect(r).not.toBeNull();
    const out = r!.text;
    expect(out.length).toBeLessThan(c.content.length);
    // Re-parses with the same grammar: clean input → clean output; never more errors than the input.
    const errors = await countParseErrors(out, r!.language);
    expect(errors).toBeLessThanOrEqual(r!.parseErrors);
    if (r!.parseErrors === 0) expect(errors).toBe(0);
    // Every elided body/comment is an exact span of the input, under its CCR key, and restores exactly.
    const hashes = new Set(findMarkerHashes(out));
    expect(hashes.size).toBeGreaterThan(0);
    for (const o of r!.originals) {
      expect(hashes.has(o.key)).toBe(true);
      expect(ccrKey(o.content)).toBe(o.key);
      expect(c.content.includes(o.content)).toBe(true);
    }
    for (const h of hashes) expect(r!.originals.some((o) => o.key === h)).toBe(true);
    expect(restoreCode(out, r!.originals)).toBe(c.content);
    // Span by span (no whole-file footer): every elided body/comment comes back exactly from its original.
    const spans = await compressCode(c.content, language, { query: c.query, trimComments: false });
    expect(spans!.originals.some((o) => o.meta?.kind === "code-file")).toBe(false);
    expect(restoreCode(spans!.text, spans!.originals)).toBe(c.content);
    expect(await countParseErrors(spans!.text, spans!.language)).toBeLessThanOrEqual(spans!.parseErrors);
    // 100% signature retention.
    const sigs = await extractSignatures(c.content, r!.language);
    expect(sigs.length).toBeGreaterThan(0);
    expect(signatureRetention(sigs, out).missing).toEqual([]);
    // Probes stay visible.
    for (const p of c.probes) for (const a of p.answers) expect(out).toContain(a);
  });
});
