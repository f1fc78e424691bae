/**
 * Two checks every Headroom server makes (the proxy, the MCP HTTP server, the LiteLLM guardrail; the
 * proxy compares tokens with its own WebCrypto variant): is the caller on this machine, and did it present the right token. Pure and
 * edge-safe.
 */

/** True for 127.0.0.0/8, ::1 (also written out, or IPv4-mapped) and `localhost`, with or without brackets. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Token comparison whose time does not depend on where the strings differ (it always walks the longer
 * one), so a wrong token's timing says nothing about the right one.
 */
export function sameToken(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
