/** Options of {@link guardrailConfigYaml}. */
export interface GuardrailConfigOptions {
  /** Base URL LiteLLM reaches Headroom at, e.g. `http://127.0.0.1:8787` (no path). */
  url: string;
  /** True when the server requires a key: the block reads it from `HEADROOM_API_KEY` on the LiteLLM side. */
  token?: boolean;
  /** Also emit the generic guardrail API block (LiteLLM versions without the built-in `headroom`). */
  generic?: boolean;
}

/**
 * The `guardrails:` block of LiteLLM's `config.yaml` for a running Headroom server: the built-in
 * `guardrail: headroom` (pre-call, fail open: an unreachable Headroom never blocks a request), and
 * optionally the `generic_guardrail_api` fallback.
 */
export function guardrailConfigYaml(o: GuardrailConfigOptions): string {
  const base = o.url.replace(/\/+$/, "");
  const key = o.token ? ["      api_key: os.environ/HEADROOM_API_KEY"] : [];
  const lines = [
    "guardrails:",
    "  - guardrail_name: headroom",
    "    litellm_params:",
    "      guardrail: headroom",
    "      mode: pre_call",
    `      api_base: ${base}`,
    ...key,
    "      unreachable_fallback: fail_open",
    "      default_on: true",
  ];
  if (o.generic)
    lines.push(
      "  # For LiteLLM versions without the built-in headroom guardrail:",
      "  - guardrail_name: headroom-generic",
      "    litellm_params:",
      "      guardrail: generic_guardrail_api",
      "      mode: pre_call",
      `      api_base: ${base}`,
      ...key,
      "      unreachable_fallback: fail_open",
    );
  return lines.join("\n") + "\n";
}
