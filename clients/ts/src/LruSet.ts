/**
 * A set that remembers at most `capacity` keys, forgetting the least recently added or touched one.
 * Used to drop duplicate pushes by `msgId` without growing forever.
 */
export class LruSet {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
  }

  /** Number of keys held. */
  get size(): number {
    return this.keys.size;
  }

  /** Whether `key` is held; a hit makes it the most recent. */
  has(key: string): boolean {
    if (!this.keys.has(key)) return false;
    this.keys.delete(key);
    this.keys.set(key, true);
    return true;
  }

  /** The keys, least recent first (what a persisted window is saved as). */
  keysOldestFirst(): string[] {
    return [...this.keys.keys()];
  }

  /** Adds `key`; returns false when it was already there. */
  add(key: string): boolean {
    const existed = this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (oldest.done !== true) this.keys.delete(oldest.value);
    }
    return !existed;
  }
}
