import { defineConfig } from "vitest/config";

// End-to-end runs with the real agents from npm (`pnpm test:agents`): kept out of the unit suite because
// the agents are large downloads (cached under ~/.cache/headroom/agents) and slow to start.
export default defineConfig({
  test: {
    include: ["agents/**/*.agent.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
