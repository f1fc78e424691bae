import { describe, expect, it } from "vitest";
import { runDetectors } from "./detect.js";
import type { CompressError } from "./types.js";
import type { DetectorV2 } from "./spec/v2/index.js";

const det = (name: string, confidence: number | null, maxConfidence?: number, calls?: string[]): DetectorV2 => ({
  name,
  kinds: ["log"],
  ...(maxConfidence === undefined ? {} : { maxConfidence }),
  detect() {
    calls?.push(name);
    return confidence === null ? null : { kind: name, confidence };
  },
});

const winner = (ds: DetectorV2[]) => {
  const errors: CompressError[] = [];
  return runDetectors(ds, "text", {}, errors, "u")?.detector;
};

describe("runDetectors", () => {
  it("keeps the most confident answer, the first listed on a tie", () => {
    expect(winner([det("a", 0.5), det("b", 0.9), det("c", 0.9)])).toBe("b");
    expect(winner([det("a", null), det("b", null)])).toBeUndefined();
  });

  it("skips a capped detector that could neither win nor tie", () => {
    const calls: string[] = [];
    expect(winner([det("modest", 0.45, 0.45, calls), det("router", 0.8, undefined, calls)])).toBe("router");
    expect(calls).toEqual(["router"]);
  });

  it("runs a capped detector that could tie, and lets it win the tie when listed first", () => {
    const calls: string[] = [];
    expect(winner([det("modest", 0.5, 0.5, calls), det("router", 0.5, undefined, calls)])).toBe("modest");
    expect(calls).toEqual(["router", "modest"]);
    expect(winner([det("router", 0.5), det("modest", 0.5, 0.5)])).toBe("router");
  });

  it("gives the answer running every detector in order would, over many orders and caps", () => {
    const confs = [null, 0.3, 0.45, 0.5, 0.6, 1];
    const caps = [undefined, 0.45, 0.5, 0.6];
    for (let seed = 0; seed < 500; seed++) {
      const ds: DetectorV2[] = [];
      let x = seed;
      for (let i = 0; i < 4; i++) {
        const cap = caps[x % caps.length];
        x = Math.floor(x / 3) + i * 7;
        const raw = confs[x % confs.length]!;
        // A capped detector never answers above its cap (its contract).
        const c = raw !== null && cap !== undefined ? Math.min(raw, cap) : raw;
        ds.push(det(`d${i}`, c, cap));
        x += seed;
      }
      let best: { name: string; c: number } | undefined;
      for (const d of ds) {
        const r = d.detect("", {});
        if (r && (!best || r.confidence > best.c)) best = { name: d.name, c: r.confidence };
      }
      expect(winner(ds)).toBe(best?.name);
    }
  });

  it("lowers an answer above the declared cap to it, and reports a throwing detector", () => {
    const errors: CompressError[] = [];
    const boom: DetectorV2 = {
      name: "boom",
      kinds: ["x"],
      detect: () => {
        throw new Error("no");
      },
    };
    const r = runDetectors([det("liar", 0.9, 0.4), boom], "t", {}, errors, "u");
    expect(r).toMatchObject({ detector: "liar", confidence: 0.4 });
    expect(errors.map((e) => e.message)).toEqual(["boom: no"]);
  });
});
