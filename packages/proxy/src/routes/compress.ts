import { compressReplyBody } from "@headroom/litellm";
import { setTokenHeaders } from "../headers.js";
import { isObj } from "../dialects/types.js";
import { badRequest, decoder, isBypass, readBody, type Ctx, type ProxyContext } from "./shared.js";

/** A token budget must be a positive whole number of tokens; anything else is the client's mistake. */
function readBudget(v: unknown): number | undefined | Error {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return v;
  return new Error(`\`token_budget\` must be a positive integer (got ${JSON.stringify(v)?.slice(0, 40) ?? String(v)})`);
}

/** `POST /v1/compress {messages, model, token_budget?}`: the LiteLLM guardrail contract. */
export async function compressRoute(c: Ctx, px: ProxyContext): Promise<Response> {
  const raw = await readBody(c, px);
  if (raw instanceof Response) return raw;
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(raw));
  } catch {
    return badRequest(c, "body must be JSON: {messages, model, token_budget?}");
  }
  if (!isObj(body) || !Array.isArray(body.messages)) return badRequest(c, "`messages` must be an array");
  const budget = readBudget(body.token_budget);
  if (budget instanceof Error) return badRequest(c, budget.message);
  const messages = body.messages as unknown[];
  const model = typeof body.model === "string" ? body.model : "gpt-4o";
  const bypass = isBypass(c);
  try {
    const task = { messages, model, bypass, ...(budget !== undefined ? { tokenBudget: budget } : {}) };
    const r = await px.engine.messages(task, px.cfg.compressionTimeoutMs);
    px.stats.record("compress", model, r);
    if (bypass) px.stats.bypassed++;
    const res = c.json(compressReplyBody(r));
    setTokenHeaders(res.headers, r.tokensBefore, r.tokensAfter);
    return res;
  } catch (e) {
    // Fail open: the messages come back unchanged, with the reason.
    const msg = e instanceof Error ? e.message : String(e);
    px.stats.failOpen++;
    px.stats.error("compress", msg);
    return c.json({ messages, tokens_before: 0, tokens_after: 0, tokens_saved: 0, compression_ratio: 0, transforms_applied: [], ccr_hashes: [], errors: [msg] });
  }
}
