/**
 * @headroom/litellm — the contract LiteLLM's built-in `guardrail: headroom` speaks (`POST /v1/compress`,
 * `GET /v1/retrieve/{hash}`) and its generic guardrail API (`POST /beta/litellm_basic_guardrail_api`), as
 * an edge-safe Hono sub-app. The Headroom proxy mounts it; `@headroom/litellm/node` serves it alone.
 */
export { createLiteLLMApp } from "./app.js";
export type { LiteLLMAppOptions, GuardrailDeps } from "./app.js";
export { guardrailAuth, isLoopbackHost, presentedKey, sameToken } from "./auth.js";
export { guardrailConfigYaml } from "./config.js";
export { compressReplyBody } from "./reply.js";
export type { GuardrailConfigOptions } from "./config.js";
