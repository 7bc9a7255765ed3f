import { ImError } from "./ImError.js";
import { Limits, type AckStatus } from "./models.js";

/** Settings of {@link AckBatcher}. */
export interface AckBatcherOptions {
  /** How long ids wait for company before a flush. Default 200 ms. */
  intervalMs?: number;
  /** Pending ids that trigger an immediate flush. Default 100. */
  maxPending?: number;
  /**
   * Delay before a failed batch is sent again, by consecutive failed flushes (1, 2, …). Default: the
   * interval doubling to 10 s, with jitter.
   */
  retryDelayMs?: (failures: number) => number;
}

/** How a flush went: everything sent, or a batch re-queued after a lost connection or a retriable refusal. */
type FlushFailure = "none" | "connectionLost" | "refused";

/** Sends one `Ack` call; rejects with an {@link ImError}. */
export type AckSender = (status: AckStatus, msgIds: string[]) => Promise<void>;

/**
 * Collects acks and sends them in batches: after `intervalMs`, or at once when `maxPending` ids wait.
 * Acks are idempotent on the server, so a batch that fails for a retriable reason (or a lost connection)
 * goes back in the queue and is sent again on the next flush; a batch the server rejects is dropped.
 */
export class AckBatcher {
  private readonly pending: Record<AckStatus, Set<string>> = { Delivered: new Set(), Read: new Set() };
  private readonly intervalMs: number;
  private readonly maxPending: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly retryDelayMs: (failures: number) => number;
  private flushing: Promise<FlushFailure> | undefined;
  private paused = true;
  /** Consecutive flushes in which a batch failed; reset by a flush that sent everything. */
  private failures = 0;

  constructor(
    private readonly send: AckSender,
    options: AckBatcherOptions = {},
    private readonly onError: (error: ImError) => void = () => {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.maxPending = options.maxPending ?? 100;
    const interval = this.intervalMs;
    this.retryDelayMs =
      options.retryDelayMs ??
      ((failures) => Math.round(Math.min(10_000, interval * 2 ** Math.min(failures - 1, 10)) * (0.5 + Math.random() * 0.5)));
  }

  /** Ids waiting to be sent. */
  get pendingCount(): number {
    return this.pending.Delivered.size + this.pending.Read.size;
  }

  /** Queues ids; a `Read` id needs no separate `Delivered` (Read implies Delivered on the server). */
  enqueue(status: AckStatus, msgIds: Iterable<string>): void {
    for (const id of msgIds) {
      if (status === "Read") this.pending.Delivered.delete(id);
      else if (this.pending.Read.has(id)) continue;
      this.pending[status].add(id);
    }
    if (this.paused) return;
    // While backing off after a failure, the retry timer sends these too.
    if (this.pendingCount >= this.maxPending && this.failures === 0) void this.flush();
    else this.schedule();
  }

  /** Stops sending (connection down); queued ids are kept. */
  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  /** Resumes sending (connection up) and flushes what waited. */
  resume(): void {
    this.paused = false;
    this.failures = 0;
    if (this.pendingCount > 0) void this.flush();
  }

  /** Sends everything queued now; resolves when done (failed retriable batches are re-queued). */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.flushing !== undefined) {
      await this.flushing;
      if (this.pendingCount === 0 || this.paused) return;
    }
    const run = this.flushOnce();
    this.flushing = run;
    let failed: FlushFailure;
    try {
      failed = await run;
    } finally {
      if (this.flushing === run) this.flushing = undefined;
    }
    if (failed !== "none") {
      // Never straight into another flush: a call that fails at once would loop without yielding.
      // A lost connection waits for resume(); a retriable refusal is retried after a growing delay.
      this.failures++;
      if (failed === "refused") this.schedule(this.retryDelayMs(this.failures));
      return;
    }
    this.failures = 0;
    if (!this.paused && this.pendingCount >= this.maxPending) await this.flush();
  }

  /** Sends every queued id once; says whether a batch failed for a retriable reason and was re-queued. */
  private async flushOnce(): Promise<FlushFailure> {
    let failed: FlushFailure = "none";
    // Read first: it implies Delivered, so a Delivered for the same id afterwards changes nothing.
    for (const status of ["Read", "Delivered"] as const) {
      const ids = [...this.pending[status]];
      this.pending[status].clear();
      for (let i = 0; i < ids.length; i += Limits.MaxAckIds) {
        const chunk = ids.slice(i, i + Limits.MaxAckIds);
        if (this.paused) {
          this.requeue(status, chunk);
          continue;
        }
        try {
          await this.send(status, chunk);
        } catch (error) {
          const imError = ImError.fromInvocationError(error);
          if (imError.retriable) {
            this.requeue(status, chunk);
            if (failed !== "refused") failed = imError.code === "IM_CONNECTION_LOST" ? "connectionLost" : "refused";
          }
          this.onError(imError);
        }
      }
    }
    return failed;
  }

  private requeue(status: AckStatus, ids: string[]): void {
    for (const id of ids) this.pending[status].add(id);
  }

  private schedule(delayMs = this.intervalMs): void {
    if (this.timer !== undefined || this.paused) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
