import { defineConfig } from "vitest/config";

// Unit tests: no sockets, no processes.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/integration/**", "test/browser/**", "node_modules/**"],
    testTimeout: 10_000,
  },
});
