import { SPECIFICATION_VERSION_V2, createOriginals, marker, type CompressorV2 } from "@headroom/core";
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";

// A compressor for CSV tool outputs: keeps the header and the first rows, stores the whole table.
const csvHead: CompressorV2 = {
  specificationVersion: SPECIFICATION_VERSION_V2,
  name: "csv-head",
  kinds: ["tabular"],
  compress(unit, ctx) {
    const rows = unit.text.split("\n");
    const keep = Math.max(3, Math.round(10 / ctx.aggressiveness));
    // Lossy output needs a store (ctx.allowLossy); otherwise decline and the text stays as it is.
    if (!ctx.allowLossy) return { decline: "lossy output needs a store" };
    if (rows.length <= keep + 1) return { decline: "small table" };
    const originals = createOriginals();
    const key = originals.stash(unit.text);
    const text = [...rows.slice(0, keep + 1), marker(`${rows.length - 1} rows compressed to ${keep}`, key)].join("\n");
    return { text, lossless: false, originals: originals.list() };
  },
};

export async function example() {
  const store = new MemoryStore();
  const router = createRouter({ compressors: [csvHead], store });
  const csv = ["id,city,temp", ...Array.from({ length: 200 }, (_, i) => `${i},city-${i % 7},${(i * 37) % 40}`)].join("\n");
  const messages = [
    { role: "user", content: "Which city was hottest?" },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "query_db", arguments: "{}" } }] },
    { role: "tool", tool_call_id: "c1", content: csv },
  ];
  const result = await router.compress(messages);
  console.log(result.tokensBefore, "→", result.tokensAfter, result.ccrHashes);
  return { result, store, csv };
}
