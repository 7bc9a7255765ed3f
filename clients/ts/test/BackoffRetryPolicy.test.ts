import { describe, expect, it } from "vitest";
import { BackoffRetryPolicy } from "../src/BackoffRetryPolicy.js";

describe("BackoffRetryPolicy", () => {
  it("retries at once, then doubles up to the ceiling, and never gives up", () => {
    const policy = new BackoffRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    const delays = [0, 1, 2, 3, 4, 5, 1000].map((n) =>
      policy.nextRetryDelayInMilliseconds({ previousRetryCount: n, elapsedMilliseconds: 1e9, retryReason: new Error("x") }),
    );
    expect(delays).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
    expect(delays.every((d) => d !== null)).toBe(true);
  });

  it("scales each delay by a jitter factor between one half and one", () => {
    const low = new BackoffRetryPolicy({ initialDelayMs: 1000, random: () => 0 });
    const high = new BackoffRetryPolicy({ initialDelayMs: 1000, random: () => 0.5 });
    expect(low.delayFor(1)).toBe(500);
    expect(high.delayFor(1)).toBe(750);
  });
});
