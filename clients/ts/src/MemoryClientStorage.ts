import type { ClientStorage, OutboxEntry } from "./ClientStorage.js";
import { LruSet } from "./LruSet.js";

/** {@link ClientStorage} in memory: survives reconnects, not a page reload or process restart. */
export class MemoryClientStorage implements ClientStorage {
  private readonly outboxes = new Map<string, Map<string, OutboxEntry>>();
  private readonly cursors = new Map<string, Map<string, number>>();
  private readonly seen = new Map<string, LruSet>();

  loadOutbox(userId: string): Promise<OutboxEntry[]> {
    const entries = [...(this.outboxes.get(userId)?.values() ?? [])].sort((a, b) => a.order - b.order);
    return Promise.resolve(entries.map((e) => structuredClone(e)));
  }

  putOutbox(userId: string, entry: OutboxEntry): Promise<void> {
    let box = this.outboxes.get(userId);
    if (box === undefined) this.outboxes.set(userId, (box = new Map()));
    box.set(entry.request.clientMsgId, structuredClone(entry));
    return Promise.resolve();
  }

  deleteOutbox(userId: string, clientMsgId: string): Promise<void> {
    this.outboxes.get(userId)?.delete(clientMsgId);
    return Promise.resolve();
  }

  loadCursors(userId: string): Promise<Record<string, number>> {
    return Promise.resolve(Object.fromEntries(this.cursors.get(userId) ?? []));
  }

  saveCursor(userId: string, chatId: string, seq: number): Promise<void> {
    let map = this.cursors.get(userId);
    if (map === undefined) this.cursors.set(userId, (map = new Map()));
    map.set(chatId, Math.max(seq, map.get(chatId) ?? 0));
    return Promise.resolve();
  }

  loadSeen(userId: string, capacity: number): Promise<string[]> {
    const ids = this.seen.get(userId)?.keysOldestFirst() ?? [];
    return Promise.resolve(ids.slice(Math.max(0, ids.length - capacity)));
  }

  saveSeen(userId: string, msgIds: readonly string[], capacity: number): Promise<void> {
    let set = this.seen.get(userId);
    if (set === undefined) this.seen.set(userId, (set = new LruSet(capacity)));
    for (const id of msgIds) set.add(id);
    return Promise.resolve();
  }
}
