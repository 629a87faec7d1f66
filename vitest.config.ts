import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // A safety net, not a measure: tests set no deadlines of their own (slowness and stalls come from the
    // sandbox's fault controls and its render hold), so only a hung test ever reaches this, and load never does.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
