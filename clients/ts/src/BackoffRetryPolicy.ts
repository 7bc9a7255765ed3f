import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";

/** Settings of {@link BackoffRetryPolicy}. */
export interface BackoffOptions {
  /** Delay before the second attempt; it doubles afterwards. Default 500 ms. */
  initialDelayMs?: number;
  /** Ceiling of the delay. Default 15 s. */
  maxDelayMs?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter that never gives up: the first retry is immediate, then
 * `initial * 2^(n-1)` capped at `max`, each scaled by a random factor in [0.5, 1) so that many clients
 * dropped together do not come back in lockstep.
 */
export class BackoffRetryPolicy implements IRetryPolicy {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
    this.random = options.random ?? Math.random;
  }

  /** SignalR's hook; never returns `null`, so automatic reconnect never stops. */
  nextRetryDelayInMilliseconds(retryContext: RetryContext): number {
    return this.delayFor(retryContext.previousRetryCount);
  }

  /** The delay before attempt number `previousAttempts + 1`. */
  delayFor(previousAttempts: number): number {
    if (previousAttempts <= 0) return 0;
    const exponent = Math.min(previousAttempts - 1, 30);
    const base = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** exponent);
    return Math.round(base * (0.5 + this.random() * 0.5));
  }
}
