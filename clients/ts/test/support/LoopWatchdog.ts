/**
 * Measures how late a 50 ms interval timer fires. A retry loop that never yields (a promise chain that
 * re-arms itself) starves every timer of the process; the longest lateness seen is the evidence.
 */
export class LoopWatchdog {
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = 0;
  /** The longest time between two ticks beyond the interval, in ms. */
  worstStallMs = 0;

  start(intervalMs = 50): void {
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.worstStallMs = Math.max(this.worstStallMs, now - this.last - intervalMs);
      this.last = now;
    }, intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
