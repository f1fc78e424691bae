// Type-checks the public API as an ESM consumer (node16 and bundler resolution).
import { compress, type CompressResult, type CompressorV2 } from "@headroom/core";
import { createRouter, Registry } from "@headroom/router";
import { createDefaultRouter, findPlugins, type FoundPlugin } from "@headroom/router/node";
import { MemoryStore, retrieve, handleRetrieveCalls } from "@headroom/ccr";
import { getTokenizer, tiktokenTokenizer, type EncodingName } from "@headroom/tokenizer";
import { headroomPlugin as smartCrusher } from "@headroom/smart-crusher";
import { createCodeCompressor } from "@headroom/code";

const messages = [{ role: "user", content: "hi" }] as const;
const store = new MemoryStore();
const r: CompressResult<typeof messages> = await compress(messages, { store, plugins: [smartCrusher()] });
const c: CompressorV2 = createCodeCompressor();
const router = createRouter({ registry: new Registry().register(c), tokenizer: tiktokenTokenizer });
const found: FoundPlugin[] = findPlugins(process.cwd());
const d = await createDefaultRouter({ store });
const enc: EncodingName = (await getTokenizer("gpt-4o")).encoding as EncodingName;
const hit = await retrieve(store, "0".repeat(24));
void [r.tokensSaved, router.describe(), found, d.discoveryErrors, enc, hit.found, handleRetrieveCalls];
