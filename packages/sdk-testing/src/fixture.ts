/**
 * Test fixture: a tool output big enough to compress, and the pipeline that does it. 600 items (~13k
 * tokens): smart-crusher's size-aware curve keeps nearly every item of a small array, so the fixture is
 * large enough that selection, markers and retrieval are really exercised.
 */
import { MemoryStore } from "@headroom/ccr";
import { createRouter } from "@headroom/router";
import { createSmartCrusher } from "@headroom/smart-crusher";
import { getTokenizer, tiktokenTokenizer } from "@headroom/tokenizer";

export const deploys = Array.from({ length: 600 }, (_, i) => ({
  id: `dep-${i}`,
  service: ["api", "web", "worker"][i % 3],
  status: i === 17 ? "failed" : "ok",
  duration_ms: 1000 + ((i * 7919) % 500),
  commit: `c${((i * 2654435761) % 4294967296).toString(16)}`,
}));
export const deploysText = JSON.stringify(deploys, null, 2);

export function setup() {
  const store = new MemoryStore();
  const pipeline = createRouter({ compressors: [createSmartCrusher()], tokenizer: tiktokenTokenizer });
  return { store, pipeline };
}

/** o200k tokens of a request's messages/input as serialized on the wire (what the model reads). */
export async function tokensOf(value: unknown): Promise<number> {
  const tok = await getTokenizer("gpt-4o");
  return tok.count(JSON.stringify(value));
}
