/**
 * A bundled sample agent session for `headroom demo`: an on-call agent investigating failed checkouts.
 * Generated deterministically (a fixed-seed LCG), so the demo prints the same numbers everywhere.
 */

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

function serviceLog(rand: () => number): string {
  const lines: string[] = [];
  const routes = ["/api/cart", "/api/checkout", "/api/products", "/api/session", "/healthz"];
  for (let i = 0; i < 1200; i++) {
    const t = `2026-11-20T03:${pad(Math.floor(i / 20) % 60)}:${pad((i * 3) % 60)}.${pad(Math.floor(rand() * 1000), 3)}Z`;
    const route = routes[Math.floor(rand() * routes.length)]!;
    const ms = Math.floor(5 + rand() * 80);
    if (i === 731) lines.push(`${t} ERROR checkout-svc payment gateway timeout after 30000ms order_id=ord_8f31c2 upstream=payments.internal:8443`);
    else if (i === 732) lines.push(`${t} ERROR checkout-svc   at PaymentClient.charge (src/payments/client.ts:212:11)`);
    else if (i === 900) lines.push(`${t} WARN checkout-svc retry budget exhausted for order_id=ord_91aa07 attempts=5`);
    else lines.push(`${t} INFO checkout-svc request method=GET route=${route} status=200 duration_ms=${ms} pod=checkout-7d9f${Math.floor(rand() * 9)}`);
  }
  return lines.join("\n");
}

function deploys(rand: () => number): string {
  const items = [];
  for (let i = 0; i < 60; i++) {
    items.push({
      id: 4100 + i,
      service: i % 3 === 0 ? "checkout-svc" : i % 3 === 1 ? "cart-svc" : "catalog-svc",
      version: `v2.${Math.floor(i / 10)}.${i % 10}`,
      status: i === 47 ? "failed" : "succeeded",
      duration_s: 60 + Math.floor(rand() * 40),
      author: ["amara", "li.wei", "jonas", "priya"][i % 4],
      started_at: `2026-11-${pad(10 + Math.floor(i / 6))}T${pad(i % 24)}:00:00Z`,
      config: { replicas: 3, region: "eu-west-1", canary: i % 5 === 0 },
    });
  }
  return JSON.stringify(items, null, 2);
}

function grepOutput(): string {
  const files = ["src/payments/client.ts", "src/payments/retry.ts", "src/checkout/handler.ts", "src/checkout/saga.ts", "test/payments.test.ts"];
  const out: string[] = [];
  let line = 10;
  for (let i = 0; i < 120; i++) {
    const f = files[i % files.length]!;
    line += 7;
    if (i === 1) out.push(`src/payments/retry.ts:12:export function retryPolicy(opts: RetryOptions): Policy {`);
    else out.push(`${f}:${line}:    const policy = retryPolicy({ attempts: ${3 + (i % 3)}, backoffMs: ${100 * (1 + (i % 4))} });`);
  }
  return out.join("\n");
}

/** The sample conversation (OpenAI Chat Completions format). */
export function sampleConversation(): unknown[] {
  const rand = lcg(42);
  const call = (id: string, name: string, args: object) => ({
    role: "assistant",
    content: null,
    tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }],
  });
  return [
    { role: "system", content: "You are an on-call SRE agent. Use tools to investigate, then answer concisely." },
    { role: "user", content: "Checkouts failed around 03:36 UTC last night. Which deploy and which error caused it?" },
    call("call_1", "kubectl_logs", { deployment: "checkout-svc", since: "12h" }),
    { role: "tool", tool_call_id: "call_1", content: serviceLog(rand) },
    call("call_2", "list_deploys", { since: "2026-11-10" }),
    { role: "tool", tool_call_id: "call_2", content: deploys(rand) },
    call("call_3", "grep", { pattern: "retryPolicy", path: "src" }),
    { role: "tool", tool_call_id: "call_3", content: grepOutput() },
    { role: "assistant", content: "The payment gateway timed out (order ord_8f31c2) right after deploy 4147 of checkout-svc failed." },
  ];
}
