// moduleResolution node10 ignores `exports`: @headroom/router/node must still resolve (typesVersions).
import { createDefaultRouter, findPlugins } from "@headroom/router/node";
import { createRouter } from "@headroom/router";

export async function run(): Promise<number> {
  const router = await createDefaultRouter({});
  return router.compressors.length + findPlugins(".").length + createRouter().compressors.length;
}
