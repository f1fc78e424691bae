import type { Store } from "@headroom/core";
import { RETRIEVE_TOOL_NAME } from "@headroom/core";
import { formatRetrieveResult, retrieve } from "@headroom/ccr";

export { injectRetrieveTool } from "@headroom/ccr";

export { RETRIEVE_TOOL_NAME };

/** A `headroom_retrieve` call the model made: its call id and raw JSON arguments. */
export interface RetrieveCall {
  id: string;
  args: string;
}

/** Answers retrieve calls from the store, in order; a bad call gets an explanatory text, never a throw. */
export async function answerCalls(calls: RetrieveCall[], store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const c of calls) {
    let args: { hash?: unknown; query?: unknown };
    try {
      args = JSON.parse(c.args || "{}") as typeof args;
    } catch {
      out.push(`${RETRIEVE_TOOL_NAME}: arguments are not valid JSON; call it with {"hash": "<24 hex chars>"}`);
      continue;
    }
    if (typeof args.hash !== "string") {
      out.push(`${RETRIEVE_TOOL_NAME}: missing "hash"; call it with {"hash": "<24 hex chars>"}`);
      continue;
    }
    try {
      const r = await retrieve(store, args.hash, typeof args.query === "string" && args.query ? { query: args.query } : {});
      out.push(formatRetrieveResult(r));
    } catch (e) {
      out.push(`${RETRIEVE_TOOL_NAME}: store error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

