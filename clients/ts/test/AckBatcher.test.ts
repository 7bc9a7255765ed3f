import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AckBatcher } from "../src/AckBatcher.js";
import type { AckStatus } from "../src/models.js";

function recorder(fail?: (call: number) => Error | undefined) {
  const calls: { status: AckStatus; ids: string[] }[] = [];
  const send = async (status: AckStatus, ids: string[]): Promise<void> => {
    calls.push({ status, ids });
    const error = fail?.(calls.length);
    if (error !== undefined) throw error;
  };
  return { calls, send };
}

const ids = (n: number, prefix = "m") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("AckBatcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends ids queued within the interval as one batch after the interval", async () => {
    const r = recorder();
    const batcher = new AckBatcher(r.send, { intervalMs: 200, maxPending: 100 });
    batcher.resume();
    batcher.enqueue("Delivered", ["a"]);
    await vi.advanceTimersByTimeAsync(100);
    batcher.enqueue("Delivered", ["b", "c"]);
    expect(r.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(150);
    expect(r.calls).toEqual([{ status: "Delivered", ids: ["a", "b", "c"] }]);
  });

  it("flushes at once when the pending count reaches the maximum", async () => {
    const r = recorder();
    const batcher = new AckBatcher(r.send, { intervalMs: 10_000, maxPending: 100 });
    batcher.resume();
    batcher.enqueue("Delivered", ids(100));
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]?.ids).toHaveLength(100);
  });

  it("never puts more than 200 ids in one call", async () => {
    const r = recorder();
    const batcher = new AckBatcher(r.send, { intervalMs: 10, maxPending: 10_000 });
    batcher.enqueue("Delivered", ids(450));
    batcher.resume();
    await vi.advanceTimersByTimeAsync(50);
    expect(r.calls.map((c) => c.ids.length)).toEqual([200, 200, 50]);
    expect(new Set(r.calls.flatMap((c) => c.ids)).size).toBe(450);
  });

  it("holds ids while paused and sends them on resume", async () => {
    const r = recorder();
    const batcher = new AckBatcher(r.send, { intervalMs: 10 });
    batcher.enqueue("Delivered", ["a"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(r.calls).toHaveLength(0);
    batcher.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls).toEqual([{ status: "Delivered", ids: ["a"] }]);
  });

  it("requeues a batch that failed on a lost connection and sends it again later", async () => {
    const r = recorder((n) => (n === 1 ? new Error("Invocation canceled due to the underlying connection being closed.") : undefined));
    const batcher = new AckBatcher(r.send, { intervalMs: 10 });
    batcher.resume();
    batcher.enqueue("Delivered", ["a", "b"]);
    await vi.advanceTimersByTimeAsync(20);
    expect(batcher.pendingCount).toBe(2);
    batcher.pause();
    batcher.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls).toHaveLength(2);
    expect(r.calls[1]?.ids).toEqual(["a", "b"]);
    expect(batcher.pendingCount).toBe(0);
  });

  it("retries a batch rejected with a retriable code on the next tick", async () => {
    const r = recorder((n) => (n === 1 ? new Error("HubException: IM_STATE_UNAVAILABLE: redis down") : undefined));
    const batcher = new AckBatcher(r.send, { intervalMs: 10 });
    batcher.resume();
    batcher.enqueue("Read", ["a"]);
    await vi.advanceTimersByTimeAsync(50);
    expect(r.calls).toHaveLength(2);
    expect(batcher.pendingCount).toBe(0);
  });

  it("drops a batch the server rejects for good and reports the error", async () => {
    const errors: string[] = [];
    const r = recorder(() => new Error("HubException: IM_FORBIDDEN: not yours"));
    const batcher = new AckBatcher(r.send, { intervalMs: 10 }, (e) => errors.push(e.code));
    batcher.resume();
    batcher.enqueue("Delivered", ["a"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(r.calls).toHaveLength(1);
    expect(errors).toEqual(["IM_FORBIDDEN"]);
    expect(batcher.pendingCount).toBe(0);
  });

  it("sends Read instead of Delivered for an id queued with both", async () => {
    const r = recorder();
    const batcher = new AckBatcher(r.send, { intervalMs: 10 });
    batcher.resume();
    batcher.enqueue("Delivered", ["a", "b"]);
    batcher.enqueue("Read", ["a"]);
    batcher.enqueue("Delivered", ["a"]);
    await batcher.flush();
    expect(r.calls).toEqual([
      { status: "Read", ids: ["a"] },
      { status: "Delivered", ids: ["b"] },
    ]);
  });
});

describe("AckBatcher while the connection is lost", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([99, 100, 250])("does not resend %i pending ids in a loop when every call fails with a lost connection", async (n) => {
    let calls = 0;
    // Past 1,000 calls the sender stops answering, so a loop without delay ends in a failed count, not a hang.
    const send = (): Promise<void> =>
      ++calls > 1000 ? new Promise(() => {}) : Promise.reject(new Error("Invocation canceled due to the underlying connection being closed."));
    const batcher = new AckBatcher(send, { intervalMs: 200, maxPending: 100 });
    batcher.resume();
    batcher.enqueue("Delivered", ids(n));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBeLessThan(15);
    expect(batcher.pendingCount).toBe(n);
  });

  it("backs off between failed flushes and sends what waited once a call succeeds", async () => {
    let calls = 0;
    let up = false;
    const sent: string[] = [];
    const send = async (_status: AckStatus, batch: string[]): Promise<void> => {
      // Past 1,000 calls the sender stops answering (a loop without delay fails the count instead of hanging).
      if (++calls > 1000) return new Promise(() => {});
      if (!up) throw new Error("HubException: IM_STATE_UNAVAILABLE: redis is away");
      sent.push(...batch);
    };
    const batcher = new AckBatcher(send, { intervalMs: 100, maxPending: 100 });
    batcher.resume();
    batcher.enqueue("Delivered", ids(150));
    await vi.advanceTimersByTimeAsync(5000);
    const failedCalls = calls;
    expect(failedCalls).toBeLessThan(20);
    up = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(new Set(sent).size).toBe(150);
    expect(batcher.pendingCount).toBe(0);
  });
});
