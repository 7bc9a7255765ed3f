/** At most one pass per key per interval (a bounded memory of keys: past `maxKeys` it starts over). */
export class Throttle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1000,
  ) {}

  /** Whether `key` may pass now; a pass starts its interval. */
  pass(key: string, now = Date.now()): boolean {
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (this.last.size >= this.maxKeys) this.last.clear();
    this.last.set(key, now);
    return true;
  }
}
