import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findMarkerHashes } from "@headroom/core";
import { createMapStore } from "@headroom/core/testing";
import { detect } from "./detect.js";
import { createDefaultRouter } from "./node.js";
import { isTerminalOutput, stripEscapes, terminalText } from "./terminal.js";

const BENCH = resolve(__dirname, "../../../apps/bench");
const E = "\x1b";

/** A coloured test run, as vitest prints it with FORCE_COLOR: every status and path wrapped in SGR codes. */
function colouredRun(n: number): string {
  const lines = [`${E}[1m${E}[46m RUN ${E}[49m${E}[22m ${E}[36mv4.1.12 ${E}[39m${E}[90m/work/app${E}[39m`, ""];
  for (let i = 0; i < n; i++) {
    const ok = i % 17 !== 5;
    lines.push(` ${ok ? `${E}[32m✓${E}[39m` : `${E}[31m×${E}[39m`} src/mod${i % 9}/unit${i}.test.ts ${E}[2m(${E}[22m${E}[2m${3 + (i % 4)} tests${E}[22m${E}[2m)${E}[22m${E}[90m ${10 + i}${E}[2mms${E}[22m${E}[39m`);
    if (!ok) lines.push(`   ${E}[31mAssertionError: expected ${i} to be ${i + 1}${E}[39m`);
  }
  lines.push("", ` ${E}[2mTest Files ${E}[22m ${E}[1m${E}[32m${n} passed${E}[39m${E}[22m`);
  return lines.join("\n");
}

describe("terminal output", () => {
  it("strips CSI, OSC and two-byte escapes and nothing else", () => {
    expect(stripEscapes(`${E}[1;31merror${E}[0m: ${E}]8;;https://x.dev${E}\\link${E}]8;;${E}\\ ${E}(Bdone${E}[2K\r`)).toBe("error: link done\r");
    expect(isTerminalOutput("plain text, no escapes")).toBe(false);
    expect(isTerminalOutput(`${E}[32mok${E}[39m`)).toBe(true);
  });

  it("shows each line as it stands after its carriage returns; CRLF line breaks stay", () => {
    expect(terminalText("Downloading  10%\rDownloading  55%\rDownloading 100%\ndone\r\n")).toBe("Downloading 100%\ndone\r\n");
    expect(terminalText("100%\r50%\n")).toBe("50%%\n"); // shorter text leaves the longer one showing
    expect(terminalText("classic\rMac\rline breaks")).toBe("classic\rMac\rline breaks");
    expect(isTerminalOutput("a\r\nb\r\n")).toBe(false);
    expect(isTerminalOutput("a\rb\n")).toBe(true);
    const pull = Array.from({ length: 200 }, (_, i) => `\r${"layer".padEnd(8)} [${"=".repeat(i % 50).padEnd(50)}] ${i % 50}%`).join("");
    const log = `${pull}\nDigest: sha256:abc\nStatus: Downloaded newer image\n`;
    expect(detect(log).kind).toBe("terminal");
    expect(terminalText(log).split("\n")).toHaveLength(4);
  });

  it("is detected as terminal output; its plain text as what it shows", () => {
    const run = colouredRun(60);
    expect(detect(run).kind).toBe("terminal");
    expect(detect(stripEscapes(run)).kind).toBe("log");
  });

  it("goes to the log compressor without its colours, the raw output stored whole", async () => {
    const router = await createDefaultRouter({ from: BENCH, onWarning: () => {} });
    const run = colouredRun(400);
    const store = createMapStore();
    const res = await router.compressText(run, { model: "gpt-4o", store, query: "which tests fail?" });
    expect(res.units[0]!.compressor).toBe("terminal");
    expect(res.text).not.toContain(E);
    expect(res.text).toContain("AssertionError: expected 5 to be 6");
    expect(res.tokensAfter).toBeLessThan(res.tokensBefore / 4);
    // Every marker retrieves, and one of them gives back the exact bytes the terminal received.
    const keys = findMarkerHashes(res.text);
    const stored = await Promise.all(keys.map((k) => store.get(k)));
    expect(stored.every((s) => s !== undefined)).toBe(true);
    expect(stored).toContain(run);
  });

  it("keeps the escapes without a store (lossless mode)", async () => {
    const router = await createDefaultRouter({ from: BENCH, onWarning: () => {} });
    const run = colouredRun(100);
    const res = await router.compressText(run, { model: "gpt-4o", lossless: true });
    expect(res.text.split(E).length).toBe(run.split(E).length);
  });
});
