// The same API from a CommonJS consumer (node16 resolution picks the .d.cts types).
import { compress } from "@headroom/core";
import { createDefaultRouter } from "@headroom/router/node";
import { MemoryStore } from "@headroom/ccr";

export async function run(): Promise<number> {
  const router = await createDefaultRouter({ store: new MemoryStore() });
  const r = await compress([{ role: "user", content: "hi" }], {});
  return r.tokensBefore + router.compressors.length;
}
