import { defineConfig } from "vitest/config";

// Integration tests: start the real hub (dotnet) and talk to it with the SDK under Node.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
