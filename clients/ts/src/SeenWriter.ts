import type { ClientStorage } from "./ClientStorage.js";

/** Ids written to storage at most this often (ms), or at once when this many wait. */
const FlushMs = 100;
const FlushMax = 500;

/**
 * Persists the msgIds that join the duplicate filter, in batches, so a reload still drops their copies.
 * Used by {@link ImChatClient}; a no-op for storage without `saveSeen`.
 */
export class SeenWriter {
  /** msgIds handed over and not yet in storage; flushed within {@link FlushMs}, bounded by {@link FlushMax}. */
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly storage: ClientStorage,
    private readonly userId: string,
    private readonly capacity: number,
    private readonly failed: (error: unknown) => void,
  ) {}

  add(msgId: string): void {
    if (this.storage.saveSeen === undefined) return;
    this.pending.push(msgId);
    if (this.pending.length >= FlushMax) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FlushMs);
  }

  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.pending;
    if (ids.length === 0 || this.storage.saveSeen === undefined) return;
    this.pending = [];
    try {
      await this.storage.saveSeen(this.userId, ids, this.capacity);
    } catch (error) {
      // Only the filter's persistence is lost: cursors still drop what was handed over.
      this.failed(error);
    }
  }
}
