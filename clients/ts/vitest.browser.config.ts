import { defineConfig } from "vitest/config";

// Browser tests: start the real hub and drive Debian's Chromium with playwright-core.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
