/**
 * Datasets shaped like TOON's own benchmark (uniform employee records, time series, nested e-commerce
 * orders, semi-uniform event logs, deeply nested config), generated from a fixed seed so every run
 * compares the same bytes.
 */

/** mulberry32: tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Alice", "Bob", "Carol", "David", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yvonne"];
const LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Martin", "Lee"];
const DEPTS = ["Engineering", "Sales", "Marketing", "HR", "Finance", "Operations", "Support"];
const PRODUCTS = ["Wireless Mouse", "USB-C Hub", "Mechanical Keyboard", "Monitor Stand", "Webcam HD", "Laptop Sleeve", "Desk Lamp", "Noise Cancelling Headphones", "Portable SSD", "Phone Charger"];
const ENDPOINTS = ["/api/users", "/api/orders", "/api/products", "/api/auth/login", "/api/cart", "/api/search", "/api/payments"];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}
const round2 = (x: number) => Math.round(x * 100) / 100;
const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

export function employees(n = 100): unknown {
  const r = rng(1);
  return {
    employees: Array.from({ length: n }, (_, i) => {
      const first = pick(r, FIRST);
      const last = pick(r, LAST);
      return {
        id: i + 1,
        name: `${first} ${last}`,
        email: `${first}.${last}${i}@example.com`.toLowerCase(),
        department: pick(r, DEPTS),
        salary: 45000 + Math.floor(r() * 90) * 1000,
        yearsExperience: Math.floor(r() * 25),
        active: r() > 0.15,
      };
    }),
  };
}

export function timeSeries(n = 60): unknown {
  const r = rng(2);
  return {
    metrics: Array.from({ length: n }, (_, i) => {
      const views = 4000 + Math.floor(r() * 3000);
      const clicks = Math.floor(views * (0.05 + r() * 0.05));
      const conversions = Math.floor(clicks * (0.02 + r() * 0.08));
      return { date: day(i), views, clicks, conversions, revenue: round2(conversions * (40 + r() * 80)), bounceRate: round2(0.3 + r() * 0.4) };
    }),
  };
}

export function orders(n = 50): unknown {
  const r = rng(3);
  const statuses = ["pending", "processing", "shipped", "delivered", "cancelled"];
  return {
    orders: Array.from({ length: n }, (_, i) => {
      const first = pick(r, FIRST);
      const last = pick(r, LAST);
      const items = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
        const name = pick(r, PRODUCTS);
        return { sku: `SKU-${1000 + PRODUCTS.indexOf(name)}`, name, quantity: 1 + Math.floor(r() * 3), price: round2(10 + r() * 190) };
      });
      const subtotal = round2(items.reduce((s, it) => s + it.quantity * it.price, 0));
      const tax = round2(subtotal * 0.08);
      return {
        orderId: `ORD-${String(10000 + i)}`,
        customer: { id: 500 + Math.floor(r() * 400), name: `${first} ${last}`, email: `${first}.${last}@example.com`.toLowerCase(), phone: `+1-555-${String(1000 + Math.floor(r() * 9000))}` },
        items,
        subtotal,
        tax,
        total: round2(subtotal + tax),
        status: pick(r, statuses),
        orderDate: day(Math.floor(r() * 90)),
      };
    }),
  };
}

export function eventLogs(n = 75): unknown {
  const r = rng(4);
  const levels = ["info", "info", "info", "warn", "error"];
  return {
    logs: Array.from({ length: n }, (_, i) => {
      const level = pick(r, levels);
      const base: Record<string, unknown> = {
        timestamp: new Date(Date.UTC(2025, 0, 15, 8) + i * 37_000).toISOString(),
        level,
        endpoint: pick(r, ENDPOINTS),
        statusCode: level === "error" ? pick(r, [500, 502, 503]) : level === "warn" ? pick(r, [400, 404, 429]) : 200,
        responseTime: 20 + Math.floor(r() * 900),
        userId: 1000 + Math.floor(r() * 500),
      };
      if (level === "error")
        base.error = { message: pick(r, ["Database connection timeout", "Upstream service unavailable", "Null reference in handler"]), ...(r() > 0.5 ? { stack: "at handler (src/api.ts:42:13)" } : {}), retryable: r() > 0.5 };
      return base;
    }),
  };
}

export function nestedConfig(): unknown {
  const r = rng(5);
  return {
    environment: "production",
    version: "3.14.2",
    database: {
      primary: { host: "db-primary.internal", port: 5432, name: "app", pool: { min: 5, max: 50, idleTimeoutMs: 30000 }, ssl: { enabled: true, mode: "verify-full" } },
      replicas: Array.from({ length: 3 }, (_, i) => ({ host: `db-replica-${i + 1}.internal`, port: 5432, weight: 1 + Math.floor(r() * 3), region: pick(r, ["us-east-1", "us-west-2", "eu-west-1"]) })),
    },
    cache: { driver: "redis", nodes: ["cache-1:6379", "cache-2:6379"], ttlSeconds: 600, eviction: { policy: "allkeys-lru", maxMemoryMb: 4096 } },
    features: {
      darkMode: { enabled: true, rollout: 100 },
      newCheckout: { enabled: true, rollout: 35, allowlist: ["team-a", "team-b"] },
      aiSearch: { enabled: false, rollout: 0 },
    },
    authentication: {
      providers: [
        { type: "oauth", name: "google", clientId: "g-123", scopes: ["openid", "email", "profile"] },
        { type: "oauth", name: "github", clientId: "gh-456", scopes: ["read:user", "user:email"] },
        { type: "saml", name: "okta", entityId: "urn:okta:app", certFingerprint: "AB:CD:EF:01" },
      ],
      session: { cookieName: "sid", maxAgeSeconds: 86400, sameSite: "lax", secure: true },
    },
    logging: { level: "info", sinks: [{ type: "stdout", format: "json" }, { type: "file", path: "/var/log/app.log", rotate: { maxSizeMb: 100, keep: 7 } }] },
  };
}

/** The five datasets, by name. */
export const TOON_SHAPED: { name: string; make: () => unknown }[] = [
  { name: "uniform employees (100)", make: () => employees() },
  { name: "time series (60)", make: () => timeSeries() },
  { name: "nested e-commerce orders (50)", make: () => orders() },
  { name: "semi-uniform event logs (75)", make: () => eventLogs() },
  { name: "deeply nested config", make: () => nestedConfig() },
];
